// biome-ignore-all lint/suspicious/noExplicitAny: response bodies in tests are arbitrary JSON
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { extractGraph } from '@reelgraph/media';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256 } from '../src/c2pa/credentials';
import { TRAINED_ALGORITHMIC_MEDIA } from '../src/c2pa/manifest';
import { intact, verifyBytes } from '../src/c2pa/verify';
import { verifyCommand } from '../src/commands/verify';
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

async function runPreset(t: TestServer, name: string) {
  const preset = await t.http.get(`/api/presets/${name}`);
  expect(preset.status).toBe(200);
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
  const out = job.outputs.find((o: any) => o.kind === 'file' && o.mime === 'video/mp4');
  expect(out).toBeDefined();
  return { out, graph: preset.body, file: path.join(t.root, 'outputs', out.name) };
}

describe.skipIf(!hasModel)('content credentials on server outputs', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startServer({
      nodesDirs: [path.join(REPO, 'nodes')],
      modelsDirs: [path.join(REPO, 'models')],
      presetsDir: path.join(REPO, 'graphs'),
    });
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
    expect(t2v.out.meta.credentials).toMatchObject({ signed: true, trusted: false });
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

describe.skipIf(!hasModel)('--no-c2pa', () => {
  it('writes unsigned outputs', async () => {
    const t = await startServer({
      nodesDirs: [path.join(REPO, 'nodes')],
      modelsDirs: [path.join(REPO, 'models')],
      presetsDir: path.join(REPO, 'graphs'),
      c2pa: false,
    });
    try {
      expect(t.server.signing).toBeUndefined();
      const { out, file } = await runPreset(t, 'text-to-video');
      expect(out.meta.credentials).toBeUndefined();
      expect((await verifyBytes(readFileSync(file), 'video/mp4')).state).toBe('None');
    } finally {
      await t.close();
    }
  }, 300_000);
});
