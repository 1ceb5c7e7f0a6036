// biome-ignore-all lint/suspicious/noExplicitAny: response bodies in tests are arbitrary JSON
import { mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, stepsGraph, type TestServer, until, WsClient } from './helpers';
import {
  hasRedisServer,
  startRedis,
  startWorker,
  type TestRedis,
  type TestWorker,
  WORKER_SECRET,
} from './scale-out-helpers';

const haveRedis = hasRedisServer();
if (!haveRedis)
  console.warn('scale-out tests skipped: redis-server is not installed (apt-get install redis-server)');

describe.skipIf(!haveRedis)('scale-out: a front with --redis and separate worker processes', () => {
  let redis: TestRedis;
  let front: TestServer;
  let scratch: string;
  const workers: TestWorker[] = [];

  beforeAll(async () => {
    scratch = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'rg-workers-')));
    redis = await startRedis();
    front = await startServer({
      redis: redis.url,
      workerSecret: WORKER_SECRET,
      previewIntervalMs: 0,
      progressIntervalMs: 0,
    });
  }, 120_000);

  afterAll(async () => {
    for (const w of workers) await w.stop();
    await front?.close();
    await redis?.stop();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  }, 60_000);

  /** Until the front lists the worker (it reads the workers' heartbeats every second). */
  const listed = (name: string) =>
    until(
      async () => (await front.http.get('/api/workers')).body.workers.find((w: any) => w.name === name),
      30_000,
      `worker ${name} on GET /api/workers`,
    );

  it('refuses a job while no worker runs, naming why', async () => {
    const res = await front.http.submit(stepsGraph(1, 0, 'nobody'));
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ error: 'no_worker', missing: ['testkit.steps'] });
    expect(res.body.message).toMatch(/no worker is running/);
    expect((await front.http.get('/api/jobs')).body.jobs).toHaveLength(0);
  });

  it('runs a job on a worker process; its events, previews and output file arrive at the front', async () => {
    workers.push(await startWorker(redis.url, 'w1', scratch));
    const w1 = await listed('w1');
    expect(w1).toMatchObject({ concurrency: 1, running: [], load: 0 });
    expect(w1.nodeTypes).toContain('testkit.steps');
    expect(w1.packs.map((p: any) => p.name)).toContain('testkit');
    const ws = new WsClient(front.url, 'tab-1');
    await ws.opened;
    const res = await front.http.submit(stepsGraph(3, 30, 'remote'), { clientId: 'tab-1' });
    expect(res.status).toBe(201);
    const { jobId } = res.body;
    const final = await ws.waitState(jobId, 'success', 60_000);
    const events = ws.ofJob(jobId);
    const types = events.map((e) => (e.type === 'job:state' ? `state:${e.state}` : e.type));
    expect(types[0]).toBe('job:queued');
    expect(types[1]).toBe('state:running');
    expect(types.filter((x) => x === 'node:progress')).toHaveLength(3);
    expect(types.slice(-2)).toEqual(['job:finished', 'state:success']);
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    await until(() => ws.previews.filter((p) => p.jobId === jobId).length === 3, 10_000, 'previews');
    expect(ws.previews.filter((p) => p.jobId === jobId).map((p) => p.step)).toEqual([1, 2, 3]);

    const file = final.outputs.find((o: any) => o.kind === 'file');
    expect(file).toMatchObject({ mime: 'text/plain', name: `remote-${jobId}.txt` });
    const got = await fetch(`${front.url}${file.url}`);
    expect(got.status).toBe(200);
    expect(await got.text()).toBe('done remote 3\n');
    // The file lives in the front's outputs folder; the worker's scratch copy is gone.
    expect(readFileSync(path.join(front.root, 'outputs', `remote-${jobId}.txt`), 'utf8')).toBe(
      'done remote 3\n',
    );
    const detail = await front.http.get(`/api/jobs/${jobId}`);
    expect(detail.body).toMatchObject({ state: 'success', attempts: 1, outputCount: 2 });
    ws.close();
  }, 120_000);

  it('cancel reaches the worker running the job', async () => {
    const ws = new WsClient(front.url, 'tab-2');
    await ws.opened;
    const { jobId } = (await front.http.submit(stepsGraph(600, 100, 'long'), { clientId: 'tab-2' })).body;
    await ws.waitFor((m) => m.jobId === jobId && m.type === 'node:progress', 60_000, 'the job to run');
    const res = await front.http.post(`/api/jobs/${jobId}/cancel`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ state: 'running', cancelled: true });
    const final = await ws.waitState(jobId, 'cancelled', 30_000);
    expect(final.state).toBe('cancelled');
    const progress = ws.ofJob(jobId).filter((e) => e.type === 'node:progress');
    expect(progress.length).toBeLessThan(600);
    ws.close();
  }, 120_000);

  it('cancels a queued job in Redis before any worker takes it', async () => {
    await front.http.post('/api/queue/pause');
    const { jobId } = (await front.http.submit(stepsGraph(1, 0, 'never'))).body;
    const res = await front.http.post(`/api/jobs/${jobId}/cancel`);
    expect(res.body).toMatchObject({ state: 'cancelled', cancelled: true });
    await front.http.post('/api/queue/resume');
    // A job submitted after it runs, so the worker had its chance at the cancelled one.
    const after = (await front.http.submit(stepsGraph(1, 0, 'after'))).body.jobId;
    await until(
      async () => (await front.http.get(`/api/jobs/${after}`)).body.state === 'success',
      60_000,
      'next job',
    );
    expect((await front.http.get(`/api/jobs/${jobId}`)).body).toMatchObject({
      state: 'cancelled',
      attempts: 0,
    });
  }, 120_000);

  it('runs queued jobs by priority, then in submission order', async () => {
    await front.http.post('/api/queue/pause');
    const ids: Record<string, string> = {};
    for (const [tag, priority] of [
      ['low', -5],
      ['first', 0],
      ['second', 0],
      ['high', 7],
    ] as const) {
      ids[tag] = (await front.http.submit(stepsGraph(1, 0, tag), { priority })).body.jobId;
    }
    await front.http.post('/api/queue/resume');
    const done = async () => {
      const all = await Promise.all(Object.values(ids).map((id) => front.http.get(`/api/jobs/${id}`)));
      return all.every((r) => r.body.state === 'success') && all.map((r) => r.body);
    };
    const jobs = (await until(done, 60_000, 'the four jobs')) as any[];
    const order = [...jobs].sort((a, b) => a.startedAt - b.startedAt).map((j) => j.title);
    expect(order).toEqual(['steps high', 'steps first', 'steps second', 'steps low']);
  }, 120_000);

  it('enforces the job time limit on the worker', async () => {
    const ws = new WsClient(front.url, 'tab-4');
    await ws.opened;
    const { jobId } = (
      await front.http.submit(stepsGraph(600, 100, 'slow'), { clientId: 'tab-4', timeoutMs: 1500 })
    ).body;
    const final = await ws.waitState(jobId, 'failed', 60_000);
    expect(final.error).toMatchObject({ code: 'timeout', nodeId: 's', nodeType: 'testkit.steps' });
    expect(final.error.message).toMatch(/time limit of 1500 ms/);
    ws.close();
  }, 120_000);

  it('a worker killed with SIGKILL mid-job: another worker picks the job up and completes it', async () => {
    for (const w of workers.splice(0)) await w.stop();
    const doomed = await startWorker(redis.url, 'doomed', scratch);
    await listed('doomed');
    const ws = new WsClient(front.url, 'tab-3');
    await ws.opened;
    const { jobId } = (await front.http.submit(stepsGraph(20, 100, 'again'), { clientId: 'tab-3' })).body;
    await ws.waitFor((m) => m.jobId === jobId && m.type === 'node:progress', 60_000, 'the job to run');
    const gone = new Promise((r) => doomed.child.once('exit', r));
    doomed.child.kill('SIGKILL');
    await gone;
    workers.push(await startWorker(redis.url, 'rescuer', scratch));
    const final = await ws.waitState(jobId, 'success', 90_000);
    expect(final.attempts).toBe(2);
    const states = ws
      .ofJob(jobId)
      .filter((e) => e.type === 'job:state')
      .map((e) => e.state);
    expect(states).toEqual(['running', 'running', 'success']);
    const file = final.outputs.find((o: any) => o.kind === 'file');
    expect(await (await fetch(`${front.url}${file.url}`)).text()).toBe('done again 20\n');
    ws.close();
  }, 180_000);

  it('a job that loses its worker more often than --max-stalls allows fails with the reason', async () => {
    for (const w of workers.splice(0)) await w.stop();
    const doomed = await startWorker(redis.url, 'doomed-2', scratch, ['--max-stalls', '0']);
    await listed('doomed-2');
    const ws = new WsClient(front.url, 'tab-5');
    await ws.opened;
    const { jobId } = (await front.http.submit(stepsGraph(50, 100, 'lost'), { clientId: 'tab-5' })).body;
    await ws.waitFor((m) => m.jobId === jobId && m.type === 'node:progress', 60_000, 'the job to run');
    const gone = new Promise((r) => doomed.child.once('exit', r));
    doomed.child.kill('SIGKILL');
    await gone;
    workers.push(await startWorker(redis.url, 'witness', scratch, ['--max-stalls', '0']));
    const final = await ws.waitState(jobId, 'failed', 90_000);
    expect(final.error.code).toBe('interrupted');
    expect(final.error.message).toMatch(/worker was lost/);
    expect(final.attempts).toBe(1);
    ws.close();
  }, 180_000);

  it('refuses output uploads without the worker secret', async () => {
    const res = await fetch(`${front.url}/api/worker/outputs/x?path=a.txt`, {
      method: 'PUT',
      headers: {
        'content-type': 'application/octet-stream',
        'x-reelgraph-worker': 'wrong-secret-wrong-secret',
      },
      body: 'hello',
    });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: 'unauthorized' });
  });
});

describe.skipIf(!haveRedis)('scale-out: Redis restarted (appendonly on)', () => {
  let redis: TestRedis;
  let front: TestServer;
  let scratch: string;
  let worker: TestWorker | undefined;

  beforeAll(async () => {
    scratch = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'rg-workers-')));
    redis = await startRedis({ appendonly: true });
    front = await startServer({ redis: redis.url, workerSecret: WORKER_SECRET });
    worker = await startWorker(redis.url, 'steady', scratch);
  }, 120_000);

  afterAll(async () => {
    await worker?.stop();
    await front?.close();
    await redis?.stop();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  }, 60_000);

  it('a job queued before the restart runs after it', async () => {
    await until(
      async () => (await front.http.get('/api/workers')).body.workers.length === 1,
      30_000,
      'the worker on GET /api/workers',
    );
    await front.http.post('/api/queue/pause');
    const { jobId } = (await front.http.submit(stepsGraph(2, 10, 'survivor'))).body;
    await redis.restart();
    await front.http.post('/api/queue/resume');
    await until(
      async () => (await front.http.get(`/api/jobs/${jobId}`)).body.state === 'success',
      90_000,
      'the job to run after the restart',
    );
  }, 180_000);

  it('a job running during the restart completes', async () => {
    const ws = new WsClient(front.url, 'tab-r');
    await ws.opened;
    const { jobId } = (await front.http.submit(stepsGraph(20, 100, 'through'), { clientId: 'tab-r' })).body;
    await ws.waitFor((m) => m.jobId === jobId && m.type === 'node:progress', 60_000, 'the job to run');
    await redis.restart();
    const final = await ws.waitFor(
      (m) => m.type === 'job:state' && m.jobId === jobId && ['success', 'failed'].includes(m.state),
      120_000,
      'the job to end',
    );
    expect(final.state, JSON.stringify(final.error)).toBe('success');
    const seqs = ws.ofJob(jobId).map((e) => e.seq);
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    ws.close();
  }, 180_000);
});
