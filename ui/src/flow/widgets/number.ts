import type { InputSchema } from '@reelgraph/graph';

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
