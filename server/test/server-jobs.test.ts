// biome-ignore-all lint/suspicious/noExplicitAny: response bodies in tests are arbitrary JSON
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { GRAPH_VERSION } from '@reelgraph/graph';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { delayGraph, startServer, stepsGraph, type TestServer, until, WsClient } from './helpers';

let t: TestServer;
beforeAll(async () => {
  t = await startServer({ previewIntervalMs: 0, progressIntervalMs: 0 });
});
afterAll(async () => {
  await t?.close();
});

describe('a job from submit to download', () => {
  it('streams queued → running → progress with previews → done with outputs, then serves the file', async () => {
    const ws = new WsClient(t.url, 'tab-1');
    await ws.opened;
    const hello = await ws.waitFor((m) => m.type === 'hello');
    expect(hello).toMatchObject({ protocol: 1, clientId: 'tab-1' });

    const res = await t.http.submit(stepsGraph(4, 30, 'first'), { clientId: 'tab-1' });
    expect(res.status).toBe(201);
    const { jobId } = res.body;
    expect(res.body.position).toBe(0);

    const final = await ws.waitState(jobId, 'success');
    const events = ws.ofJob(jobId);
    const types = events.map((e) => (e.type === 'job:state' ? `state:${e.state}` : e.type));
    expect(types[0]).toBe('job:queued');
    expect(types[1]).toBe('state:running');
    expect(types).toContain('job:started');
    expect(types).toContain('node:started');
    expect(types.filter((x) => x === 'node:progress')).toHaveLength(4);
    expect(types.indexOf('node:done')).toBeGreaterThan(types.lastIndexOf('node:progress'));
    expect(types.slice(-2)).toEqual(['job:finished', 'state:success']);
    // seq numbers are 1..n without gaps or repeats
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    const progress = events.filter((e) => e.type === 'node:progress');
    expect(progress.map((p) => [p.step, p.total])).toEqual([
      [1, 4],
      [2, 4],
      [3, 4],
      [4, 4],
    ]);

    // Previews: binary frames with the documented header, one per step.
    await until(() => ws.previews.filter((p) => p.jobId === jobId).length === 4, 5000, 'previews');
    const previews = ws.previews.filter((p) => p.jobId === jobId);
    expect(previews.map((p) => p.step)).toEqual([1, 2, 3, 4]);
    expect(previews[0]).toMatchObject({
      nodeId: 's',
      mime: 'image/png',
      width: 1,
      height: 1,
      frames: 1,
      total: 4,
    });
    expect(Buffer.from(previews[0]!.data.subarray(0, 4)).toString('latin1')).toBe('\x89PNG');
    expect(ws.badFrames).toHaveLength(0);

    // The terminal state carries the outputs; files have download URLs, no server paths.
    const outputs = final.outputs as any[];
    const file = outputs.find((o) => o.kind === 'file');
    expect(file).toMatchObject({ nodeId: 's', mime: 'text/plain', size: 'done first 4\n'.length });
    expect(file.url).toBe(`/api/outputs/${file.id}`);
    expect(JSON.stringify(events)).not.toContain(t.root);
    expect(outputs.find((o) => o.kind === 'value')).toMatchObject({
      value: { steps: 4, tag: 'first' },
      label: 'summary',
    });

    const dl = await fetch(`${t.url}${file.url}`);
    expect(dl.status).toBe(200);
    expect(dl.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(dl.headers.get('accept-ranges')).toBe('bytes');
    expect(dl.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await dl.text()).toBe('done first 4\n');

    const head = await fetch(`${t.url}${file.url}`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(file.size));
    const notModified = await fetch(`${t.url}${file.url}`, {
      headers: { 'if-none-match': head.headers.get('etag')! },
    });
    expect(notModified.status).toBe(304);

    const part = await fetch(`${t.url}${file.url}`, { headers: { range: 'bytes=5-9' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 5-9/${file.size}`);
    expect(await part.text()).toBe('first');
    const suffix = await fetch(`${t.url}${file.url}`, { headers: { range: 'bytes=-2' } });
    expect(await suffix.text()).toBe('4\n');
    const bad = await fetch(`${t.url}${file.url}`, { headers: { range: 'bytes=999-' } });
    expect(bad.status).toBe(416);
    expect(bad.headers.get('content-range')).toBe(`bytes */${file.size}`);

    // History: the job, its events and per-node status.
    const detail = await t.http.get(`/api/jobs/${jobId}`);
    expect(detail.status).toBe(200);
    expect(detail.body).toMatchObject({
      id: jobId,
      state: 'success',
      attempts: 1,
      clientId: 'tab-1',
      title: 'steps first',
    });
    expect(detail.body.nodes.s).toMatchObject({ state: 'done', step: 4, total: 4 });
    expect(detail.body.graph.nodes.s.type).toBe('testkit.steps');
    expect(detail.body.events.map((e: any) => e.type)).not.toContain('node:progress');
    expect(detail.body.outputs).toHaveLength(2);
    await ws.close();
  });

  it('runs a core-only graph and reports its value output', async () => {
    const graph = {
      version: 1,
      nodes: {
        a: { type: 'core.int', inputs: { value: 20 } },
        b: { type: 'core.int', inputs: { value: 22 } },
        sum: { type: 'core.int-math', inputs: { a: ['a', 'value'], b: ['b', 'value'], op: 'add' } },
        show: { type: 'core.preview', inputs: { value: ['sum', 'result'] } },
      },
    };
    const catalog = await t.http.get('/api/catalog');
    const intMath = catalog.body.nodes['core.int-math'];
    expect(intMath).toBeDefined();
    const res = await t.http.submit(graph);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const done = await until(async () => {
      const d = await t.http.get(`/api/jobs/${res.body.jobId}`);
      return d.body.state === 'success' ? d.body : undefined;
    });
    expect(done.outputs).toEqual([{ kind: 'value', nodeId: 'show', value: 42 }]);
  });

  it('answers an invalid graph with 400 and every structured error at once', async () => {
    const graph = {
      version: 1,
      nodes: {
        a: { type: 'core.nope', inputs: {} },
        d: { type: 'core.delay', inputs: { ms: 1.5 } },
        p: { type: 'core.preview', inputs: { value: ['ghost', 'value'] } },
      },
    };
    const res = await t.http.submit(graph);
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_graph');
    const codes = res.body.errors.map((e: any) => `${e.nodeId}:${e.code}`);
    expect(codes).toEqual(
      expect.arrayContaining(['a:unknown_node_type', 'd:not_integer', 'p:link_missing_node']),
    );
    for (const e of res.body.errors) expect(typeof e.message).toBe('string');
  });

  it('detects duplicate node ids in the raw request text', async () => {
    const text =
      '{"graph":{"version":1,"nodes":{"x":{"type":"core.int","inputs":{"value":1}},"x":{"type":"core.preview","inputs":{"value":["x","value"]}}}}}';
    const res = await t.http.post('/api/jobs', text);
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          nodeId: 'x',
          code: 'duplicate_id',
          // where the repeated key is in the request body
          location: { line: 1, column: text.lastIndexOf('"x":') + 1, offset: text.lastIndexOf('"x":') },
        }),
      ]),
    );
    // The same, sent as graph text, goes through parseGraph's own check.
    const asText = await t.http.submit(
      '{"version":1,"nodes":{"x":{"type":"core.int","inputs":{}},"x":{"type":"core.int","inputs":{}}}}',
    );
    expect(asText.status).toBe(400);
    expect(asText.body.errors.some((e: any) => e.code === 'duplicate_id')).toBe(true);
  });

  it('cancels a running job within a step and a queued job at once', async () => {
    const ws = new WsClient(t.url, 'canceller');
    await ws.opened;
    const long = await t.http.submit(delayGraph(60_000), { clientId: 'canceller' });
    const queued = await t.http.submit(delayGraph(60_000), { clientId: 'canceller' });
    expect(queued.body.position).toBe(0);
    await ws.waitFor((m) => m.type === 'node:progress' && m.jobId === long.body.jobId);

    const cq = await t.http.post(`/api/jobs/${queued.body.jobId}/cancel`);
    expect(cq.body).toEqual({ jobId: queued.body.jobId, state: 'cancelled', cancelled: true });
    await ws.waitState(queued.body.jobId, 'cancelled');

    const started = Date.now();
    const cr = await t.http.post(`/api/jobs/${long.body.jobId}/cancel`);
    expect(cr.body.cancelled).toBe(true);
    await ws.waitState(long.body.jobId, 'cancelled', 5000);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(ws.ofJob(long.body.jobId).map((m) => m.type)).toContain('job:cancelled');

    const again = await t.http.post(`/api/jobs/${long.body.jobId}/cancel`);
    expect(again.body).toEqual({ jobId: long.body.jobId, state: 'cancelled', cancelled: false });
    await ws.close();
  });

  it('runs queued jobs by priority, then in submission order; PATCH reorders', async () => {
    await t.http.post('/api/queue/pause');
    const ids: Record<string, string> = {};
    for (const [name, priority] of [
      ['low', -5],
      ['mid1', 0],
      ['mid2', 0],
      ['high', 10],
    ] as const) {
      const r = await t.http.submit(stepsGraph(1, 1, name), { priority });
      ids[name] = r.body.jobId;
    }
    const list = await t.http.get('/api/jobs?state=queued');
    expect(list.body.jobs.map((j: any) => j.id)).toEqual([ids.high, ids.mid1, ids.mid2, ids.low]);
    expect(list.body.jobs.map((j: any) => j.position)).toEqual([0, 1, 2, 3]);

    const patched = await t.http.req('PATCH', `/api/jobs/${ids.low}`, { priority: 100 });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ id: ids.low, priority: 100, position: 0 });

    await t.http.post('/api/queue/resume');
    await until(async () => (await t.http.get('/api/jobs?state=queued,running')).body.total === 0);
    const order = await Promise.all(
      Object.values(ids).map(async (id) => (await t.http.get(`/api/jobs/${id}`)).body),
    );
    const byStart = order.sort((a, b) => a.startedAt - b.startedAt).map((j) => j.id);
    expect(byStart).toEqual([ids.low, ids.high, ids.mid1, ids.mid2]);

    const late = await t.http.req('PATCH', `/api/jobs/${ids.low}`, { priority: 1 });
    expect(late.status).toBe(409);
    expect(late.body.error).toBe('conflict');
  });

  it('serves a job whose stored events another server version wrote (unknown type, extra fields)', async () => {
    const r = await t.http.submit(stepsGraph(1, 1, 'foreign-events'));
    const id = r.body.jobId;
    await until(async () => (await t.http.get(`/api/jobs/${id}`)).body.state === 'success');
    const seq = t.server.store.maxSeq(id) + 1;
    const future = { type: 'job:annotated', jobId: id, at: 1, seq, note: 'from a newer server' };
    t.server.store.appendEvent(id, seq, future.type, JSON.stringify(future));
    const res = await t.http.get(`/api/jobs/${id}`);
    expect(res.status).toBe(200);
    expect(res.body.events.at(-1)).toEqual(future);
  });

  it('deletes finished jobs from history only', async () => {
    const r = await t.http.submit(stepsGraph(1, 1, 'del'));
    await until(async () => (await t.http.get(`/api/jobs/${r.body.jobId}`)).body.state === 'success');
    const { outputs } = (await t.http.get(`/api/jobs/${r.body.jobId}`)).body;
    const del = await t.http.req('DELETE', `/api/jobs/${r.body.jobId}`);
    expect(del.status).toBe(204);
    expect((await t.http.get(`/api/jobs/${r.body.jobId}`)).status).toBe(404);
    expect((await fetch(`${t.url}${outputs[0].url}`)).status).toBe(404);
  });

  it('serves presets, the system summary and the OpenAPI document', async () => {
    const preset = {
      version: 1,
      meta: { title: 'Adder', description: 'adds' },
      nodes: { a: { type: 'core.int', inputs: { value: 1 } } },
    };
    const file = path.join(t.root, 'presets', 'adder.json');
    await import('node:fs').then((fs) => fs.writeFileSync(file, JSON.stringify(preset)));
    const list = await t.http.get('/api/presets');
    expect(list.body.presets).toEqual([{ name: 'adder', title: 'Adder', description: 'adds', nodeCount: 1 }]);
    const one = await t.http.get('/api/presets/adder');
    // Served migrated to the current format version.
    expect(one.body).toEqual({ ...JSON.parse(readFileSync(file, 'utf8')), version: GRAPH_VERSION });
    expect((await t.http.get('/api/presets/nothing')).status).toBe(404);

    const sys = await t.http.get('/api/system');
    expect(sys.body).toMatchObject({ protocol: 1, queue: { paused: false } });
    expect(sys.body.memory.rssBytes).toBeGreaterThan(0);
    expect(Array.isArray(sys.body.executionProviders)).toBe(true);

    const api = await t.http.get('/api/openapi.json');
    expect(api.body.openapi).toMatch(/^3\./);
    for (const p of [
      '/api/jobs',
      '/api/jobs/{id}',
      '/api/jobs/{id}/cancel',
      '/api/outputs/{name}',
      '/api/uploads',
      '/api/catalog',
      '/api/presets/{name}',
      '/api/system',
    ]) {
      expect(api.body.paths[p], p).toBeDefined();
    }
    expect(api.body.paths['/api/jobs'].post.requestBody).toBeDefined();
  });
});

describe('history for the gallery', () => {
  it('filters by title and by having files; DELETE /api/jobs clears what finished', async () => {
    const a = await t.http.submit(stepsGraph(1, 1, 'Sunset 50%_a'));
    const b = await t.http.submit(stepsGraph(1, 1, 'sunset b'));
    const c = await t.http.submit({
      version: 1,
      meta: { title: 'no files' },
      nodes: {
        n: { type: 'core.int', inputs: { value: 1 } },
        p: { type: 'core.preview', inputs: { value: ['n', 'value'] } },
      },
    });
    for (const r of [a, b, c])
      await until(async () => (await t.http.get(`/api/jobs/${r.body.jobId}`)).body.state === 'success');
    const ids = async (q: string) => (await t.http.get(`/api/jobs?${q}`)).body.jobs.map((j: any) => j.id);
    expect(await ids('title=SUNSET')).toEqual([b.body.jobId, a.body.jobId]); // newest first
    expect(await ids(`title=${encodeURIComponent('50%_')}`)).toEqual([a.body.jobId]); // LIKE wildcards are literal
    expect(await ids('title=50%25x')).toEqual([]);
    const withFiles = await ids('files=true');
    expect(withFiles).toContain(a.body.jobId);
    expect(withFiles).not.toContain(c.body.jobId);

    const running = await t.http.submit(delayGraph(60_000));
    await until(async () => (await t.http.get(`/api/jobs/${running.body.jobId}`)).body.state === 'running');
    const cleared = await t.http.req('DELETE', '/api/jobs');
    expect(cleared.status).toBe(200);
    expect(cleared.body.deleted).toBeGreaterThanOrEqual(3);
    expect(await ids('state=success,failed,cancelled')).toEqual([]);
    expect(await ids('')).toEqual([running.body.jobId]); // what is still running stays
    await t.http.req('POST', `/api/jobs/${running.body.jobId}/cancel`, {});
  }, 60_000);
});
