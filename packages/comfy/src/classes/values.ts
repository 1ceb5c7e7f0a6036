/** Value conversions shared by the class tables. */
import type { ConstantValue, InputValue, Link } from '@reelgraph/graph';
import type { BuildContext, ExportContext } from '../mapping';

export const scalar = (v: unknown): ConstantValue | undefined =>
  typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v))
    ? v
    : undefined;

/** ComfyUI's UI writes floats with rounding noise (8.000000000000002); 12 significant digits is plenty. */
export const clean = (v: unknown): unknown =>
  typeof v === 'number' && Number.isFinite(v) && !Number.isInteger(v) ? Number(v.toPrecision(12)) : v;

/** A widget input as Reelgraph takes it: a link when ComfyUI linked it, else the (cleaned) value. */
export function lv(
  ctx: BuildContext,
  name: string,
  convert: (v: unknown) => unknown = clean,
): InputValue | undefined {
  return ctx.link(name) ?? scalar(convert(ctx.value(name)));
}

/** Literal settings carried by a flow into a consumer (undefined entries dropped). */
export function params(p: Record<string, unknown>): Record<string, ConstantValue> {
  const outP: Record<string, ConstantValue> = {};
  for (const [k, v] of Object.entries(p)) {
    const s = scalar(clean(v));
    if (s !== undefined) outP[k] = s;
  }
  return outP;
}

/** The first defined of an export context's values, as ComfyUI wants it (links stay links). */
export function ev(ctx: ExportContext, name: string): ConstantValue | [string, number] | undefined {
  return ctx.link(name) ?? ctx.value(name);
}

export function inputs(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

export const isLinkValue = (v: unknown): v is Link => Array.isArray(v);

// ComfyUI's sampler and scheduler names ↔ Reelgraph's (see packages/runtime: SAMPLERS, SCHEDULERS).
export const COMFY_SAMPLERS = [
  'euler',
  'euler_ancestral',
  'heun',
  'dpm_2',
  'dpmpp_2m',
  'dpmpp_2m_sde',
  'dpmpp_sde',
  'lcm',
  'ddim',
  'uni_pc',
  'uni_pc_bh2',
] as const;
export const COMFY_SCHEDULERS = [
  'simple',
  'normal',
  'karras',
  'exponential',
  'sgm_uniform',
  'beta',
  'linear_quadratic',
  'ddim_uniform',
] as const;

const SAMPLER_IN: Record<string, string> = { euler: 'euler', heun: 'heun', dpmpp_2m: 'dpmpp_2m' };
const SCHEDULER_IN: Record<string, string> = {
  simple: 'shift',
  normal: 'shift',
  sgm_uniform: 'shift',
  linear_quadratic: 'shift',
  ddim_uniform: 'shift',
  karras: 'karras',
  beta: 'beta',
};
const SCHEDULER_OUT: Record<string, string> = { shift: 'simple', karras: 'karras', beta: 'beta' };

/** A ComfyUI sampler name as Reelgraph's (Euler for what Reelgraph does not have). */
export function samplerIn(ctx: BuildContext, name: string): InputValue | undefined {
  const link = ctx.link(name);
  if (link) return link;
  const v = ctx.value(name);
  if (typeof v !== 'string') return undefined;
  const mapped = SAMPLER_IN[v];
  if (!mapped) ctx.warn(`sampler "${v}" is not in Reelgraph: using euler`);
  return mapped ?? 'euler';
}

export function schedulerIn(ctx: BuildContext, name: string): InputValue | undefined {
  const link = ctx.link(name);
  if (link) return link;
  const v = ctx.value(name);
  if (typeof v !== 'string') return undefined;
  const mapped = SCHEDULER_IN[v];
  if (!mapped) ctx.warn(`scheduler "${v}" is not in Reelgraph: using shift (ComfyUI's simple)`);
  return mapped ?? 'shift';
}

export function schedulerOut(v: ConstantValue | [string, number] | undefined): unknown {
  return typeof v === 'string' ? (SCHEDULER_OUT[v] ?? v) : v;
}
