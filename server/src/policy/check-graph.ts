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

/** One string input of one node. */
export interface TextInput {
  nodeId: string;
  input: string;
  text: string;
}

/**
 * Every text input of every node (not only prompts: any string a node reads can reach a model),
 * whatever its mode: a muted node can be unmuted by the next submit of the same graph.
 */
export function textInputs(doc: GraphDocument): TextInput[] {
  const out: TextInput[] = [];
  for (const [nodeId, node] of Object.entries(doc.nodes)) {
    for (const [input, value] of Object.entries(node.inputs)) {
      if (typeof value === 'string' && value !== '') out.push({ nodeId, input, text: value });
    }
  }
  return out;
}

/** The policy's rules over every text input. */
export function checkGraph(doc: GraphDocument, policy: CompiledPolicy): PolicyVerdict {
  const verdict: PolicyVerdict = { refused: [], warnings: [] };
  for (const { nodeId, input, text } of textInputs(doc)) {
    for (const h of matchText(text, policy)) {
      (h.action === 'refuse' ? verdict.refused : verdict.warnings).push({ ...h, nodeId, input });
    }
  }
  return verdict;
}
