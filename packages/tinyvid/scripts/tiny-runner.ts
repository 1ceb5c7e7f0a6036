// Minimal Node-only runner for models/tiny (eval, bench and tests): onnxruntime-node sessions, the
// manifest's tokenizer, seeded Gaussian noise, and Euler flow-matching sampling with CFG
// (docs/model-manifest.md §6-7). The product runtime lives in @reelgraph/runtime; this one exists so the
// model can be measured on its own.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { mulberry32 } from '../src/prng';
import { tokenize } from '../src/tokenize';

/** Re-exported so scripts outside this package (bench/) use the same onnxruntime-node. */
export { ort };

export const DEFAULT_MODEL_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../../models/tiny');

export interface TinyManifest {
  format: string;
  files: Record<'text_encoder' | 'dit' | 'vae_encoder' | 'vae_decoder', { path: string }>;
  video: { width: number; height: number; fps: number; default_frames: number };
  latent: { channels: number; mean: number[]; std: number[] };
  text: { max_length: number; tokenizer: { vocab: string[]; pad_id: number; bos_id: number } };
  sampler: { steps: number; cfg: number; shift: number; sigma_max: number };
  training?: Record<string, unknown>;
}

export interface SampleOptions {
  prompt: string;
  seed: number;
  steps?: number;
  cfg?: number;
  shift?: number;
  latentFrames?: number;
  /** Normalised known latent frames [16, known, 8, 8] placed at the start (I2V / continuation). */
  known?: { latents: Float32Array; frames: number };
  /** Skip putting the known latent frames back at the end (to inspect the model's own prediction). */
  keepPredictedKnown?: boolean;
}

export class TinyModel {
  private constructor(
    readonly manifest: TinyManifest,
    private readonly sessions: Record<keyof TinyManifest['files'], ort.InferenceSession>,
  ) {}

  static async load(dir = DEFAULT_MODEL_DIR, threads = 2): Promise<TinyModel> {
    const manifest = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as TinyManifest;
    if (manifest.format !== 'reelgraph.model/1')
      throw new Error(`unsupported model format ${manifest.format}`);
    const opts: ort.InferenceSession.SessionOptions = {
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      graphOptimizationLevel: 'all',
    };
    const keys = ['text_encoder', 'dit', 'vae_encoder', 'vae_decoder'] as const;
    const loaded = await Promise.all(
      keys.map((k) => ort.InferenceSession.create(join(dir, manifest.files[k].path), opts)),
    );
    const sessions = Object.fromEntries(keys.map((k, i) => [k, loaded[i]])) as TinyModel['sessions'];
    return new TinyModel(manifest, sessions);
  }

  session(key: keyof TinyManifest['files']): ort.InferenceSession {
    return this.sessions[key];
  }

  tokenize(prompt: string): number[] {
    const t = this.manifest.text.tokenizer;
    return tokenize(prompt, {
      vocab: t.vocab,
      padId: t.pad_id,
      bosId: t.bos_id,
      length: this.manifest.text.max_length,
    });
  }

  /** context [n,16,128] for n prompts. */
  async encodeText(prompts: string[]): Promise<Float32Array> {
    const len = this.manifest.text.max_length;
    const ids = new BigInt64Array(prompts.length * len);
    prompts.forEach((p, i) => {
      this.tokenize(p).forEach((id, j) => {
        ids[i * len + j] = BigInt(id);
      });
    });
    const out = await this.sessions.text_encoder.run({
      input_ids: new ort.Tensor('int64', ids, [prompts.length, len]),
    });
    return out.context?.data as Float32Array;
  }

  /** video [3,F,64,64] in [-1,1] -> normalised latents [16,T,8,8]. */
  async encodeVideo(video: Float32Array, frames: number): Promise<Float32Array> {
    const { width: w, height: h } = this.manifest.video;
    const out = await this.sessions.vae_encoder.run({
      video: new ort.Tensor('float32', video, [1, 3, frames, h, w]),
    });
    const z = Float32Array.from(out.latents?.data as Float32Array);
    const plane = z.length / this.manifest.latent.channels;
    const { mean, std } = this.manifest.latent;
    for (let c = 0; c < mean.length; c++) {
      for (let i = 0; i < plane; i++)
        z[c * plane + i] = ((z[c * plane + i] ?? 0) - (mean[c] ?? 0)) / (std[c] ?? 1);
    }
    return z;
  }

  /** normalised latents [16,T,8,8] -> video [3,4(T-1)+1,64,64]. */
  async decode(latents: Float32Array, latentFrames: number): Promise<Float32Array> {
    const z = Float32Array.from(latents);
    const plane = z.length / this.manifest.latent.channels;
    const { mean, std } = this.manifest.latent;
    for (let c = 0; c < mean.length; c++) {
      for (let i = 0; i < plane; i++)
        z[c * plane + i] = (z[c * plane + i] ?? 0) * (std[c] ?? 1) + (mean[c] ?? 0);
    }
    const out = await this.sessions.vae_decoder.run({
      latents: new ort.Tensor('float32', z, [1, this.manifest.latent.channels, latentFrames, 8, 8]),
    });
    return out.video?.data as Float32Array;
  }

  /** Euler flow-matching sampling with CFG; returns normalised latents [16,T,8,8]. */
  async sample(o: SampleOptions): Promise<Float32Array> {
    const s = this.manifest.sampler;
    const steps = o.steps ?? s.steps;
    const cfg = o.cfg ?? s.cfg;
    const shift = o.shift ?? s.shift;
    const T = o.latentFrames ?? (this.manifest.video.default_frames - 1) / 4 + 1;
    const C = this.manifest.latent.channels;
    const frame = 64; // 8x8 latent pixels
    const n = C * T * frame;
    const ctx = await this.encodeText(['', o.prompt]); // [uncond; cond]
    const x = gaussianNoise(o.seed, n);
    // conditioning channels: mask (1) + condition latent (16), identical for both CFG rows
    const cond = new Float32Array((C + 1) * T * frame);
    const known = o.known?.frames ?? 0;
    if (o.known) {
      for (let t = 0; t < known; t++) {
        cond.fill(1, t * frame, (t + 1) * frame);
        for (let c = 0; c < C; c++) {
          const src = o.known.latents.subarray((c * known + t) * frame, (c * known + t + 1) * frame);
          cond.set(src, ((1 + c) * T + t) * frame);
        }
      }
    }
    const row = (2 * C + 1) * T * frame;
    const input = new Float32Array(2 * row);
    input.set(cond, n);
    input.set(cond, row + n);
    const sigmas = flowSigmas(steps, shift, s.sigma_max);
    const ctxTensor = new ort.Tensor('float32', ctx, [2, 16, ctx.length / 32]);
    for (let i = 0; i < steps; i++) {
      input.set(x, 0);
      input.set(x, row);
      const t = 1000 * (sigmas[i] ?? 0);
      const out = await this.sessions.dit.run({
        x: new ort.Tensor('float32', input, [2, 2 * C + 1, T, 8, 8]),
        timestep: new ort.Tensor('float32', new Float32Array([t, t]), [2]),
        context: ctxTensor,
      });
      const v = out.velocity?.data as Float32Array;
      const dt = (sigmas[i + 1] ?? 0) - (sigmas[i] ?? 0);
      for (let k = 0; k < n; k++) {
        const vu = v[k] ?? 0;
        x[k] = (x[k] ?? 0) + dt * (vu + cfg * ((v[n + k] ?? 0) - vu));
      }
    }
    if (o.known && !o.keepPredictedKnown) putKnown(x, o.known, T, C);
    return x;
  }

  async release(): Promise<void> {
    await Promise.all(Object.values(this.sessions).map((s) => s.release()));
  }
}

/** Overwrites the first known.frames latent frames of x [C,T,8,8] with the known latents [C,known,8,8]. */
export function putKnown(
  x: Float32Array,
  known: { latents: Float32Array; frames: number },
  T: number,
  C = 16,
): void {
  const frame = 64;
  const k = known.frames;
  for (let c = 0; c < C; c++) {
    for (let t = 0; t < k; t++) {
      x.set(known.latents.subarray((c * k + t) * frame, (c * k + t + 1) * frame), (c * T + t) * frame);
    }
  }
}

/** σ schedule of docs/model-manifest.md §6 (length steps+1, ends at 0). */
export function flowSigmas(steps: number, shift: number, sigmaMax = 1): Float64Array {
  const s = new Float64Array(steps + 1);
  for (let i = 0; i < steps; i++) {
    const base = sigmaMax * (1 - i / steps);
    s[i] = (shift * base) / (1 + (shift - 1) * base);
  }
  return s;
}

/** Seeded standard normal noise (mulberry32 + Box–Muller). */
export function gaussianNoise(seed: number, n: number): Float32Array {
  const r = mulberry32(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i += 2) {
    const u = 1 - r();
    const v = r();
    const m = Math.sqrt(-2 * Math.log(u));
    out[i] = m * Math.cos(2 * Math.PI * v);
    if (i + 1 < n) out[i + 1] = m * Math.sin(2 * Math.PI * v);
  }
  return out;
}
