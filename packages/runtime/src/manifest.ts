/** `model.json` (format `reelgraph.model/1`, docs/model-manifest.md): types and validation. */
import { ModelError } from './errors';

export const MANIFEST_FORMAT = 'reelgraph.model/1';
export const FILE_KEYS = ['text_encoder', 'dit', 'vae_encoder', 'vae_decoder'] as const;
export type FileKey = (typeof FILE_KEYS)[number];

export type Dim = number | string;
export interface TensorSpec {
  name: string;
  dtype: 'float32' | 'int64';
  shape: Dim[];
}
export interface FileSpec {
  path: string;
  bytes?: number;
  sha256?: string;
  inputs: TensorSpec[];
  outputs: TensorSpec[];
}

export interface ModelManifest {
  format: typeof MANIFEST_FORMAT;
  family: string;
  name: string;
  version: string;
  files: Record<FileKey, FileSpec>;
  video: {
    width: number;
    height: number;
    channels: number;
    fps: number;
    default_frames: number;
    frame_rule: { multiple: number; offset: number };
  };
  latent: {
    channels: number;
    spatial_compression: number;
    temporal_compression: number;
    causal_first_frame: boolean;
    mean: number[];
    std: number[];
    rgb_preview?: {
      space: 'normalized' | 'raw';
      weights: number[][];
      bias: number[];
      range?: [number, number];
    };
  };
  text: {
    max_length: number;
    context_dim: number;
    tokenizer: {
      type: 'word';
      lowercase: boolean;
      split: string;
      unknown: 'drop';
      vocab: string[];
      pad_id: number;
      bos_id: number;
    };
    empty_prompt: string;
  };
  sampler: {
    prediction: 'flow_velocity';
    sampler: string;
    scheduler: string;
    steps: number;
    cfg: number;
    shift: number;
    sigma_max: number;
    timestep_scale: number;
  };
  conditioning: {
    type: 'concat' | 'none';
    dit_in_channels: number;
    layout?: { name: string; start: number; count: number }[];
    known_frames_replace?: 'final' | 'none';
    trained_known_prefixes?: number[];
  };
  dit?: { max_latent_frames?: number };
  training?: unknown;
}

type Json = Record<string, unknown>;

/** Checks every field the runtime reads; all problems reported at once. */
export function parseManifest(raw: unknown, where = 'model.json'): ModelManifest {
  const problems: string[] = [];
  const obj = (v: unknown, p: string): Json => {
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) return v as Json;
    problems.push(`${p} must be an object`);
    return {};
  };
  const num = (v: unknown, p: string, pred: (n: number) => boolean = Number.isFinite, why = 'a number') => {
    if (typeof v !== 'number' || !pred(v)) problems.push(`${p} must be ${why}`);
  };
  const posInt = (v: unknown, p: string) =>
    num(v, p, (n) => Number.isInteger(n) && n > 0, 'a positive integer');
  const str = (v: unknown, p: string) => {
    if (typeof v !== 'string' || v === '') problems.push(`${p} must be a non-empty string`);
  };
  const numArray = (v: unknown, p: string, len: number, pred: (n: number) => boolean = Number.isFinite) => {
    if (!Array.isArray(v) || v.length !== len || !v.every((x) => typeof x === 'number' && pred(x)))
      problems.push(`${p} must be an array of ${len} numbers`);
  };

  const m = obj(raw, '(root)');
  if (m.format !== MANIFEST_FORMAT)
    problems.push(`format must be "${MANIFEST_FORMAT}", got ${JSON.stringify(m.format)}`);
  str(m.family, 'family');
  str(m.name, 'name');
  str(m.version, 'version');

  const files = obj(m.files, 'files');
  for (const key of FILE_KEYS) {
    const f = obj(files[key], `files.${key}`);
    str(f.path, `files.${key}.path`);
    if (typeof f.path === 'string' && (f.path.includes('..') || f.path.startsWith('/')))
      problems.push(`files.${key}.path must stay inside the model folder`);
    if (f.bytes !== undefined)
      num(f.bytes, `files.${key}.bytes`, (n) => Number.isInteger(n) && n > 0, 'a positive integer');
    for (const side of ['inputs', 'outputs'] as const) {
      const list = f[side];
      if (!Array.isArray(list) || list.length === 0) {
        problems.push(`files.${key}.${side} must be a non-empty array`);
        continue;
      }
      list.forEach((t, i) => {
        const tt = obj(t, `files.${key}.${side}[${i}]`);
        str(tt.name, `files.${key}.${side}[${i}].name`);
        if (tt.dtype !== 'float32' && tt.dtype !== 'int64')
          problems.push(`files.${key}.${side}[${i}].dtype must be float32 or int64`);
        if (
          !Array.isArray(tt.shape) ||
          !tt.shape.every((d) => typeof d === 'string' || (Number.isInteger(d) && d > 0))
        )
          problems.push(
            `files.${key}.${side}[${i}].shape must be an array of positive integers or axis names`,
          );
      });
    }
  }

  const video = obj(m.video, 'video');
  posInt(video.width, 'video.width');
  posInt(video.height, 'video.height');
  num(video.fps, 'video.fps', (n) => n > 0, 'a positive number');
  posInt(video.default_frames, 'video.default_frames');
  const rule = obj(video.frame_rule, 'video.frame_rule');
  posInt(rule.multiple, 'video.frame_rule.multiple');
  num(rule.offset, 'video.frame_rule.offset', (n) => Number.isInteger(n) && n >= 0, 'a non-negative integer');

  const latent = obj(m.latent, 'latent');
  posInt(latent.channels, 'latent.channels');
  posInt(latent.spatial_compression, 'latent.spatial_compression');
  posInt(latent.temporal_compression, 'latent.temporal_compression');
  const C = typeof latent.channels === 'number' ? latent.channels : 0;
  numArray(latent.mean, 'latent.mean', C);
  numArray(latent.std, 'latent.std', C, (n) => n > 0);
  if (latent.rgb_preview !== undefined) {
    const p = obj(latent.rgb_preview, 'latent.rgb_preview');
    if (
      !Array.isArray(p.weights) ||
      p.weights.length !== C ||
      !p.weights.every((r) => Array.isArray(r) && r.length === 3)
    )
      problems.push(`latent.rgb_preview.weights must be ${C} rows of 3 numbers`);
    numArray(p.bias, 'latent.rgb_preview.bias', 3);
  }

  const text = obj(m.text, 'text');
  posInt(text.max_length, 'text.max_length');
  posInt(text.context_dim, 'text.context_dim');
  const tok = obj(text.tokenizer, 'text.tokenizer');
  if (tok.type !== 'word')
    problems.push(`text.tokenizer.type must be "word", got ${JSON.stringify(tok.type)}`);
  if (!Array.isArray(tok.vocab) || !tok.vocab.every((w) => typeof w === 'string'))
    problems.push('text.tokenizer.vocab must be an array of strings');
  num(tok.pad_id, 'text.tokenizer.pad_id', Number.isInteger, 'an integer');
  num(tok.bos_id, 'text.tokenizer.bos_id', Number.isInteger, 'an integer');
  if (typeof tok.split === 'string') {
    try {
      new RegExp(tok.split);
    } catch {
      problems.push('text.tokenizer.split must be a valid regular expression');
    }
  } else problems.push('text.tokenizer.split must be a string');

  const sampler = obj(m.sampler, 'sampler');
  if (sampler.prediction !== 'flow_velocity') problems.push('sampler.prediction must be "flow_velocity"');
  posInt(sampler.steps, 'sampler.steps');
  num(sampler.cfg, 'sampler.cfg');
  num(sampler.shift, 'sampler.shift', (n) => n > 0, 'a positive number');

  const cond = obj(m.conditioning, 'conditioning');
  if (cond.type !== 'concat' && cond.type !== 'none')
    problems.push('conditioning.type must be "concat" or "none"');
  posInt(cond.dit_in_channels, 'conditioning.dit_in_channels');
  if (cond.type === 'concat' && cond.dit_in_channels !== 2 * C + 1)
    problems.push(`conditioning.dit_in_channels must be ${2 * C + 1} (latent + mask + condition) for concat`);

  if (problems.length)
    throw new ModelError('MANIFEST_INVALID', `${where}: ${problems.join('; ')}`, { path: where });
  return m as unknown as ModelManifest;
}

/** The DiT's latent-frame limit, wherever the manifest puts it. */
export function maxLatentFrames(m: ModelManifest): number | undefined {
  const f = m.files.dit as FileSpec & { max_latent_frames?: number };
  return m.dit?.max_latent_frames ?? f.max_latent_frames;
}
