// biome-ignore-all lint/suspicious/noExplicitAny: response bodies in tests are arbitrary JSON
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  FIXTURE_PACKS,
  Http,
  REPO,
  startServer,
  stepsGraph,
  type TestServer,
  until,
  WsClient,
} from './helpers';
import {
  hasRedisServer,
  startFront,
  startRedis,
  startWorker,
  type TestFront,
  type TestRedis,
  type TestWorker,
  WORKER_SECRET,
} from './scale-out-helpers';

const haveRedis = hasRedisServer();
if (!haveRedis)
  console.warn('scale-out tests skipped: redis-server is not installed (apt-get install redis-server)');
const hasModel = existsSync(path.join(REPO, 'models', 'tiny', 'model.json'));

/** A front with the repo's packs (so it knows the video nodes) and presets. */
const front = (redis: TestRedis) =>
  startServer({
    redis: redis.url,
    workerSecret: WORKER_SECRET,
    nodesDirs: [path.join(REPO, 'nodes'), FIXTURE_PACKS],
    modelsDirs: [path.join(REPO, 'models')],
    presetsDir: path.join(REPO, 'graphs'),
    previewIntervalMs: 0,
  });

/** Until the front lists the worker (it reads the workers' heartbeats every second). */
const listed = (f: TestServer, name: string) =>
  until(
    async () => (await f.http.get('/api/workers')).body.workers.some((w: any) => w.name === name),
    30_000,
    `worker ${name} on GET /api/workers`,
  );

/** The job's stored events on a front, as `seq type` lines (what a reconnecting client replays). */
async function storedEvents(f: TestServer, jobId: string): Promise<string[]> {
  const detail = (await f.http.get(`/api/jobs/${jobId}`)).body;
  return detail.events.map((e: any) => `${e.seq} ${e.type === 'job:state' ? `state:${e.state}` : e.type}`);
}

describe.skipIf(!haveRedis)('scale-out: two fronts and three workers', () => {
  let redis: TestRedis;
  let a: TestServer;
  let b: TestServer;
  let scratch: string;
  const workers: TestWorker[] = [];

  beforeAll(async () => {
    scratch = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'rg-workers-')));
    redis = await startRedis();
    [a, b] = await Promise.all([front(redis), front(redis)]);
    workers.push(...(await Promise.all(['w1', 'w2', 'w3'].map((n) => startWorker(redis.url, n, scratch)))));
    await until(
      async () => (await a.http.get('/api/workers')).body.workers.length === 3,
      30_000,
      'three workers on GET /api/workers',
    );
  }, 180_000);

  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    await a?.close();
    await b?.close();
    await redis?.stop();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  }, 60_000);

  it('a client on front A gets the events, previews and output of a job submitted on front B', async () => {
    const ws = new WsClient(a.url, 'watcher');
    await ws.opened;
    const { jobId } = (await b.http.submit(stepsGraph(3, 30, 'across'))).body;
    // At once, no waiting: once B has answered, A knows the job (it reads the log on a miss).
    ws.send({ type: 'subscribe', jobIds: [jobId], afterSeq: { [jobId]: 0 } });
    const answer = await ws.waitFor(
      (m) => m.type === 'subscribed' || m.type === 'error',
      10_000,
      'subscribed',
    );
    expect(answer).toMatchObject({ type: 'subscribed', jobIds: [jobId] });
    const final = await ws.waitState(jobId, 'success', 60_000);
    const seqs = ws
      .ofJob(jobId)
      .filter((e) => e.type !== 'job:snapshot')
      .map((e) => e.seq);
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    // Both fronts hold the same events under the same seqs, and the same output under the same URL.
    const onA = await storedEvents(a, jobId);
    expect(onA).toEqual(await storedEvents(b, jobId));
    expect(onA[0]).toBe('1 job:queued');
    expect(onA.at(-1)).toMatch(/state:success$/);
    const file = final.outputs.find((o: any) => o.kind === 'file');
    for (const f of [a, b]) {
      const got = await fetch(`${f.url}${file.url}`);
      expect(got.status).toBe(200);
      expect(await got.text()).toBe('done across 3\n');
    }
    const listed = (await a.http.get('/api/jobs')).body.jobs.map((j: any) => j.id);
    expect(listed).toContain(jobId);
    ws.close();
  }, 120_000);

  it('a job submitted on B is known on A the moment B answers; a cancel racing a start numbers alike', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) {
      const [on, other] = i % 2 ? [a, b] : [b, a];
      const { jobId } = (await on.http.submit(stepsGraph(4, 100, `race${i}`))).body;
      // Straight to the other front: it must know the job, and its cancel races the worker's start.
      expect((await other.http.get(`/api/jobs/${jobId}?events=false`)).status).toBe(200);
      if (i % 3 === 1) await new Promise((r) => setTimeout(r, 5 * i));
      const c = await other.http.post(`/api/jobs/${jobId}/cancel`);
      expect(c.body).toMatchObject({ jobId, cancelled: true });
      ids.push(jobId);
    }
    for (const id of ids) {
      // Cancelled, as a rule; a job that finished before the cancel reached its worker keeps its end.
      const ends = await Promise.all(
        [a, b].map((f) =>
          until(
            async () => {
              const s = (await f.http.get(`/api/jobs/${id}?events=false`)).body.state;
              return ['success', 'failed', 'cancelled'].includes(s) && s;
            },
            60_000,
            id,
          ),
        ),
      );
      expect(ends[0]).toBe(ends[1]);
      const onA = await storedEvents(a, id);
      expect(onA).toEqual(await storedEvents(b, id));
      expect(onA.at(-1)).toBe(`${onA.at(-1)?.split(' ')[0]} state:${ends[0]}`);
    }
  }, 180_000);

  it('runs 60 mixed jobs submitted on both fronts; every event and output reaches both', async () => {
    const clients = [new WsClient(a.url, 'mix-a'), new WsClient(b.url, 'mix-b')];
    await Promise.all(clients.map((c) => c.opened));
    const preset = hasModel ? (await a.http.get('/api/presets/text-to-video')).body : undefined;
    const jobs: { id: string; on: number; video: boolean }[] = [];
    for (let i = 0; i < 60; i++) {
      const on = i % 2;
      const f = on === 0 ? a : b;
      const video = preset !== undefined && i % 20 === 7;
      const graph = video ? preset : stepsGraph(2 + (i % 4), 5, `mix${i}`);
      const res = await f.http.submit(graph, { clientId: on === 0 ? 'mix-a' : 'mix-b' });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      jobs.push({ id: res.body.jobId, on, video });
    }
    for (const j of jobs) {
      const final = await clients[j.on]!.waitFor(
        (m) => m.type === 'job:state' && m.jobId === j.id && ['success', 'failed'].includes(m.state),
        300_000,
        `job ${j.id}`,
      );
      expect(final.state, JSON.stringify(final.error)).toBe('success');
      const seqs = clients[j.on]!.ofJob(j.id).map((e) => e.seq);
      expect(seqs).toEqual(seqs.map((_, i) => i + 1));
      const other = j.on === 0 ? b : a;
      expect(await storedEvents(other, j.id)).toEqual(await storedEvents(j.on === 0 ? a : b, j.id));
      const file = final.outputs.find((o: any) => o.kind === 'file');
      expect(file, `job ${j.id} has a file output`).toBeDefined();
      const got = await fetch(`${other.url}${file.url}`, { method: 'HEAD' });
      expect(got.status).toBe(200);
      if (j.video) expect(got.headers.get('content-type')).toBe('video/mp4');
    }
    for (const c of clients) c.close();
  }, 600_000);

  it('jobs go only to workers with their pack versions: the odd worker never takes one, the right one runs them', async () => {
    await Promise.all(workers.splice(0).map((w) => w.stop()));
    // testkit at another version: the same code, a different manifest.
    const packs = path.join(scratch, 'other-packs');
    const kit = path.join(FIXTURE_PACKS, 'testkit');
    mkdirSync(path.join(packs, 'testkit'), { recursive: true });
    const manifest = JSON.parse(readFileSync(path.join(kit, 'reelgraph.pack.json'), 'utf8'));
    writeFileSync(
      path.join(packs, 'testkit', 'reelgraph.pack.json'),
      JSON.stringify({ ...manifest, version: '9.9.9' }),
    );
    symlinkSync(path.join(kit, 'src'), path.join(packs, 'testkit', 'src'));
    const odd = await startWorker(redis.url, 'odd', scratch, [], packs);
    workers.push(odd);
    await listed(a, 'odd');
    const refused = await a.http.submit(stepsGraph(1, 0, 'odd'));
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({ error: 'no_worker', missingPacks: [`testkit@${manifest.version}`] });
    expect(refused.body.message).toMatch(/pack version/);

    // With a worker that has the right version too, jobs go through, all of them to that worker.
    workers.push(await startWorker(redis.url, 'right', scratch));
    // Each front reads the heartbeats on its own: the jobs go to b, so b must know the worker too.
    await Promise.all([listed(a, 'right'), listed(b, 'right')]);
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) {
      const r = await b.http.submit(stepsGraph(1, 0, `pick${i}`));
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      ids.push(r.body.jobId);
    }
    for (const id of ids) {
      const job = await until(
        async () => {
          const j = (await a.http.get(`/api/jobs/${id}`)).body;
          return ['success', 'failed'].includes(j.state) && j;
        },
        120_000,
        `job ${id}`,
      );
      expect(job, JSON.stringify(job.error)).toMatchObject({ state: 'success', attempts: 1 });
    }
    // Routed by capability: the odd worker, idle all along, never took (and refused) one of them.
    expect(odd.output().match(/refused, this worker lacks/g) ?? []).toHaveLength(0);
  }, 240_000);
});

describe.skipIf(!haveRedis)('scale-out: a front killed with SIGKILL', () => {
  let redis: TestRedis;
  let a: TestServer;
  let doomed: TestFront;
  let scratch: string;
  let worker: TestWorker | undefined;

  beforeAll(async () => {
    scratch = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'rg-workers-')));
    redis = await startRedis();
    [a, doomed, worker] = await Promise.all([
      front(redis),
      startFront(redis.url, path.join(scratch, 'doomed-front')),
      startWorker(redis.url, 'steady', scratch),
    ]);
  }, 180_000);

  afterAll(async () => {
    doomed?.child.kill('SIGKILL');
    await worker?.stop();
    await a?.close();
    await redis?.stop();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  }, 60_000);

  it('its client reconnects to another front and replays the events it missed by sequence', async () => {
    const http = new Http(doomed.url);
    await http.session();
    const ws = new WsClient(doomed.url, 'tab');
    await ws.opened;
    await until(
      async () => (await http.get('/api/workers')).body.workers.length === 1,
      30_000,
      'the worker on GET /api/workers',
    );
    const { jobId } = (await http.submit(stepsGraph(30, 100, 'survive'), { clientId: 'tab' })).body;
    await ws.waitFor(
      (m) => m.jobId === jobId && m.type === 'node:progress' && m.step >= 3,
      60_000,
      'progress',
    );
    const gone = new Promise((r) => doomed.child.once('exit', r));
    doomed.child.kill('SIGKILL');
    await gone;
    const seen = ws.ofJob(jobId).filter((e) => e.type !== 'job:snapshot');
    const again = new WsClient(a.url, 'tab');
    await again.opened;
    again.send({ type: 'subscribe', jobIds: [jobId], afterSeq: { [jobId]: seen.at(-1)!.seq } });
    const final = await again.waitState(jobId, 'success', 120_000);
    const replayed = again.ofJob(jobId).filter((e) => e.type !== 'job:snapshot');
    // The socket's client id resumes the job live at once; the replay then fills in what it missed.
    const seqs = [...seen, ...replayed].map((e) => e.seq!).sort((x, y) => x - y);
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    const file = final.outputs.find((o: any) => o.kind === 'file');
    expect(await (await fetch(`${a.url}${file.url}`)).text()).toBe('done survive 30\n');
    again.close();
  }, 240_000);

  it('once up again, it serves the outputs workers uploaded while it was down (fetched from another front)', async () => {
    if (doomed.child.exitCode === null && doomed.child.signalCode === null) {
      const gone = new Promise((r) => doomed.child.once('exit', r));
      doomed.child.kill('SIGKILL');
      await gone;
    }
    // Its announcement runs out (3 s): the worker uploads to front A alone.
    await new Promise((r) => setTimeout(r, 4000));
    const sent = await a.http.submit(stepsGraph(2, 10, 'while-down'));
    expect(sent.status, JSON.stringify(sent.body)).toBe(201);
    const { jobId } = sent.body;
    const done = await until(
      async () => {
        const j = (await a.http.get(`/api/jobs/${jobId}`)).body;
        return ['success', 'failed', 'cancelled'].includes(j.state) && j;
      },
      60_000,
      'the job on A',
    );
    expect(done.state, JSON.stringify(done.error)).toBe('success');
    const file = done.outputs.find((o: any) => o.kind === 'file');
    doomed = await startFront(redis.url, path.join(scratch, 'doomed-front'));
    const back = new Http(doomed.url);
    await back.session();
    // It catches up from its place in the job log, fetching the file it missed from front A.
    const there = await until(
      async () => {
        const j = (await back.get(`/api/jobs/${jobId}`)).body;
        return j.state === 'success' && j;
      },
      60_000,
      'the job on the restarted front',
    );
    expect(there.outputs.map((o: any) => o.url)).toEqual(done.outputs.map((o: any) => o.url));
    const got = await fetch(`${doomed.url}${file.url}`);
    expect(got.status).toBe(200);
    expect(await got.text()).toBe('done while-down 2\n');
  }, 180_000);
});
