import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { discoverModels, readModelFolder } from '../src/discovery';
import { ModelError } from '../src/errors';
import { parseManifest } from '../src/manifest';
import { ModelRuntime } from '../src/runtime';
import { availableProviders, SessionPool } from '../src/sessions';

const fixture = join(import.meta.dirname, 'fixtures', 'mini');
const tmp = mkdtempSync(join(tmpdir(), 'rg-runtime-'));
const runtime = new ModelRuntime({ dirs: [tmp], session: { intraOpThreads: 1 } });

afterAll(async () => {
  await runtime.dispose();
  rmSync(tmp, { recursive: true, force: true });
});

/** A copy of the fixture under `tmp/<name>`, optionally damaged. */
function copyModel(name: string, edit?: (manifest: any, dir: string) => void): string {
  const dir = join(tmp, name);
  cpSync(fixture, dir, { recursive: true });
  if (edit) {
    const m = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
    edit(m, dir);
    writeFileSync(join(dir, 'model.json'), JSON.stringify(m));
  }
  return dir;
}

async function errorOf(p: Promise<unknown> | (() => unknown)): Promise<ModelError> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (err) {
    expect(err).toBeInstanceOf(ModelError);
    return err as ModelError;
  }
  throw new Error('expected a ModelError');
}

describe('model runtime', () => {
  it('discovers model folders and runs all four files with the right shapes', async () => {
    copyModel('good');
    const list = discoverModels([tmp]);
    expect(list.find((m) => m.id === 'good')?.error).toBeUndefined();
    const m = runtime.load('good');
    expect(runtime.load('good')).toBe(m);
    expect(m.tokenizer.encode('A red circle, moves LEFT!! zebra')).toEqual([
      1, 2, 6, 14, 3, 18, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    ]);
    const ctx = await m.encodeText(['a red circle', '']);
    expect(ctx.length).toBe(2 * 16 * 128);
    const shape = m.latentShape(1, 17, 64, 64);
    expect(shape).toEqual([1, 16, 5, 8, 8]);
    const pixels = new Float32Array(3 * 17 * 64 * 64).fill(0.25);
    const z = await m.encodeVideo(pixels, 1, 17, 64, 64);
    expect(z.length).toBe(16 * 5 * 64);
    const back = await m.decodeLatent(z, shape);
    expect(back.length).toBe(3 * 17 * 64 * 64);
    const v = await m.velocity(
      new Float32Array(2 * 33 * 5 * 64),
      [2, 33, 5, 8, 8],
      new Float32Array([1000, 1000]),
      ctx,
    );
    expect(v.length).toBe(2 * 16 * 5 * 64);
  });

  it('shares one session per file and options across models and callers', async () => {
    const m = runtime.load('good');
    const [a, b] = await Promise.all([m.session('dit'), m.session('dit')]);
    expect(a).toBe(b);
    const other = runtime.load('good', { intraOpThreads: 2 });
    expect(other).not.toBe(m);
    expect(await other.session('dit')).not.toBe(a);
  });

  it('reads a reused input buffer afresh at every run, encodes the empty prompt once, and reloads sessions after the pool is disposed', async () => {
    const pool = new SessionPool();
    const own = new ModelRuntime({ dirs: [tmp], pool, session: { intraOpThreads: 1 } });
    const m = own.load('good');
    const x = new Float32Array(2 * 33 * 5 * 64);
    const t = new Float32Array([500, 500]);
    const ctx = await m.encodeText(['a red circle', 'a blue square']);
    const run = async () => Float32Array.from(await m.velocity(x, [2, 33, 5, 8, 8], t, ctx));
    const zero = await run();
    x.fill(0.5); // the same array object: a cached tensor must see the new values
    const half = await run();
    expect(half).not.toEqual(zero);
    x.fill(0);
    expect(await run()).toEqual(zero);
    const empty = await m.emptyContext();
    expect(empty).toEqual(await m.encodeText([m.manifest.text.empty_prompt]));
    expect(await m.emptyContext()).toBe(empty); // encoded once per model
    const before = await m.session('dit');
    await pool.dispose();
    const after = await m.session('dit');
    expect(after).not.toBe(before);
    expect(await run()).toEqual(zero);
    const again = await m.emptyContext(); // encoded anew by the new sessions, to the same values
    expect(again).not.toBe(empty);
    expect(again).toEqual(empty);
    await own.dispose();
  });

  it('warms every usable model: the sessions a job asks for are loaded already, and a broken model is skipped', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rg-warm-'));
    cpSync(fixture, join(dir, 'good'), { recursive: true });
    cpSync(fixture, join(dir, 'broken'), { recursive: true });
    writeFileSync(join(dir, 'broken', 'dit.onnx'), 'not onnx');
    const warm = new ModelRuntime({ dirs: [dir] });
    try {
      await warm.warm();
      const loaded = warm.pool.stats.loads;
      expect(loaded).toBeGreaterThanOrEqual(4);
      const model = warm.load('good');
      for (const key of ['text_encoder', 'dit', 'vae_encoder', 'vae_decoder'] as const)
        await model.session(key);
      expect(warm.pool.stats.loads).toBe(loaded);
    } finally {
      await warm.dispose();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('enforces the frame rule and the model resolution', async () => {
    const m = runtime.load('good');
    expect((await errorOf(() => m.latentShape(1, 16, 64, 64))).message).toMatch(/frame rule 4n\+1/);
    expect((await errorOf(() => m.latentShape(1, 17, 128, 64))).message).toMatch(/64×64 only/);
    expect((await errorOf(() => m.latentShape(1, 17 + 4 * 16, 64, 64))).message).toMatch(/at most 61 frames/);
  });

  it('rejects a wrongly shaped tensor with a clear error before running', async () => {
    const m = runtime.load('good');
    const e = await errorOf(
      m.velocity(
        new Float32Array(32 * 5 * 64),
        [1, 32, 5, 8, 8],
        new Float32Array(1),
        new Float32Array(2048),
      ),
    );
    expect(e.code).toBe('SHAPE_MISMATCH');
    expect(e.message).toMatch(/dit\.x expects \[B,33,T,8,8\], got \[1,32,5,8,8\]/);
    const e2 = await errorOf(m.encodeVideo(new Float32Array(3 * 16 * 4096), 1, 16, 64, 64));
    expect(e2.code).toBe('SHAPE_MISMATCH');
  });

  it('reports an unknown model with the available ones', async () => {
    const e = await errorOf(() => runtime.load('nope'));
    expect(e.code).toBe('MODEL_NOT_FOUND');
    expect(e.message).toMatch(/available: .*good/);
  });

  it('reports a missing manifest, bad JSON and invalid fields', async () => {
    rmSync(join(copyModel('nojson'), 'model.json'));
    const byId = (id: string) => discoverModels([tmp]).find((m) => m.id === id);
    expect(byId('nojson')).toBeUndefined(); // not a model folder at all
    expect(readModelFolder(join(tmp, 'nojson')).error?.code).toBe('MANIFEST_MISSING');

    const bad = copyModel('badjson');
    writeFileSync(join(bad, 'model.json'), '{"format": ');
    expect(byId('badjson')?.error?.code).toBe('MANIFEST_INVALID');
    expect(byId('badjson')?.error?.message).toMatch(/not valid JSON/);

    copyModel('fields', (m) => {
      m.format = 'other/2';
      m.latent.std = [1, 2];
      delete m.files.dit.path;
    });
    const e = byId('fields')?.error;
    expect(e?.code).toBe('MANIFEST_INVALID');
    expect(e?.message).toMatch(/format must be "reelgraph.model\/1"/);
    expect(e?.message).toMatch(/latent.std must be an array of 16 numbers/);
    expect(e?.message).toMatch(/files.dit.path must be a non-empty string/);
    expect((await errorOf(() => runtime.load('fields'))).code).toBe('MANIFEST_INVALID');
  });

  it('reports a missing, truncated or corrupt ONNX file', async () => {
    copyModel('missing', (_, dir) => rmSync(join(dir, 'dit.onnx')));
    const e = discoverModels([tmp]).find((m) => m.id === 'missing')?.error;
    expect(e?.code).toBe('FILE_MISSING');
    expect(e?.message).toMatch(/dit file dit.onnx is missing/);

    copyModel('truncated', (_, dir) =>
      writeFileSync(join(dir, 'dit.onnx'), readFileSync(join(dir, 'dit.onnx')).subarray(0, 100)),
    );
    expect(discoverModels([tmp]).find((m) => m.id === 'truncated')?.error?.code).toBe('FILE_CORRUPT');

    // Same size, garbage bytes, no checksum: only onnxruntime can tell.
    copyModel('garbage', (m, dir) => {
      const size = readFileSync(join(dir, 'dit.onnx')).length;
      writeFileSync(join(dir, 'dit.onnx'), Buffer.alloc(size, 7));
      delete m.files.dit.sha256;
    });
    const g = await errorOf(runtime.load('garbage').session('dit'));
    expect(g.code).toBe('FILE_CORRUPT');
    expect(g.message).toMatch(/not a loadable ONNX model/);

    copyModel('checksum', (m) => {
      m.files.vae_decoder.sha256 = '0'.repeat(64);
    });
    expect((await errorOf(runtime.load('checksum').session('vae_decoder'))).message).toMatch(/sha256/);
  });

  it('reports a manifest that does not fit its ONNX files', async () => {
    copyModel('mismatch', (m) => {
      m.files.dit.inputs[0].name = 'latents';
      m.files.text_encoder.outputs[0].shape = ['B', 16, 64];
    });
    const e = await errorOf(runtime.load('mismatch').session('dit'));
    expect(e.code).toBe('MANIFEST_MISMATCH');
    expect(e.message).toMatch(/input "latents" is not in the ONNX file \(it has x, timestep, context\)/);
    const e2 = await errorOf(runtime.load('mismatch').session('text_encoder'));
    expect(e2.message).toMatch(/output "context" axis 2 is 128, manifest says 64/);
  });

  it('validates a manifest object directly', () => {
    const raw = JSON.parse(readFileSync(join(fixture, 'model.json'), 'utf8'));
    expect(parseManifest(raw).family).toBe('tiny');
    raw.conditioning.dit_in_channels = 32;
    expect(() => parseManifest(raw)).toThrow(/dit_in_channels must be 33/);
  });

  it('falls back to CPU when an execution provider is not available', async () => {
    const warnings: string[] = [];
    const pool = new SessionPool({ warn: (w) => warnings.push(w) });
    const ask = availableProviders().includes('cuda') ? [] : (['cuda'] as const);
    const s = await pool.get(join(fixture, 'dit.onnx'), { executionProviders: [...ask] });
    expect(s.providers).toEqual(['cpu']);
    if (ask.length) expect(warnings.join()).toMatch(/cuda.*not available/);
    // WebGPU ships in the package but needs an adapter: with none, session creation falls back.
    const wg = await pool.get(join(fixture, 'dit.onnx'), { executionProviders: ['webgpu'] });
    expect(wg.providers.at(-1)).toBe('cpu');
    if (wg.providers.length === 1) expect(warnings.join()).toMatch(/webgpu[\s\S]*using CPU/);
    await pool.dispose();
  });
});
