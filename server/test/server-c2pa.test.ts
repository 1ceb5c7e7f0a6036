// biome-ignore-all lint/suspicious/noExplicitAny: response bodies in tests are arbitrary JSON
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { extractGraph, loadVideo } from '@reelgraph/media';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256 } from '../src/c2pa/credentials';
import { ensureDevChain } from '../src/c2pa/keys';
import { TRAINED_ALGORITHMIC_MEDIA } from '../src/c2pa/manifest';
import { intact, verifyBytes } from '../src/c2pa/verify';
import { parseServeArgs } from '../src/commands/serve';
import { verifyCommand } from '../src/commands/verify';
import type { ServerOptions } from '../src/options';
import { REPO, startServer, type TestServer, until } from './helpers';

const hasModel = existsSync(path.join(REPO, 'models', 'tiny', 'model.json'));

/** Top-level MP4 boxes: name → [start, end). */
function boxes(buf: Uint8Array): Map<string, [number, number]> {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const out = new Map<string, [number, number]>();
  for (let at = 0; at + 8 <= buf.length; ) {
    let size = view.getUint32(at);
    const name = String.fromCharCode(...buf.subarray(at + 4, at + 8));
    if (size === 1) size = Number(view.getBigUint64(at + 8));
    if (size === 0) size = buf.length - at;
    out.set(name, [at, at + size]);
    at += size;
  }
  return out;
}

/** A server on the real packs, the tiny model and the presets. */
const startModelServer = (opts: ServerOptions = {}) =>
  startServer({
    nodesDirs: [path.join(REPO, 'nodes')],
    modelsDirs: [path.join(REPO, 'models')],
    presetsDir: path.join(REPO, 'graphs'),
    ...opts,
  });

async function runPreset(t: TestServer, name: string, edit: (g: any) => void = () => {}) {
  const preset = await t.http.get(`/api/presets/${name}`);
  expect(preset.status).toBe(200);
  edit(preset.body);
  const res = await t.http.submit(preset.body);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  const job = await until(
    async () => {
      const j = (await t.http.get(`/api/jobs/${res.body.jobId}?events=false`)).body;
      return ['success', 'failed', 'cancelled'].includes(j.state) ? j : undefined;
    },
    240_000,
    `${name} to finish`,
  );
  expect(job.state, JSON.stringify(job.errors ?? job.error)).toBe('success');
  const all = job.outputs.filter((o: any) => o.kind === 'file');
  const out = all[0];
  expect(out).toBeDefined();
  return { out, all, graph: preset.body, file: path.join(t.root, 'outputs', out.name) };
}

describe.skipIf(!hasModel)('content credentials on server outputs', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startModelServer();
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });

  it('makes a development chain in the data folder on first start and says it is not trusted', () => {
    expect(t.server.signing?.dev).toBe(true);
    expect(readFileSync(t.server.signing!.certFile, 'utf8')).toMatch(
      /BEGIN CERTIFICATE[\s\S]+BEGIN CERTIFICATE/,
    );
  });

  let t2v: Awaited<ReturnType<typeof runPreset>>;

  it('signs the text-to-video MP4: created by a trained model, with model and graph hashes; the graph still round-trips', async () => {
    t2v = await runPreset(t, 'text-to-video');
    expect(t2v.out.meta.credentials).toMatchObject({ signed: true, development: true });
    const bytes = readFileSync(t2v.file);
    const v = await verifyBytes(bytes, 'video/mp4');
    expect(v.state).toBe('Valid');
    expect(v.failures).toEqual([]);
    expect(v.untrusted).toBe(true);
    expect(intact(v)).toBe(true);
    const m = v.manifest as any;
    expect(m.claim_generator_info[0]).toMatchObject({ name: 'Reelgraph', version: '0.1.0' });
    const actions = m.assertions.find((a: any) => a.label === 'c2pa.actions.v2').data.actions;
    expect(actions[0]).toMatchObject({
      action: 'c2pa.created',
      digitalSourceType: TRAINED_ALGORITHMIC_MEDIA,
    });
    const tiny = JSON.parse(readFileSync(path.join(REPO, 'models', 'tiny', 'model.json'), 'utf8'));
    expect(v.generation).toMatchObject({ generator: 'Reelgraph 0.1.0', node: { type: 'video.save' } });
    const model = (v.generation as any).models[0];
    expect(model).toMatchObject({ id: 'tiny', name: tiny.name, version: tiny.version });
    expect(model.files.dit).toBe(tiny.files.dit.sha256);
    // the embedded graph survives signing and is the one the manifest names
    const embedded = await extractGraph(bytes);
    expect(embedded).toMatchObject({ nodes: t2v.graph.nodes });
    expect(sha256(JSON.stringify(embedded))).toBe((v.generation as any).graphHash);
    expect(v.graphMatches).toBe(true);
  }, 300_000);

  it('`reelgraph verify` prints the manifest and its state; exit 1 for a tampered file', async () => {
    let text = '';
    const write = (s: string) => {
      text += s;
      return true;
    };
    const io = { out: { write }, err: process.stderr } as any;
    expect(await verifyCommand([t2v.file], io)).toBe(0);
    expect(text).toMatch(/content credentials intact \(c2pa state Valid\)/);
    expect(text).toMatch(/\[untrusted signer\]/);
    expect(text).toMatch(/action: +c2pa\.created \(.*trainedAlgorithmicMedia\)/);
    expect(text).toMatch(/model: +reelgraph-tiny-t2v/);
    expect(text).toMatch(/matches the embedded graph/);
    const bytes = readFileSync(t2v.file);
    const [s, e] = boxes(bytes).get('mdat')!;
    bytes[Math.floor((s + e) / 2)]! ^= 0x80;
    const bad = path.join(t.root, 'tampered.mp4');
    writeFileSync(bad, bytes);
    text = '';
    expect(await verifyCommand([bad], io)).toBe(1);
    expect(text).toMatch(/INVALID[\s\S]*FAILURE: +assertion\.bmffHash\.mismatch/);
  });

  it('is Trusted once the development CA is given as a trust anchor', async () => {
    const ca = readFileSync(path.join(path.dirname(t.server.signing!.certFile), 'ca.pem'), 'utf8');
    const v = await verifyBytes(readFileSync(t2v.file), 'video/mp4', ca);
    expect(v.state).toBe('Trusted');
  });

  it('reports the hash mismatch when one byte of the video data changes, and passes none of 100 tampered files', async () => {
    const bytes = readFileSync(t2v.file);
    const b = boxes(bytes);
    const [mdatStart, mdatEnd] = b.get('mdat')!;
    const one = Buffer.from(bytes);
    one[mdatStart + 8 + Math.floor((mdatEnd - mdatStart - 8) / 2)]! ^= 0x01;
    const v = await verifyBytes(one, 'video/mp4');
    expect(v.state).toBe('Invalid');
    expect(v.failures.map((f) => f.code)).toContain('assertion.bmffHash.mismatch');

    // Bytes the BMFF hash covers: the media data and the movie header (sample tables, the graph tag).
    const [moovStart, moovEnd] = b.get('moov')!;
    const spans = [
      [mdatStart, mdatEnd],
      [moovStart, moovEnd],
    ] as const;
    let seed = 42;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    let passed = 0;
    for (let i = 0; i < 100; i++) {
      const [s, e] = spans[i % 2]!;
      const copy = Buffer.from(bytes);
      copy[s + rand(e - s)]! ^= 1 << rand(8);
      if (intact(await verifyBytes(copy, 'video/mp4'))) passed++;
    }
    expect(passed).toBe(0);
  }, 120_000);

  it('lists the start image as an ingredient of an image-to-video output', async () => {
    const i2v = await runPreset(t, 'image-to-video');
    const v = await verifyBytes(readFileSync(i2v.file), 'video/mp4');
    expect(intact(v)).toBe(true);
    expect((v.manifest as any).ingredients).toEqual([
      expect.objectContaining({ title: 'start.png', relationship: 'inputTo' }),
    ]);
  }, 300_000);
});

describe.skipIf(!hasModel)('--c2pa-key / --c2pa-cert', () => {
  it("signs with the configured chain (Trusted against its CA), and refuses to start on a key that is not the certificate's", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'rg-c2pa-keys-'));
    try {
      const a = await ensureDevChain(path.join(dir, 'a'));
      const b = await ensureDevChain(path.join(dir, 'b'));
      await expect(startModelServer({ c2paKeyFile: a.keyFile, c2paCertFile: b.certFile })).rejects.toThrow(
        /is not the first certificate's/,
      );
      const t = await startModelServer({ c2paKeyFile: a.keyFile, c2paCertFile: a.certFile });
      try {
        expect(t.server.signing).toMatchObject({ dev: false });
        const { out, file } = await runPreset(t, 'text-to-video');
        expect(out.meta.credentials).toMatchObject({
          signed: true,
          development: false,
          issuer: 'Reelgraph development signer',
        });
        const ca = readFileSync(path.join(path.dirname(a.certFile), 'ca.pem'), 'utf8');
        expect((await verifyBytes(readFileSync(file), 'video/mp4', ca)).state).toBe('Trusted');
      } finally {
        await t.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 300_000);
});

describe.skipIf(!hasModel)('every preset, every format', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startModelServer();
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });

  const presets = readdirSync(path.join(REPO, 'graphs'))
    .filter(
      (f) => f.endsWith('.json') && readFileSync(path.join(REPO, 'graphs', f), 'utf8').includes('video.save'),
    )
    .map((f) => f.replace(/\.json$/, ''));

  it.each(presets)(
    '%s: each file it writes carries a manifest that verifies',
    async (name) => {
      const { all } = await runPreset(t, name);
      for (const o of all) {
        expect(o.meta.credentials, o.name).toMatchObject({ signed: true });
        const v = await verifyBytes(readFileSync(path.join(t.root, 'outputs', o.name)), o.mime);
        expect(intact(v), `${o.name}: ${JSON.stringify(v.failures)}`).toBe(true);
        expect(v.graphMatches, o.name).toBe(true);
      }
    },
    300_000,
  );

  it.each(['webp', 'gif'])(
    'signs %s output too',
    async (format) => {
      const { out, file } = await runPreset(t, 'text-to-video', (g) => {
        g.nodes.save.inputs.format = format;
      });
      expect(out.meta.credentials).toMatchObject({ signed: true });
      expect(intact(await verifyBytes(readFileSync(file), out.mime))).toBe(true);
    },
    300_000,
  );

  it('says a WebM output cannot carry a manifest instead of pretending', async () => {
    const { out } = await runPreset(t, 'text-to-video', (g) => {
      g.nodes.save.inputs.format = 'webm';
    });
    expect(out.meta.credentials).toEqual({
      signed: false,
      reason: 'c2pa cannot embed a manifest in video/webm',
    });
  }, 300_000);
});

describe.skipIf(!hasModel)('--no-c2pa and --force-mark', () => {
  it('writes unsigned outputs; a forced mark changes the marked corner of the same clip only', async () => {
    const t = await startModelServer({ c2pa: false });
    try {
      expect(t.server.signing).toBeUndefined();
      const { out, file } = await runPreset(t, 'text-to-video');
      expect(out.meta.credentials).toBeUndefined();
      expect((await verifyBytes(readFileSync(file), 'video/mp4')).state).toBe('None');
      const args = parseServeArgs([
        '--force-mark',
        '--mark-text',
        'AI',
        '--mark-position',
        'top-left',
        '--mark-size',
        '0.3',
      ]);
      if (args === 'help') throw new Error('unexpected help');
      expect(args.forceMark).toMatchObject({ text: 'AI', position: 'top-left', size: 0.3 });
      const forced = await startModelServer({
        ...(args.forceMark ? { forceMark: { ...args.forceMark, opacity: 1 } } : {}),
      });
      try {
        const marked = await runPreset(forced, 'text-to-video');
        expect(intact(await verifyBytes(readFileSync(marked.file), 'video/mp4'))).toBe(true);
        const [a, b] = await Promise.all([file, marked.file].map((f) => loadVideo(f, { maxFrames: 1 })));
        const diff = (x0: number, y0: number, x1: number, y1: number) => {
          let d = 0;
          for (let y = y0; y < y1; y++)
            for (let x = x0; x < x1; x++) {
              const i = (y * a!.width + x) * 3;
              d += Math.abs(a!.data[i]! - b!.data[i]!);
            }
          return d / ((x1 - x0) * (y1 - y0));
        };
        expect(diff(0, 0, a!.width / 2, a!.height / 4)).toBeGreaterThan(8);
        expect(diff(a!.width / 2, (a!.height * 3) / 4, a!.width, a!.height)).toBeLessThan(3);
      } finally {
        await forced.close();
      }
    } finally {
      await t.close();
    }
  }, 300_000);
});
