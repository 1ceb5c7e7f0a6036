import type { Catalog, NodeSchema } from './catalog';
import {
  GRAPH_VERSION,
  type GraphDocument,
  type GraphNode,
  isLink,
  type Point,
  SUBGRAPH_INPUTS,
  type SubgraphDefinition,
} from './document';

/**
 * Editing inside a subgraph: its definition shown as a graph of its own, with two boundary nodes: one
 * whose outputs are the subgraph's inputs (`$inputs`, the id inner links already read from) and one
 * whose inputs are its outputs (`$outputs`). Neither is ever part of a document that runs.
 */
export const SUBGRAPH_OUTPUTS = '$outputs' as const;
export const BOUNDARY_INPUTS_TYPE = '@subgraph/inputs' as const;
export const BOUNDARY_OUTPUTS_TYPE = '@subgraph/outputs' as const;

const GAP = 380;

export const isBoundary = (id: string): boolean => id === SUBGRAPH_INPUTS || id === SUBGRAPH_OUTPUTS;

/** Left of the leftmost inner node and right of the rightmost, at their middle height. */
function boundaryPositions(nodes: GraphNode[]): { inputs: Point; outputs: Point } {
  const at = nodes.map((n) => n.meta?.position).filter((p): p is Point => p !== undefined);
  if (!at.length) return { inputs: { x: 0, y: 0 }, outputs: { x: 2 * GAP, y: 0 } };
  const xs = at.map((p) => p.x);
  const ys = at.map((p) => p.y);
  const y = Math.round((Math.min(...ys) + Math.max(...ys)) / 2);
  return { inputs: { x: Math.min(...xs) - GAP, y }, outputs: { x: Math.max(...xs) + GAP, y } };
}

/** The inside of `def` as a document to edit: its nodes, its meta, and the two boundary nodes. */
export function definitionAsGraph(def: SubgraphDefinition): GraphDocument {
  const at = boundaryPositions(Object.values(def.nodes));
  const outputs: GraphNode['inputs'] = {};
  for (const o of def.outputs) outputs[o.name] = [o.from[0], o.from[1]];
  return {
    version: GRAPH_VERSION,
    nodes: {
      [SUBGRAPH_INPUTS]: { type: BOUNDARY_INPUTS_TYPE, inputs: {}, meta: { position: at.inputs } },
      ...def.nodes,
      [SUBGRAPH_OUTPUTS]: { type: BOUNDARY_OUTPUTS_TYPE, inputs: outputs, meta: { position: at.outputs } },
    },
    ...(def.meta ? { meta: def.meta } : {}),
  };
}

/**
 * The inverse of `definitionAsGraph`: `def` with the nodes and meta of the edited graph. Its sockets
 * are kept; an output whose boundary input was unlinked is dropped (instances then report what read it).
 */
export function graphAsDefinition(doc: GraphDocument, def: SubgraphDefinition): SubgraphDefinition {
  const { [SUBGRAPH_INPUTS]: _, [SUBGRAPH_OUTPUTS]: boundary, ...nodes } = doc.nodes;
  const outputs = def.outputs.flatMap((o) => {
    const from = boundary?.inputs[o.name];
    return isLink(from) ? [{ ...o, from: [from[0], from[1]] as [string, string] }] : [];
  });
  const { meta: _m, ...rest } = def;
  return { ...rest, nodes, outputs, ...(doc.meta ? { meta: doc.meta } : {}) };
}

function boundarySchema(type: string, title: string): NodeSchema {
  return {
    type,
    version: 1,
    title,
    category: 'Subgraph',
    description: `The ${title.toLowerCase()} of the subgraph being edited`,
    inputs: {},
    outputs: {},
    output: false,
    cache: 'pure',
  };
}

/** `catalog` with the boundary node schemas of `def` (its sockets as outputs and inputs). */
export function catalogWithBoundary(catalog: Catalog, def: SubgraphDefinition): Catalog {
  const inputs = boundarySchema(BOUNDARY_INPUTS_TYPE, 'Inputs');
  for (const s of def.inputs) inputs.outputs[s.name] = { type: s.type };
  const outputs = boundarySchema(BOUNDARY_OUTPUTS_TYPE, 'Outputs');
  for (const s of def.outputs) outputs.inputs[s.name] = { type: s.type, widget: 'socket', optional: true };
  return {
    ...catalog,
    nodes: { ...catalog.nodes, [BOUNDARY_INPUTS_TYPE]: inputs, [BOUNDARY_OUTPUTS_TYPE]: outputs },
  };
}
