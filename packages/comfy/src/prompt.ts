/** ComfyUI's API ("prompt") format → the normalized form. */
import type { ApiNode, ComfyGraph, ComfyNode } from './format';

const isApiLink = (v: unknown): v is [string | number, number] =>
  Array.isArray(v) && v.length === 2 && typeof v[0] === 'string' && Number.isInteger(v[1]);

export function readPrompt(json: Record<string, unknown>): ComfyGraph {
  const graph: ComfyGraph = {
    format: 'prompt',
    nodes: [],
    groups: [],
    notes: [],
    absorbed: [],
    warnings: [],
  };
  for (const [id, raw] of Object.entries(json)) {
    const n = raw as ApiNode;
    const node: ComfyNode = { id, class: n.class_type, inputs: {}, mode: 'active' };
    const given = typeof n.inputs === 'object' && n.inputs !== null ? n.inputs : {};
    for (const [name, v] of Object.entries(given))
      node.inputs[name] = isApiLink(v) ? { ref: String(v[0]), slot: v[1] } : v;
    const title = n._meta?.title;
    if (typeof title === 'string' && title !== n.class_type) node.title = title;
    graph.nodes.push(node);
  }
  return graph;
}
