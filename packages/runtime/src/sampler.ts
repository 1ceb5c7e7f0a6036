/** Flow-matching samplers over Float32Arrays (video-models.md §2.3): Euler and Heun, CFG, step ranges. */
import type { KnownFrames, Shape5 } from './latent';
import type { VideoModel } from './model';

export const SAMPLERS = ['euler', 'heun', 'dpmpp_2m'] as const;
export type SamplerName = (typeof SAMPLERS)[number];

/** The model's velocity at state `x` and noise level `sigma` (guidance already applied). */
export type VelocityFn = (x: Float32Array, sigma: number) => Promise<Float32Array>;

export interface StepInfo {
  /** 1-based count of finished steps in this run. */
  step: number;
  total: number;
  sigma: number;
  x: Float32Array;
  /** Clean estimate x0̂ = x − σ·v at the step's start (for previews); valid during the callback only. */
  denoised: Float32Array;
}

export interface SampleOptions {
  /** Descending sigmas ending in 0 (`flowSigmas`). */
  sigmas: Float64Array;
  sampler?: SamplerName;
  /** Run steps [startStep, endStep) of the schedule; defaults to all of it. */
  startStep?: number;
  endStep?: number;
  signal?: AbortSignal;
  onStep?: (info: StepInfo) => void | Promise<void>;
}

/** Integrates from `sigmas[start]` to `sigmas[end]`; returns a new array, `x` is untouched. */
export async function sample(
  x: Float32Array,
  velocity: VelocityFn,
  opts: SampleOptions,
): Promise<Float32Array> {
  const { sigmas } = opts;
  const steps = sigmas.length - 1;
  const start = Math.max(0, Math.min(opts.startStep ?? 0, steps));
  const end = Math.max(start, Math.min(opts.endStep ?? steps, steps));
  const sampler = opts.sampler ?? 'euler';
  const cur = Float32Array.from(x);
  const n = cur.length;
  // Two clean-estimate buffers, alternating: DPM++ 2M reads the previous step's while it fills the next.
  const x0s = [new Float32Array(n), new Float32Array(n)] as const;
  let prevX0: Float32Array | undefined;
  let prevH = 0;
  for (let i = start; i < end; i++) {
    opts.signal?.throwIfAborted();
    const s = sigmas[i] as number;
    const sNext = sigmas[i + 1] as number;
    const dt = sNext - s;
    const v1 = await velocity(cur, s);
    const needX0 = opts.onStep !== undefined || sampler === 'dpmpp_2m';
    const denoised = needX0 ? x0s[i & 1] : undefined;
    if (sampler === 'euler' || sNext === 0) {
      // One pass for the clean estimate and the step: the arrays are read once, not twice.
      for (let k = 0; k < n; k++) {
        const c = cur[k] as number;
        const v = v1[k] as number;
        if (denoised) denoised[k] = c - s * v;
        cur[k] = c + dt * v;
      }
    } else if (sampler === 'dpmpp_2m') {
      // DPM-Solver++(2M) in data prediction with α = 1 − σ, λ = ln(α/σ) (one model call per step).
      const x0 = denoised as Float32Array;
      for (let k = 0; k < n; k++) x0[k] = (cur[k] as number) - s * (v1[k] as number);
      const h = lambda(sNext) - lambda(s);
      const a = sNext / s;
      const b = (1 - sNext) * -Math.expm1(-h);
      const r = prevX0 && Number.isFinite(prevH) && Number.isFinite(h) ? prevH / h : 0;
      const w = r > 0 ? 1 / (2 * r) : 0;
      for (let k = 0; k < n; k++) {
        const d = w && prevX0 ? (1 + w) * (x0[k] as number) - w * (prevX0[k] as number) : (x0[k] as number);
        cur[k] = a * (cur[k] as number) + b * d;
      }
      prevX0 = x0;
      prevH = h;
    } else {
      // Heun (trapezoid): predict with Euler, re-evaluate at the end point, average the slopes.
      if (denoised) for (let k = 0; k < n; k++) denoised[k] = (cur[k] as number) - s * (v1[k] as number);
      const pred = new Float32Array(n);
      for (let k = 0; k < n; k++) pred[k] = (cur[k] as number) + dt * (v1[k] as number);
      opts.signal?.throwIfAborted();
      const v2 = await velocity(pred, sNext);
      for (let k = 0; k < n; k++)
        cur[k] = (cur[k] as number) + dt * 0.5 * ((v1[k] as number) + (v2[k] as number));
    }
    if (opts.onStep && denoised)
      await opts.onStep({ step: i - start + 1, total: end - start, sigma: s, x: cur, denoised });
  }
  return cur;
}

function lambda(sigma: number): number {
  return Math.log(1 - sigma) - Math.log(sigma);
}

/** Model calls per run for a sampler (Heun's last step to σ = 0 is plain Euler). */
export function modelCalls(
  sampler: SamplerName,
  sigmas: Float64Array,
  start = 0,
  end = sigmas.length - 1,
): number {
  let calls = 0;
  for (let i = start; i < end; i++) calls += sampler === 'heun' && (sigmas[i + 1] as number) > 0 ? 2 : 1;
  return calls;
}

export interface GuidanceOptions {
  model: VideoModel;
  shape: Shape5;
  /** `[1 or B, L, D]` text contexts. */
  positive: Float32Array;
  negative: Float32Array;
  cfg: number;
  known?: KnownFrames;
}

/**
 * The guided velocity: one batch-2B DiT call `[uncond; cond]` per evaluation, `v = vu + g·(vc − vu)`.
 * With cfg = 1 only the conditional half runs. Mask and condition channels are built once.
 */
export function guidedVelocity(o: GuidanceOptions): VelocityFn {
  const [B, C, T, H, W] = o.shape;
  const m = o.model.manifest;
  const cin = m.conditioning.dit_in_channels;
  const concat = m.conditioning.type === 'concat';
  const plane = T * H * W;
  const perRow = C * plane;
  const useCfg = o.cfg !== 1;
  const rows = useCfg ? 2 * B : B;
  const scale = m.sampler.timestep_scale ?? 1000;
  const ctxLen = m.text.max_length * m.text.context_dim;
  const pick = (ctx: Float32Array, b: number) =>
    ctx.length === ctxLen ? ctx : ctx.subarray(b * ctxLen, (b + 1) * ctxLen);

  const context = new Float32Array(rows * ctxLen);
  for (let b = 0; b < B; b++) {
    if (useCfg) {
      context.set(pick(o.negative, b), b * ctxLen);
      context.set(pick(o.positive, b), (B + b) * ctxLen);
    } else context.set(pick(o.positive, b), b * ctxLen);
  }
  // Input buffer [rows, Cin, T, H, W]; the mask/cond channels are constant over the whole run.
  const input = new Float32Array(rows * cin * plane);
  if (concat && o.known) {
    for (let r = 0; r < rows; r++) {
      const b = r % B;
      const base = r * cin * plane;
      for (let t = 0; t < T; t++)
        input.fill(
          o.known.mask[b * T + t] as number,
          base + C * plane + t * H * W,
          base + C * plane + (t + 1) * H * W,
        );
      input.set(o.known.latent.subarray(b * perRow, (b + 1) * perRow), base + (C + 1) * plane);
    }
  }
  const timesteps = new Float32Array(rows);
  return async (x, sigma) => {
    for (let r = 0; r < rows; r++)
      input.set(x.subarray((r % B) * perRow, ((r % B) + 1) * perRow), r * cin * plane);
    timesteps.fill(scale * sigma);
    const v = await o.model.velocity(input, [rows, cin, T, H, W], timesteps, context);
    if (!useCfg) return v;
    // The output array is this call's own: the guided result goes into its first half.
    const g = o.cfg;
    const half = B * perRow;
    for (let k = 0; k < half; k++) {
      const vu = v[k] as number;
      v[k] = vu + g * ((v[half + k] as number) - vu);
    }
    return v.subarray(0, half);
  };
}
