import { type Catalog, type ConstantValue, type InputValue, isLink, type Point } from '@reelgraph/graph';
import { widgetDefault } from './defaults';
import { makeEdge } from './document';
import { nextId } from './ids';
import { shiftReroutes } from './reroutes';
import {
  type FlowEdge,
  type FlowNode,
  GROUP_PREFIX,
  type GraphState,
  type Item,
  NOTE_PREFIX,
  type NodeItem,
} from './types';

/** A copied selection: the items and their flow nodes, with links as they were (remapped on paste). */
export interface Clip {
  items: Record<string, Item>;
  flow: FlowNode[];
  /** Edge types by `target:input`, so pasted links keep their colour without a catalog lookup. */
  edgeTypes: Record<string, string>;
}

export function copyItems(st: GraphState, ids: string[]): Clip {
  const want = new Set(ids);
  const items: Record<string, Item> = {};
  for (const id of ids) {
    const item = st.items[id];
    if (item) items[id] = structuredClone(item);
  }
  const flow = st.flow
    .filter((f) => want.has(f.id))
    .map((f) => {
      const { selected: _s, dragging: _d, ...rest } = f;
      return structuredClone(rest) as FlowNode;
    });
  const edgeTypes: Record<string, string> = {};
  for (const e of st.edges)
    if (want.has(e.target)) edgeTypes[`${e.target}:${e.targetHandle}`] = e.data?.type ?? '*';
  return { items, flow, edgeTypes };
}

/**
 * Paste `clip` into `st` with fresh ids. Links between copied nodes are remapped; links from nodes
 * outside the copy are kept only with `withInputLinks` (and only if that node still exists).
 * Pasted items come selected; everything else is deselected.
 */
export function pasteClip(
  st: GraphState,
  clip: Clip,
  opts: { at?: Point; withInputLinks: boolean; catalog?: Catalog },
): { state: GraphState; ids: string[] } {
  const ids = new Map<string, string>();
  const taken = new Set<string>();
  const docIds = new Set(
    Object.values(st.items).flatMap((i) => (i.kind === 'group' || i.kind === 'note' ? [i.docId] : [])),
  );
  for (const [id, item] of Object.entries(clip.items)) {
    if (item.kind === 'node') {
      const nid = nextId(st.items, taken);
      taken.add(nid);
      ids.set(id, nid);
    } else {
      let n = 1;
      while (docIds.has(`${item.kind}${n}`)) n++;
      const doc = `${item.kind}${n}`;
      docIds.add(doc);
      ids.set(id, (item.kind === 'group' ? GROUP_PREFIX : NOTE_PREFIX) + doc);
    }
  }

  // Offset: to the requested point (top-left of the copy), else a little down-right of the original.
  let dx = 40;
  let dy = 40;
  if (opts.at && clip.flow.length) {
    const minX = Math.min(...clip.flow.map((f) => f.position.x));
    const minY = Math.min(...clip.flow.map((f) => f.position.y));
    dx = opts.at.x - minX;
    dy = opts.at.y - minY;
  }

  const items = { ...st.items };
  const newEdges: FlowEdge[] = [];
  for (const [oldId, item] of Object.entries(clip.items)) {
    const id = ids.get(oldId)!;
    if (item.kind !== 'node') {
      items[id] = { ...structuredClone(item), docId: id.slice(GROUP_PREFIX.length) };
      continue;
    }
    const inputs: Record<string, InputValue> = {};
    const stash: Record<string, ConstantValue> = { ...item.stash };
    for (const [name, v] of Object.entries(item.inputs)) {
      if (!isLink(v)) {
        inputs[name] = v;
        continue;
      }
      const inside = ids.get(v[0]);
      const source = inside ?? (opts.withInputLinks && st.items[v[0]]?.kind === 'node' ? v[0] : undefined);
      if (source) {
        inputs[name] = [source, v[1]];
        newEdges.push(makeEdge(source, v[1], id, name, clip.edgeTypes[`${oldId}:${name}`] ?? '*'));
      } else if (stash[name] !== undefined) {
        inputs[name] = stash[name];
        delete stash[name];
      } else {
        // The widget's default comes back; an unlinked socket input is simply absent, as in a fresh node.
        const schema = opts.catalog?.nodes[item.type]?.inputs[name];
        const d = schema ? widgetDefault(schema) : undefined;
        if (d !== undefined) inputs[name] = d;
      }
    }
    const next: NodeItem = { ...structuredClone(item), inputs };
    if (Object.keys(stash).length) next.stash = stash;
    else delete next.stash;
    const reroutes = shiftReroutes(item.reroutes, inputs, dx, dy);
    if (reroutes) next.reroutes = reroutes;
    else delete next.reroutes;
    items[id] = next;
  }

  const pasted: FlowNode[] = clip.flow.map((f) => ({
    ...structuredClone(f),
    id: ids.get(f.id)!,
    position: { x: f.position.x + dx, y: f.position.y + dy },
    selected: true,
  }));
  const frames = pasted.filter((f) => f.type === 'frame');
  const others = pasted.filter((f) => f.type !== 'frame');
  const flow = [...frames, ...st.flow.map((f) => (f.selected ? { ...f, selected: false } : f)), ...others];
  return { state: { items, flow, edges: [...st.edges, ...newEdges] }, ids: [...ids.values()] };
}
