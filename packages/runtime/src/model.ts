/** One loaded model folder: its manifest plus lazily created, validated sessions for its four files. */
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type ort from 'onnxruntime-node';
import { ModelError } from './errors';
import type { Shape5 } from './latent';
import { type FileKey, type ModelManifest, maxLatentFrames, type TensorSpec } from './manifest';
import { type LoadedSession, onnxruntime, type SessionOptions, type SessionPool } from './sessions';
import { WordTokenizer } from './tokenizer';

type Feed = { data: Float32Array | BigInt64Array; shape: number[] };

export class VideoModel {
  readonly tokenizer: WordTokenizer;
  readonly #verified = new Map<FileKey, Promise<void>>();
  /** Verified sessions, looked up once per pool generation: the sampler asks for one every step. */
  readonly #ready = new Map<FileKey, { generation: number; session: LoadedSession }>();
  /**
   * A tensor wraps its array without copying, so the sampler's reused input buffers keep their
   * tensors from step to step.
   */
  readonly #tensors = new WeakMap<Feed['data'], ort.Tensor>();
  #emptyContext: { generation: number; context: Promise<Float32Array> } | undefined;

  constructor(
    readonly id: string,
    readonly dir: string,
    readonly manifest: ModelManifest,
    readonly pool: SessionPool,
    readonly sessionOptions: SessionOptions = {},
  ) {
    this.tokenizer = new WordTokenizer(manifest.text);
  }

  get latentChannels(): number {
    return this.manifest.latent.channels;
  }

  /** Pixel frames → latent frames under the frame rule (F = m·(T−1) + 1); throws for a count that breaks it. */
  latentFrames(frames: number): number {
    const { multiple, offset } = this.manifest.video.frame_rule;
    if (!Number.isInteger(frames) || frames < offset || (frames - offset) % multiple !== 0)
      throw new ModelError(
        'SHAPE_MISMATCH',
        `${this.id}: ${frames} frames breaks the frame rule ${multiple}n+${offset} (e.g. ${multiple + offset}, ${2 * multiple + offset}, ${4 * multiple + offset})`,
        { model: this.id },
      );
    return (frames - offset) / this.manifest.latent.temporal_compression + 1;
  }

  pixelFrames(latentFrames: number): number {
    return this.manifest.latent.temporal_compression * (latentFrames - 1) + 1;
  }

  latentShape(batch: number, frames: number, width: number, height: number): Shape5 {
    const s = this.manifest.latent.spatial_compression;
    const v = this.manifest.video;
    if (width % s || height % s)
      throw new ModelError('SHAPE_MISMATCH', `${this.id}: width and height must be multiples of ${s}`, {
        model: this.id,
      });
    const dit = this.manifest.files.dit.inputs[0]?.shape ?? [];
    const [fixedH, fixedW] = [dit[3], dit[4]];
    if (
      (typeof fixedH === 'number' && fixedH * s !== height) ||
      (typeof fixedW === 'number' && fixedW * s !== width)
    )
      throw new ModelError(
        'SHAPE_MISMATCH',
        `${this.id} generates ${v.width}×${v.height} only; got ${width}×${height} (use a resize node after decoding)`,
        { model: this.id },
      );
    const T = this.latentFrames(frames);
    const max = maxLatentFrames(this.manifest);
    if (max && T > max)
      throw new ModelError(
        'SHAPE_MISMATCH',
        `${this.id}: at most ${this.pixelFrames(max)} frames per clip; got ${frames}`,
        {
          model: this.id,
        },
      );
    return [batch, this.manifest.latent.channels, T, height / s, width / s];
  }

  /** Text prompts → context `[N, L, D]`. */
  async encodeText(texts: string[]): Promise<Float32Array> {
    const L = this.manifest.text.max_length;
    const ids = new BigInt64Array(texts.length * L);
    texts.forEach((t, i) => {
      this.tokenizer.encode(t).forEach((id, k) => {
        ids[i * L + k] = BigInt(id);
      });
    });
    return this.#run('text_encoder', [{ data: ids, shape: [texts.length, L] }]);
  }

  /**
   * The empty prompt's context (every sampler's default negative), encoded once per pool generation,
   * like the sessions that made it; callers copy it.
   */
  emptyContext(): Promise<Float32Array> {
    const generation = this.pool.generation;
    if (this.#emptyContext?.generation !== generation) {
      const context = this.encodeText([this.manifest.text.empty_prompt]);
      this.#emptyContext = { generation, context };
      context.catch(() => {
        if (this.#emptyContext?.context === context) this.#emptyContext = undefined;
      });
    }
    return this.#emptyContext.context;
  }

  /** DiT call: `x` already carries mask/cond channels; `[B, Cin, T, H, W]` → velocity `[B, C, T, H, W]`. */
  velocity(
    x: Float32Array,
    shape: Shape5,
    timesteps: Float32Array,
    context: Float32Array,
  ): Promise<Float32Array> {
    const L = this.manifest.text.max_length;
    const D = this.manifest.text.context_dim;
    return this.#run('dit', [
      { data: x, shape },
      { data: timesteps, shape: [shape[0]] },
      { data: context, shape: [shape[0], L, D] },
    ]);
  }

  /** Pixels `[B, 3, F, H, W]` in [−1, 1] → normalised latents `[B, C, T, h, w]`. */
  async encodeVideo(
    pixels: Float32Array,
    batch: number,
    frames: number,
    height: number,
    width: number,
  ): Promise<Float32Array> {
    this.latentFrames(frames);
    const raw = await this.#run('vae_encoder', [{ data: pixels, shape: [batch, 3, frames, height, width] }]);
    const { mean, std } = this.manifest.latent;
    const plane = raw.length / batch / mean.length;
    for (let b = 0; b < batch; b++)
      for (let c = 0; c < mean.length; c++) {
        const o = (b * mean.length + c) * plane;
        const m = mean[c] as number;
        const s = std[c] as number;
        for (let i = o; i < o + plane; i++) raw[i] = ((raw[i] as number) - m) / s;
      }
    return raw;
  }

  /** Normalised latents `[B, C, T, h, w]` → pixels `[B, 3, F, H, W]` (not clamped). */
  decodeLatent(latent: Float32Array, shape: Shape5): Promise<Float32Array> {
    const [B, C, T, h, w] = shape;
    const { mean, std } = this.manifest.latent;
    const raw = new Float32Array(latent.length);
    const plane = T * h * w;
    for (let b = 0; b < B; b++)
      for (let c = 0; c < C; c++) {
        const o = (b * C + c) * plane;
        const m = mean[c] as number;
        const s = std[c] as number;
        for (let i = o; i < o + plane; i++) raw[i] = (latent[i] as number) * s + m;
      }
    return this.#run('vae_decoder', [{ data: raw, shape }]);
  }

  /** Loads (and on first use verifies) the session for one file. */
  async session(key: FileKey): Promise<LoadedSession> {
    const ready = this.#ready.get(key);
    if (ready?.generation === this.pool.generation) return ready.session;
    const spec = this.manifest.files[key];
    const path = join(this.dir, spec.path);
    let verified = this.#verified.get(key);
    if (!verified) {
      verified = this.#verifyFile(key, path);
      this.#verified.set(key, verified);
      verified.catch(() => this.#verified.delete(key));
    }
    await verified;
    const generation = this.pool.generation;
    const session = await this.pool.get(path, this.sessionOptions);
    this.#ready.set(key, { generation, session });
    return session;
  }

  async #verifyFile(key: FileKey, path: string): Promise<void> {
    const spec = this.manifest.files[key];
    const where = { model: this.id, file: key, path };
    let size: number;
    try {
      size = (await stat(path)).size;
    } catch {
      throw new ModelError('FILE_MISSING', `${this.id}: ${key} file ${spec.path} is missing`, where);
    }
    if (spec.bytes !== undefined && size !== spec.bytes)
      throw new ModelError(
        'FILE_CORRUPT',
        `${this.id}: ${spec.path} has ${size} bytes, the manifest says ${spec.bytes} (truncated or replaced?)`,
        where,
      );
    if (spec.sha256) {
      const digest = createHash('sha256')
        .update(await readFile(path))
        .digest('hex');
      if (digest !== spec.sha256.toLowerCase())
        throw new ModelError(
          'FILE_CORRUPT',
          `${this.id}: ${spec.path} does not match its sha256 in model.json`,
          where,
        );
    }
    let loaded: LoadedSession;
    try {
      loaded = await this.pool.get(path, this.sessionOptions);
    } catch (err) {
      throw new ModelError(
        'FILE_CORRUPT',
        `${this.id}: ${spec.path} is not a loadable ONNX model: ${(err as Error).message}`,
        where,
      );
    }
    const problems = [
      ...compareIo('input', spec.inputs, loaded.session.inputMetadata),
      ...compareIo('output', spec.outputs, loaded.session.outputMetadata),
    ];
    if (problems.length)
      throw new ModelError(
        'MANIFEST_MISMATCH',
        `${this.id}: ${spec.path} does not fit model.json: ${problems.join('; ')}`,
        where,
      );
  }

  async #run(key: FileKey, feeds: Feed[]): Promise<Float32Array> {
    const spec = this.manifest.files[key];
    const dims = new Map<string, number>();
    const tensors: Record<string, ort.Tensor> = {};
    for (let i = 0; i < feeds.length; i++) {
      const f = feeds[i] as Feed;
      const t = spec.inputs[i] as TensorSpec;
      checkShape(this.id, key, t, f.shape, dims);
      if (f.data.length !== f.shape.reduce((a, b) => a * b, 1))
        throw new ModelError(
          'SHAPE_MISMATCH',
          `${this.id}: ${key}.${t.name} data length does not match shape ${fmt(f.shape)}`,
          {
            model: this.id,
            file: key,
          },
        );
      tensors[t.name] = this.#tensor(t.dtype, f);
    }
    const s = await this.session(key);
    const out = await this.pool.run(s, tensors);
    const ospec = spec.outputs[0] as TensorSpec;
    const o = out[ospec.name];
    if (!o)
      throw new ModelError('MANIFEST_MISMATCH', `${this.id}: ${key} gave no output "${ospec.name}"`, {
        model: this.id,
      });
    checkShape(this.id, key, ospec, o.dims as number[], dims, this.manifest.latent.temporal_compression);
    return o.data as Float32Array;
  }

  #tensor(dtype: TensorSpec['dtype'], f: Feed): ort.Tensor {
    const known = this.#tensors.get(f.data);
    if (known?.type === dtype && sameDims(known.dims, f.shape)) return known;
    const t = new (onnxruntime().Tensor)(dtype, f.data, f.shape);
    this.#tensors.set(f.data, t);
    return t;
  }
}

function sameDims(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

function fmt(shape: readonly (number | string)[]): string {
  return `[${shape.join(',')}]`;
}

/** Checks a concrete shape against a spec, binding named axes consistently (F is tied to T). */
function checkShape(
  model: string,
  file: string,
  spec: TensorSpec,
  shape: readonly number[],
  dims: Map<string, number>,
  temporal = 4,
): void {
  const bad = (why: string) =>
    new ModelError(
      'SHAPE_MISMATCH',
      `${model}: ${file}.${spec.name} expects ${fmt(spec.shape)}, got ${fmt(shape)}${why}`,
      {
        model,
        file,
      },
    );
  if (shape.length !== spec.shape.length) throw bad('');
  spec.shape.forEach((d, i) => {
    const v = shape[i] as number;
    if (typeof d === 'number') {
      if (d !== v) throw bad('');
      return;
    }
    const bound = dims.get(d);
    if (bound !== undefined && bound !== v) throw bad(` (${d} is ${bound} elsewhere)`);
    dims.set(d, v);
  });
  const T = dims.get('T');
  const F = dims.get('F');
  if (T !== undefined && F !== undefined && F !== temporal * (T - 1) + 1)
    throw bad(` (F must be ${temporal}(T−1)+1)`);
}

function compareIo(
  side: string,
  specs: TensorSpec[],
  meta: readonly ort.InferenceSession.ValueMetadata[],
): string[] {
  const problems: string[] = [];
  for (const s of specs) {
    const m = meta.find((x) => x.name === s.name);
    if (!m) {
      problems.push(
        `${side} "${s.name}" is not in the ONNX file (it has ${meta.map((x) => x.name).join(', ')})`,
      );
      continue;
    }
    if (!m.isTensor) continue;
    if (m.type !== s.dtype) problems.push(`${side} "${s.name}" is ${m.type}, manifest says ${s.dtype}`);
    if (m.shape.length !== s.shape.length) {
      problems.push(`${side} "${s.name}" has rank ${m.shape.length}, manifest says ${fmt(s.shape)}`);
      continue;
    }
    m.shape.forEach((d, i) => {
      const e = s.shape[i];
      if (typeof d === 'number' && d > 0 && typeof e === 'number' && d !== e)
        problems.push(`${side} "${s.name}" axis ${i} is ${d}, manifest says ${e}`);
      if (typeof d === 'number' && d > 0 && typeof e === 'string')
        problems.push(`${side} "${s.name}" axis ${i} is fixed at ${d}, manifest says dynamic "${e}"`);
    });
  }
  return problems;
}
