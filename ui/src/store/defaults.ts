import type { ConstantValue, InputSchema, NodeSchema } from '@reelgraph/graph';

/** The constant a widget starts with: the declared default, else the type's natural zero. */
export function widgetDefault(input: InputSchema): ConstantValue | undefined {
  if (input.widget === 'socket') return undefined;
  if (input.default !== undefined) return input.default;
  if (input.widget === 'combo') return input.options?.[0] ?? '';
  switch (input.type) {
    case 'INT':
    case 'FLOAT':
      return input.min !== undefined && input.min > 0 ? input.min : 0;
    case 'BOOLEAN':
      return false;
    default:
      return '';
  }
}

/** Initial inputs of a fresh node: every widget with its default; sockets stay absent until linked. */
export function defaultInputs(schema: NodeSchema): Record<string, ConstantValue> {
  const out: Record<string, ConstantValue> = {};
  for (const [name, input] of Object.entries(schema.inputs)) {
    const v = widgetDefault(input);
    if (v !== undefined && !(input.optional && input.default === undefined)) out[name] = v;
  }
  return out;
}
