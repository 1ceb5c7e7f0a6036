import type { Point } from '@reelgraph/graph';
import ELK, { type ElkExtendedEdge } from 'elkjs/lib/elk.bundled.js';
import { sizeOf } from '../store/editorStore';
import type { GraphState } from '../store/types';

const elk = new ELK();

/** A node's sockets in the order it draws them (inputs on the left, outputs on the right). */
export type SocketOrder = (nodeId: string) => { inputs: string[]; outputs: string[] } | undefined;

/**
 * Left-to-right layered layout of the graph's nodes (frames and notes stay where they are). With the
 * socket order, links attach to ports in that order, so ELK's crossing minimisation sees what is drawn.
 */
export interface Layout {
  positions: Record<string, Point>;
  /** Reroute points for links that span several layers, by edge id: they pass between the nodes. */
  routes: Record<string, Point[]>;
}

export async function autoLayout(
  g: GraphState,
  sockets?: SocketOrder,
  /** More ELK options (`ui/scripts/layout-presets.ts` tries several on the presets). */
  options: Record<string, string> = {},
): Promise<Layout> {
  const nodes = g.flow.filter((f) => f.type === 'rg');
  if (!nodes.length) return { positions: {}, routes: {} };
  const minX = Math.min(...nodes.map((n) => n.position.x));
  const minY = Math.min(...nodes.map((n) => n.position.y));
  const ids = new Set(nodes.map((n) => n.id));
  const port = (node: string, side: 'in' | 'out', name: string) => `${node}\u0000${side}\u0000${name}`;
  const result = await elk.layout({
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'RIGHT',
      'elk.spacing.nodeNode': '50',
      'elk.layered.spacing.nodeNodeBetweenLayers': '90',
      'elk.layered.crossingMinimization.strategy': 'LAYER_SWEEP',
      'elk.layered.crossingMinimization.greedySwitch.type': 'TWO_SIDED',
      'elk.layered.thoroughness': '40',
      'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
      // Polyline bends sit where a long link passes a layer: between that layer's nodes.
      'elk.edgeRouting': 'POLYLINE',
      ...options,
    },
    children: nodes.map((n) => {
      const order = sockets?.(n.id);
      return {
        id: n.id,
        ...sizeOf(n),
        ...(order
          ? {
              layoutOptions: { 'elk.portConstraints': 'FIXED_ORDER' },
              // ELK orders west ports bottom-up and east ports top-down (clockwise from the north).
              ports: [
                ...order.outputs.map((o, i) => ({
                  id: port(n.id, 'out', o),
                  layoutOptions: { 'elk.port.side': 'EAST', 'elk.port.index': String(i) },
                })),
                ...order.inputs.map((o, i) => ({
                  id: port(n.id, 'in', o),
                  layoutOptions: {
                    'elk.port.side': 'WEST',
                    'elk.port.index': String(order.inputs.length - 1 - i),
                  },
                })),
              ],
            }
          : {}),
      };
    }),
    edges: g.edges
      .filter((e) => ids.has(e.source) && ids.has(e.target))
      .map((e) => {
        const out = sockets?.(e.source)?.outputs.includes(e.sourceHandle ?? '');
        const into = sockets?.(e.target)?.inputs.includes(e.targetHandle ?? '');
        return {
          id: e.id,
          sources: [out ? port(e.source, 'out', e.sourceHandle ?? '') : e.source],
          targets: [into ? port(e.target, 'in', e.targetHandle ?? '') : e.target],
        };
      }),
  });
  const positions: Record<string, Point> = {};
  for (const c of result.children ?? []) positions[c.id] = { x: minX + (c.x ?? 0), y: minY + (c.y ?? 0) };
  const routes: Record<string, Point[]> = {};
  for (const e of (result.edges ?? []) as ElkExtendedEdge[]) {
    const bends = (e.sections ?? []).flatMap((s) => s.bendPoints ?? []);
    routes[e.id] = bends.map((b) => ({ x: Math.round(minX + b.x), y: Math.round(minY + b.y) }));
  }
  return { positions, routes };
}
