import type { Catalog, ValidationError } from '@reelgraph/graph';
import type { Handle as HandleBounds } from '@xyflow/react';
import { foreignSchema } from '../lib/foreign';
import type { NodeRun } from '../store/runStore';
import type { FlowEdge, FlowNode, Item } from '../store/types';

/**
 * What the far-out canvas layer draws, in flow coordinates: every node as a box and every link as a
 * polyline, except what React Flow draws itself (the real nodes, and links between two of them). Pure, so
 * the drawing and the pointer's hit test read the same geometry.
 */
export interface FarBox {
  id: string;
  x: number;
  y: number;
  w: number;
  h: number;
  /** The header strip's colour; notes are one colour throughout. */
  head: string;
  /** A state border (running, done, failed, problems), when the node has one. */
  border?: string;
  alpha: number;
  note: boolean;
  /** Drawn by React Flow, not on the canvas (still hit-tested). */
  real: boolean;
}
export interface FarScene {
  boxes: FarBox[];
  /** Link polylines (x0, y0, x1, y1, …) by stroke colour: one path per colour. */
  links: Map<string, number[][]>;
}

export interface FarColors {
  node: string;
  head: string;
  note: string;
  link: string;
  running: string;
  done: string;
  failed: string;
}

/** Socket handle bounds React Flow measured (node-relative), kept after the node left React Flow. */
export type Handles = { source?: HandleBounds[] | null; target?: HandleBounds[] | null };

export interface FarInput {
  flow: readonly FlowNode[];
  edges: readonly FlowEdge[];
  items: Record<string, Item>;
  catalog: Catalog | undefined;
  run: Record<string, NodeRun>;
  problems: Record<string, ValidationError[]>;
  real: ReadonlySet<string>;
  handles: (id: string) => Handles | undefined;
  colors: FarColors;
}

/** NodeBox's layout for a node never measured: the header, then one 14-px row per output, then per input. */
export const BOX_HEAD = 26;
export const BOX_ROW = 14;
const NODE_WIDTH = 260;
const COLLAPSED_WIDTH = 140;

type Sockets = { outputs: string[]; inputs: string[] };

export function farScene(input: FarInput): FarScene {
  const { flow, items, catalog, colors } = input;
  const byId = new Map(flow.map((f) => [f.id, f]));
  const abs = new Map<string, { x: number; y: number }>();
  const absOf = (f: FlowNode): { x: number; y: number } => {
    const known = abs.get(f.id);
    if (known) return known;
    const parent = f.parentId ? byId.get(f.parentId) : undefined;
    const p = parent ? absOf(parent) : { x: 0, y: 0 };
    const at = { x: p.x + f.position.x, y: p.y + f.position.y };
    abs.set(f.id, at);
    return at;
  };
  const sockets = new Map<string, Sockets>();
  const socketsOf = (id: string): Sockets => {
    const known = sockets.get(id);
    if (known) return known;
    const item = items[id];
    let s: Sockets = { outputs: [], inputs: [] };
    if (item?.kind === 'node') {
      const schema =
        item.foreign && item.inputs ? foreignSchema(item.foreign, item.inputs) : catalog?.nodes[item.type];
      s = { outputs: Object.keys(schema?.outputs ?? {}), inputs: Object.keys(schema?.inputs ?? item.inputs) };
    }
    sockets.set(id, s);
    return s;
  };

  const boxes: FarBox[] = [];
  const boxById = new Map<string, FarBox>();
  for (const f of flow) {
    const item = items[f.id];
    if (!item || item.kind === 'group') continue;
    const at = absOf(f);
    const note = item.kind === 'note';
    const collapsed = item.kind === 'node' && item.collapsed;
    const s = socketsOf(f.id);
    const w = f.measured?.width ?? f.width ?? (collapsed ? COLLAPSED_WIDTH : NODE_WIDTH);
    const h =
      f.measured?.height ??
      f.height ??
      (collapsed ? BOX_HEAD : BOX_HEAD + (s.outputs.length + s.inputs.length) * BOX_ROW + 2);
    const state = item.kind === 'node' ? input.run[f.id]?.state : undefined;
    const border = input.problems[f.id]?.length
      ? colors.failed
      : state === 'running'
        ? colors.running
        : state === 'done'
          ? colors.done
          : state === 'failed'
            ? colors.failed
            : undefined;
    const box: FarBox = {
      id: f.id,
      ...at,
      w,
      h,
      head: note
        ? (item.color ?? colors.note)
        : item.kind === 'node' && item.mode === 'bypassed'
          ? '#4b3a73'
          : (item.color ?? colors.head),
      ...(border ? { border } : {}),
      alpha: item.kind === 'node' && item.mode === 'muted' ? 0.45 : 1,
      note,
      real: input.real.has(f.id),
    };
    boxes.push(box);
    boxById.set(f.id, box);
  }

  // A socket's centre: where React Flow measured it, else NodeBox's row for it.
  const end = (id: string, side: 'source' | 'target', name: string): [number, number] | undefined => {
    const box = boxById.get(id);
    if (!box) return undefined;
    const h = input.handles(id)?.[side]?.find((b) => b.id === name);
    if (h) return [box.x + h.x + h.width / 2, box.y + h.y + h.height / 2];
    const s = socketsOf(id);
    const row =
      side === 'source'
        ? Math.max(0, s.outputs.indexOf(name))
        : s.outputs.length + Math.max(0, s.inputs.indexOf(name));
    const y = Math.min(box.y + BOX_HEAD + row * BOX_ROW + BOX_ROW / 2, box.y + box.h - 1);
    return [side === 'source' ? box.x + box.w : box.x, y];
  };

  const links = new Map<string, number[][]>();
  for (const e of input.edges) {
    if (input.real.has(e.source) && input.real.has(e.target)) continue;
    const a = end(e.source, 'source', e.sourceHandle ?? '');
    const b = end(e.target, 'target', e.targetHandle ?? '');
    if (!a || !b) continue;
    const target = items[e.target];
    const via = target?.kind === 'node' ? target.reroutes?.[e.targetHandle ?? ''] : undefined;
    const line = [...a, ...(via ?? []).flatMap((p) => [p.x, p.y]), ...b];
    const color = catalog?.types[e.data?.type ?? '']?.color ?? colors.link;
    const group = links.get(color);
    if (group) group.push(line);
    else links.set(color, [line]);
  }
  return { boxes, links };
}

/** The node under a flow point (the last drawn on top), real or not. */
export function boxAt(scene: FarScene, p: { x: number; y: number }): string | undefined {
  for (let i = scene.boxes.length - 1; i >= 0; i--) {
    const b = scene.boxes[i]!;
    if (p.x >= b.x && p.x <= b.x + b.w && p.y >= b.y && p.y <= b.y + b.h) return b.id;
  }
  return undefined;
}

/** The nodes wholly inside a flow rectangle (React Flow's default selection mode). */
export function boxesInside(
  scene: FarScene,
  r: { x: number; y: number; width: number; height: number },
): string[] {
  return scene.boxes
    .filter((b) => b.x >= r.x && b.y >= r.y && b.x + b.w <= r.x + r.width && b.y + b.h <= r.y + r.height)
    .map((b) => b.id);
}
