import type { GraphDocument } from '@reelgraph/graph';
import type { PackCatalog } from '@reelgraph/packs';

/** Which plugin a failing node comes from, for job errors: users need to know whose code failed. */
export interface Culprit {
  nodeId: string;
  nodeType: string;
  pack?: string;
}

export function culprit(graph: GraphDocument, nodeId: string, catalog: PackCatalog): Culprit | undefined {
  const nodeType = graph.nodes[nodeId]?.type;
  if (!nodeType) return undefined;
  const pack = catalog.nodes[nodeType]?.pack;
  return { nodeId, nodeType, ...(pack ? { pack } : {}) };
}

/** `node "x" (grade.color from pack "grade")`. */
export function describeCulprit(c: Culprit): string {
  return `node "${c.nodeId}" (${c.nodeType}${c.pack ? ` from pack "${c.pack}"` : ''})`;
}
