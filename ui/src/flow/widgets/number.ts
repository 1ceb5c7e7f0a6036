import { type InputSchema, modelRuleProblem, type ResolvedModel, snapToModel } from '@reelgraph/graph';

/** Clamp to min/max, snap to the step grid (from min, else 0), and keep integers integral. */
export function normalizeNumber(schema: InputSchema, raw: number): number {
  if (!Number.isFinite(raw)) return typeof schema.default === 'number' ? schema.default : 0;
  let v = raw;
  if (schema.min !== undefined) v = Math.max(schema.min, v);
  if (schema.max !== undefined) v = Math.min(schema.max, v);
  const step = schema.step;
  if (step && step > 0) {
    const base = schema.min ?? 0;
    v = base + Math.round((v - base) / step) * step;
    // Kill float noise (0.1 + 0.2) by rounding to the step's decimals.
    const decimals = (String(step).split('.')[1] ?? '').length;
    v = Number(v.toFixed(Math.max(decimals, schema.type === 'INT' ? 0 : 0)));
    if (schema.max !== undefined && v > schema.max) v -= step;
  }
  if (schema.type === 'INT') v = Math.round(v);
  return v;
}

export function stepOf(schema: InputSchema): number {
  return schema.step ?? (schema.type === 'INT' ? 1 : 0.1);
}

export function formatNumber(schema: InputSchema, v: number): string {
  if (schema.type === 'INT') return String(Math.round(v));
  const decimals = (String(stepOf(schema)).split('.')[1] ?? '').length;
  return v
    .toFixed(Math.min(Math.max(decimals, 2), 6))
    .replace(/(\.\d*?)0+$/, '$1')
    .replace(/\.$/, '');
}

/**
 * `normalizeNumber`, then the rule of the model upstream; with the reason whenever the value had to
 * change, so that a widget never alters what the user typed without saying why.
 */
export function constrainNumber(
  schema: InputSchema,
  raw: number,
  model?: ResolvedModel,
): { value: number; reason?: string } {
  const rule = schema.modelRule?.rule;
  // The model's rule names the real reason (63 → 64 because the model makes 64×64, not because of the step).
  const why =
    model && rule && rule !== 'prompt' && Number.isFinite(raw)
      ? modelRuleProblem(raw, rule, model)
      : undefined;
  if (why && rule)
    return { value: normalizeNumber(schema, snapToModel(raw, rule, model!.constraints)), reason: why };
  const value = normalizeNumber(schema, raw);
  const reason = value !== raw ? genericReason(schema, raw) : undefined;
  return reason ? { value, reason } : { value };
}

function genericReason(schema: InputSchema, raw: number): string | undefined {
  if (!Number.isFinite(raw)) return 'not a number';
  if (schema.min !== undefined && raw < schema.min) return `the minimum is ${schema.min}`;
  if (schema.max !== undefined && raw > schema.max) return `the maximum is ${schema.max}`;
  if (schema.step)
    return `it takes steps of ${schema.step}${schema.min !== undefined ? ` from ${schema.min}` : ''}`;
  if (schema.type === 'INT') return 'a whole number';
  return undefined;
}
