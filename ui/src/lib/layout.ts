import type { Point } from '@reelgraph/graph';
import ELK from 'elkjs/lib/elk.bundled.js';
import { sizeOf } from '../store/editorStore';
import type { GraphState } from '../store/types';

const elk = new ELK();

/** Left-to-right layered layout of the graph's nodes (frames and notes stay where they are). */
export async function autoLayout(g: GraphState): Promise<Record<string, Point>> {
  const nodes = g.flow.filter((f) => f.type === 'rg');
  if (!nodes.length) return {};
  const minX = Math.min(...nodes.map((n) => n.position.x));
  const minY = Math.min(...nodes.map((n) => n.position.y));
  const ids = new Set(nodes.map((n) => n.id));
  const result = await elk.layout({
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'RIGHT',
      'elk.spacing.nodeNode': '40',
      'elk.layered.spacing.nodeNodeBetweenLayers': '80',
    },
    children: nodes.map((n) => ({ id: n.id, ...sizeOf(n) })),
    edges: g.edges
      .filter((e) => ids.has(e.source) && ids.has(e.target))
      .map((e) => ({ id: e.id, sources: [e.source], targets: [e.target] })),
  });
  const out: Record<string, Point> = {};
  for (const c of result.children ?? []) out[c.id] = { x: minX + (c.x ?? 0), y: minY + (c.y ?? 0) };
  return out;
}
