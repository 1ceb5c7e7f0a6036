import {
  type Catalog,
  GRAPH_VERSION,
  type GraphDocument,
  type GraphMeta,
  type GraphNode,
  type InputValue,
  isLink,
  type NodeMeta,
} from '@reelgraph/graph';
import {
  edgeId,
  type FlowEdge,
  type FlowNode,
  GROUP_PREFIX,
  type GraphState,
  type Item,
  NOTE_PREFIX,
  type NodeItem,
} from './types';

/** Document-level metadata the editor keeps as is (title, description, viewport). */
export type DocMeta = Omit<GraphMeta, 'groups' | 'notes'>;

export interface Loaded extends GraphState {
  meta: DocMeta;
}

const GRID_X = 320;
const GRID_Y = 260;

/** The socket type an output carries, for edge colours; `*` when the node type is unknown. */
export function outputType(
  catalog: Catalog | undefined,
  items: Record<string, Item>,
  nodeId: string,
  output: string,
) {
  const item = items[nodeId];
  if (item?.kind !== 'node') return '*';
  if (item.foreign) return item.foreign.outputs.find((o) => o.name === output)?.type ?? '*';
  return catalog?.nodes[item.type]?.outputs[output]?.type ?? '*';
}

export function makeEdge(
  source: string,
  output: string,
  target: string,
  input: string,
  type: string,
): FlowEdge {
  return {
    id: edgeId(target, input),
    source,
    sourceHandle: output,
    target,
    targetHandle: input,
    data: { type },
  };
}

/** Document → editor state. Unknown node types are kept (drawn as missing) so nothing is lost. */
export function fromDocument(doc: GraphDocument, catalog?: Catalog): Loaded {
  const items: Record<string, Item> = {};
  const flow: FlowNode[] = [];
  const edges: FlowEdge[] = [];
  const meta = doc.meta ?? {};

  for (const g of meta.groups ?? []) {
    const id = GROUP_PREFIX + g.id;
    items[id] = {
      kind: 'group',
      docId: g.id,
      title: g.title,
      ...(g.color !== undefined ? { color: g.color } : {}),
    };
    flow.push({
      id,
      type: 'frame',
      position: { x: g.bounds.x, y: g.bounds.y },
      width: g.bounds.width,
      height: g.bounds.height,
      zIndex: -1,
      data: {},
    });
  }

  let i = 0;
  for (const [id, node] of Object.entries(doc.nodes)) {
    const m = node.meta ?? {};
    const item: NodeItem = { kind: 'node', type: node.type, inputs: { ...node.inputs } };
    if (node.mode !== undefined) item.mode = node.mode;
    if (node.foreign !== undefined) item.foreign = node.foreign;
    if (m.title !== undefined) item.title = m.title;
    if (m.color !== undefined) item.color = m.color;
    if (m.collapsed !== undefined) item.collapsed = m.collapsed;
    if (m.size !== undefined) item.size = { ...m.size };
    if (m.comfy !== undefined) item.comfy = m.comfy;
    const reroutes = linkedReroutes(node.inputs, m.reroutes);
    if (reroutes) item.reroutes = reroutes;
    items[id] = item;
    const position = m.position ? { ...m.position } : { x: (i % 6) * GRID_X, y: Math.floor(i / 6) * GRID_Y };
    flow.push({ id, type: 'rg', position, data: {} });
    i++;
  }

  for (const [id, node] of Object.entries(doc.nodes)) {
    for (const [input, value] of Object.entries(node.inputs)) {
      if (!isLink(value)) continue;
      edges.push(makeEdge(value[0], value[1], id, input, outputType(catalog, items, value[0], value[1])));
    }
  }

  for (const n of meta.notes ?? []) {
    const id = NOTE_PREFIX + n.id;
    items[id] = {
      kind: 'note',
      docId: n.id,
      text: n.text,
      ...(n.color !== undefined ? { color: n.color } : {}),
      ...(n.size ? { sized: true } : {}),
    };
    flow.push({
      id,
      type: 'note',
      position: { ...n.position },
      ...(n.size ? { width: n.size.width, height: n.size.height } : {}),
      data: {},
    });
  }

  const { groups: _g, notes: _n, ...rest } = meta;
  return { items, flow, edges, meta: rest, definitions: doc.definitions };
}

/** Editor state → document (current version). Positions come from the flow nodes; only metadata that was set is written. */
export function toDocument(state: GraphState, docMeta: DocMeta = {}): GraphDocument {
  const nodes: Record<string, GraphNode> = {};
  const groups: NonNullable<GraphMeta['groups']> = [];
  const notes: NonNullable<GraphMeta['notes']> = [];
  const byId = new Map(state.flow.map((f) => [f.id, f]));

  for (const [id, item] of Object.entries(state.items)) {
    const f = byId.get(id);
    const position = f ? { x: f.position.x, y: f.position.y } : { x: 0, y: 0 };
    if (item.kind === 'node') {
      const inputs: Record<string, InputValue> = {};
      for (const [k, v] of Object.entries(item.inputs)) inputs[k] = isLink(v) ? [v[0], v[1]] : v;
      const meta: NodeMeta = {};
      if (item.title !== undefined) meta.title = item.title;
      meta.position = position;
      if (item.size !== undefined) meta.size = { ...item.size };
      if (item.color !== undefined) meta.color = item.color;
      if (item.collapsed !== undefined) meta.collapsed = item.collapsed;
      if (item.comfy !== undefined) meta.comfy = item.comfy;
      const reroutes = linkedReroutes(item.inputs, item.reroutes);
      if (reroutes) meta.reroutes = reroutes;
      const node: GraphNode = { type: item.type, inputs };
      if (item.mode !== undefined) node.mode = item.mode;
      if (item.foreign !== undefined) node.foreign = item.foreign;
      node.meta = meta;
      nodes[id] = node;
    } else if (item.kind === 'group') {
      groups.push({
        id: item.docId,
        title: item.title,
        ...(item.color !== undefined ? { color: item.color } : {}),
        bounds: { ...position, width: dim(f, 'width'), height: dim(f, 'height') },
      });
    } else {
      notes.push({
        id: item.docId,
        text: item.text,
        position,
        ...(item.sized ? { size: { width: dim(f, 'width'), height: dim(f, 'height') } } : {}),
        ...(item.color !== undefined ? { color: item.color } : {}),
      });
    }
  }

  const meta: GraphMeta = { ...docMeta };
  if (groups.length) meta.groups = groups;
  if (notes.length) meta.notes = notes;
  const doc: GraphDocument = { version: GRAPH_VERSION, nodes };
  if (Object.keys(meta).length) doc.meta = meta;
  if (state.definitions && Object.keys(state.definitions.subgraphs ?? {}).length)
    doc.definitions = state.definitions;
  return doc;
}

/** The reroutes of inputs that are linked (points of a link that went are dropped), copied; none → undefined. */
function linkedReroutes(
  inputs: Record<string, InputValue>,
  reroutes: NodeMeta['reroutes'],
): NodeMeta['reroutes'] {
  if (!reroutes) return undefined;
  const out: NonNullable<NodeMeta['reroutes']> = {};
  for (const [input, points] of Object.entries(reroutes))
    if (points.length && isLink(inputs[input])) out[input] = points.map((p) => ({ x: p.x, y: p.y }));
  return Object.keys(out).length ? out : undefined;
}

function dim(f: FlowNode | undefined, key: 'width' | 'height'): number {
  return f?.[key] ?? f?.measured?.[key] ?? (key === 'width' ? 400 : 300);
}
