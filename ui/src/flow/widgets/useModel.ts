import { type InputSchema, type ResolvedModel, type RuleNode, resolveModel } from '@reelgraph/graph';
import { useMemo } from 'react';
import { type ItemsView, useItems } from '../../state';

function ruleNode(s: ItemsView, id: string): RuleNode | undefined {
  const item = s.items[id];
  if (item?.kind !== 'node') return undefined;
  const schema = s.catalog?.nodes[item.type];
  return { inputs: item.inputs, decls: schema?.inputs, outputs: schema?.outputs };
}

function resolveIn(s: ItemsView, nodeId: string, via: string | undefined): ResolvedModel | undefined {
  if (via === undefined) return undefined;
  const node = ruleNode(s, nodeId);
  return node && resolveModel(node, via, (id) => ruleNode(s, id));
}

/** The model that reaches this input's node, for inputs that declare a `modelRule`; undefined otherwise. */
export function useModel(nodeId: string, schema: InputSchema): ResolvedModel | undefined {
  const via = schema.modelRule?.via;
  // Two selectors with stable results (a string, a catalog object): a fresh object would re-render forever.
  const id = useItems((s) => resolveIn(s, nodeId, via)?.id);
  const constraints = useItems((s) => resolveIn(s, nodeId, via)?.constraints);
  return useMemo(() => (id && constraints ? { id, constraints } : undefined), [id, constraints]);
}
