// biome-ignore-all lint/suspicious/noExplicitAny: response bodies in tests are arbitrary JSON
import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO, startServer, type TestServer, WsClient } from './helpers';

// The real thing, once the tiny model is trained: the text-to-video preset over HTTP and WebSocket.
const hasModel = existsSync(path.join(REPO, 'models', 'tiny', 'model.json'));

describe.skipIf(!hasModel)('the text-to-video preset through the server', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startServer({
      nodesDirs: [path.join(REPO, 'nodes')],
      modelsDirs: [path.join(REPO, 'models')],
      presetsDir: path.join(REPO, 'graphs'),
    });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('queues, streams progress and animated previews, and serves the MP4 with ranges', async () => {
    const preset = await t.http.get('/api/presets/text-to-video');
    expect(preset.status).toBe(200);
    const ws = new WsClient(t.url, 'gen');
    await ws.opened;
    const res = await t.http.submit(preset.body, { clientId: 'gen' });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const jobId = res.body.jobId;
    const final = await ws.waitFor(
      (m) => m.type === 'job:state' && m.jobId === jobId && ['success', 'failed'].includes(m.state),
      240_000,
    );
    expect(final.state, JSON.stringify(final.error)).toBe('success');
    const types = ws.ofJob(jobId).map((m) => m.type);
    expect(types[0]).toBe('job:queued');
    const progress = ws.ofJob(jobId).filter((m) => m.type === 'node:progress' && m.nodeId === 'sampler');
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.at(-1)!.step).toBe(progress.at(-1)!.total);
    const previews = ws.previews.filter((p) => p.jobId === jobId);
    expect(previews.length).toBeGreaterThan(0);
    expect(previews.some((p) => p.frames > 1)).toBe(true);

    const video = final.outputs.find((o: any) => o.kind === 'file' && o.mime === 'video/mp4');
    expect(video).toBeDefined();
    const head = await fetch(`${t.url}${video.url}`, { headers: { range: 'bytes=0-11' } });
    expect(head.status).toBe(206);
    expect(head.headers.get('content-type')).toBe('video/mp4');
    const bytes = Buffer.from(await head.arrayBuffer());
    expect(bytes.subarray(4, 8).toString('latin1')).toBe('ftyp');

    // The same graph again is served from the cache; once its file is deleted, the save runs again.
    const file = path.join(t.root, 'outputs', video.name);
    const rerun = async () => {
      const r = await t.http.submit(preset.body, { clientId: 'gen' });
      return ws.waitFor(
        (m) => m.type === 'job:state' && m.jobId === r.body.jobId && ['success', 'failed'].includes(m.state),
        60_000,
      );
    };
    const cached = await rerun();
    expect(cached.outputs.find((o: any) => o.kind === 'file')?.name).toBe(video.name);
    rmSync(file);
    const rewritten = await rerun();
    expect(rewritten.state, JSON.stringify(rewritten.error)).toBe('success');
    const again = rewritten.outputs.find((o: any) => o.kind === 'file' && o.mime === 'video/mp4');
    expect(existsSync(path.join(t.root, 'outputs', again.name))).toBe(true);
    await ws.close();
  }, 300_000);
});
