import type { GraphDocument } from '@reelgraph/graph';
import type { PolicyFinding } from '@reelgraph/protocol';
import { matchText } from './match';
import type { CompiledPolicy } from './rules';

/** A policy hit located in the graph: which node's which text input (declared by the protocol). */
export type { PolicyFinding };

export interface PolicyVerdict {
  refused: PolicyFinding[];
  warnings: PolicyFinding[];
}

/**
 * Check every text input of every node (not only prompts: any string a node reads can reach a model),
 * whatever its mode: a muted node can be unmuted by the next submit of the same graph.
 */
export function checkGraph(doc: GraphDocument, policy: CompiledPolicy): PolicyVerdict {
  const verdict: PolicyVerdict = { refused: [], warnings: [] };
  for (const [nodeId, node] of Object.entries(doc.nodes)) {
    for (const [input, value] of Object.entries(node.inputs)) {
      if (typeof value !== 'string' || value === '') continue;
      for (const h of matchText(value, policy)) {
        (h.action === 'refuse' ? verdict.refused : verdict.warnings).push({ ...h, nodeId, input });
      }
    }
  }
  return verdict;
}
