// The shipped tiny model (models/tiny): manifest integrity, ONNX shapes in onnxruntime-node, and a short
// generation that follows its prompt's colours. CPU only, a few seconds; never trains.
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_MODEL_DIR, TinyModel } from '../scripts/tiny-runner';
import { analyzeClip } from '../src/analyze';
import { clipToTensor, generateClip, tensorToClip } from '../src/generate';
import { VOCAB } from '../src/vocab';

interface FileSpec {
  path: string;
  bytes: number;
  sha256: string;
  inputs: { name: string; dtype: string; shape: (number | string)[] }[];
  outputs: { name: string; dtype: string; shape: (number | string)[] }[];
}
const manifest = JSON.parse(readFileSync(join(DEFAULT_MODEL_DIR, 'model.json'), 'utf8')) as {
  format: string;
  files: Record<string, FileSpec>;
  latent: {
    channels: number;
    mean: number[];
    std: number[];
    rgb_preview: { weights: number[][]; bias: number[] };
  };
  text: { max_length: number; tokenizer: { vocab: string[]; pad_id: number; bos_id: number } };
  sampler: { steps: number; cfg: number; shift: number };
  conditioning: { dit_in_channels: number; layout: { name: string; start: number; count: number }[] };
};

/** Resolves a manifest shape for B, T (F = 4(T-1)+1). */
function dims(shape: (number | string)[], B: number, T: number): number[] {
  return shape.map((d) => (d === 'B' ? B : d === 'T' ? T : d === 'F' ? 4 * (T - 1) + 1 : (d as number)));
}

describe('models/tiny manifest', () => {
  it('declares the documented contract and its files match size and hash', () => {
    expect(manifest.format).toBe('reelgraph.model/1');
    expect(Object.keys(manifest.files).sort()).toEqual(['dit', 'text_encoder', 'vae_decoder', 'vae_encoder']);
    let total = 0;
    for (const f of Object.values(manifest.files)) {
      const bytes = readFileSync(join(DEFAULT_MODEL_DIR, f.path));
      expect(bytes.length).toBe(f.bytes);
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(f.sha256);
      total += statSync(join(DEFAULT_MODEL_DIR, f.path)).size;
    }
    expect(total).toBeLessThan(40e6);
    expect(manifest.latent.mean).toHaveLength(16);
    expect(manifest.latent.std.every((s) => s > 0)).toBe(true);
    expect(manifest.latent.rgb_preview.weights).toHaveLength(16);
    expect(manifest.latent.rgb_preview.bias).toHaveLength(3);
    expect(manifest.text.tokenizer.vocab).toEqual(VOCAB);
    expect(manifest.conditioning.dit_in_channels).toBe(33);
    expect(manifest.conditioning.layout.map((l) => [l.name, l.start, l.count])).toEqual([
      ['noisy_latent', 0, 16],
      ['mask', 16, 1],
      ['cond_latent', 17, 16],
    ]);
  });
});

describe('ONNX files in onnxruntime-node', () => {
  const sessions = new Map<string, ort.InferenceSession>();
  beforeAll(async () => {
    for (const [key, f] of Object.entries(manifest.files)) {
      sessions.set(
        key,
        await ort.InferenceSession.create(join(DEFAULT_MODEL_DIR, f.path), { intraOpNumThreads: 1 }),
      );
    }
  });
  afterAll(async () => {
    for (const s of sessions.values()) await s.release();
  });

  for (const key of ['text_encoder', 'dit', 'vae_encoder', 'vae_decoder']) {
    it.each([
      [1, 1],
      [2, 3],
      [1, 5],
    ])(`${key} produces the declared shapes for B=%i, T=%i`, async (B, T) => {
      const spec = manifest.files[key] as FileSpec;
      const session = sessions.get(key) as ort.InferenceSession;
      expect(session.inputNames).toEqual(spec.inputs.map((i) => i.name));
      expect(session.outputNames).toEqual(spec.outputs.map((o) => o.name));
      const feeds: Record<string, ort.Tensor> = {};
      for (const input of spec.inputs) {
        const shape = dims(input.shape, B, T);
        const size = shape.reduce((a, b) => a * b, 1);
        feeds[input.name] =
          input.dtype === 'int64'
            ? new ort.Tensor('int64', new BigInt64Array(size).fill(1n), shape)
            : new ort.Tensor(
                'float32',
                new Float32Array(size).map((_, i) => Math.sin(i) * 0.5),
                shape,
              );
      }
      const out = await session.run(feeds);
      for (const o of spec.outputs) {
        const t = out[o.name] as ort.Tensor;
        expect(t.type).toBe(o.dtype);
        expect(t.dims).toEqual(dims(o.shape, B, T));
        expect((t.data as Float32Array).every(Number.isFinite)).toBe(true);
      }
    });
  }
});

describe('short text-to-video generation', () => {
  let model: TinyModel;
  beforeAll(async () => {
    model = await TinyModel.load(DEFAULT_MODEL_DIR, 1);
  });
  afterAll(async () => {
    await model.release();
  });

  it('keeps every attribute of ground-truth clips through the VAE (the ceiling of any sample)', async () => {
    const misses: string[] = [];
    for (let i = 0; i < 40; i++) {
      const { spec, clip } = generateClip(2_200_000_000 + i);
      const z = await model.encodeVideo(clipToTensor(clip), 17);
      const a = analyzeClip(tensorToClip(await model.decode(z, 5), 17));
      for (const key of ['background', 'colour', 'shape', 'motion'] as const)
        if (a[key] !== spec[key]) misses.push(`${i} ${key}: ${a[key]} != ${spec[key]}`);
    }
    expect(misses).toEqual([]);
  });

  it.each([['a yellow square moves right on a blue background', 'blue', 'yellow']] as const)(
    '"%s" has the prompted colours',
    async (prompt, background, colour) => {
      const z = await model.sample({ prompt, seed: 11, steps: 10 });
      const clip = tensorToClip(await model.decode(z, 5), 17);
      const a = analyzeClip(clip);
      expect(a.background).toBe(background);
      expect(a.colour).toBe(colour);
    },
  );
});
