// biome-ignore-all lint/suspicious/noExplicitAny: response bodies in tests are arbitrary JSON
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/index';
import { Store } from '../src/store/store';
import { CORE_PACKS, delayGraph, FIXTURE_PACKS, Http, REPO, stepsGraph, until } from './helpers';

/*
 * Two real servers start one after the other in each test, on a machine that may be busy: every wait
 * is bounded by a generous deadline rather than a tight one, and polls are spaced (one request per
 * POLL_MS) so that the test does not itself starve the servers it waits on. What is asserted does not
 * depend on speed: progress is awaited, never assumed.
 */
const DEADLINE_MS = 120_000;
const TEST_TIMEOUT_MS = 5 * DEADLINE_MS;
const POLL_MS = 150;

const root = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'rg-crash-test-')));
const procs: ChildProcess[] = [];
afterAll(() => {
  for (const p of procs) if (p.exitCode === null) p.kill('SIGKILL');
  rmSync(root, { recursive: true, force: true });
});

/** The real CLI in its own process: `reelgraph serve` on a free port. */
async function spawnServer(dataDir: string): Promise<{ proc: ChildProcess; url: string; http: Http }> {
  const proc = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      path.join(REPO, 'server/src/cli.ts'),
      'serve',
      '--port',
      '0',
      '--data',
      dataDir,
      '--outputs',
      path.join(root, 'outputs'),
      '--nodes',
      CORE_PACKS,
      '--nodes',
      FIXTURE_PACKS,
      '--presets',
      path.join(root, 'presets'),
    ],
    { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  procs.push(proc);
  let out = '';
  proc.stderr!.on('data', (c) => {
    out += c;
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${out}`)), DEADLINE_MS);
    proc.stdout!.on('data', (c) => {
      out += c;
      const m = /running at (http:\/\/[\d.:]+)\//.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    proc.on('exit', (code) => reject(new Error(`server exited (${code}): ${out}`)));
  });
  const http = new Http(url);
  await http.session();
  return { proc, url, http };
}

function childrenOf(pid: number): number[] {
  try {
    return execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

/** Running, and not a zombie nobody has reaped yet (a container's init may be slow to reap). */
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0] !== 'Z';
  } catch {
    return false;
  }
};

/** The summaries of these jobs, in one request (the list holds every state). */
async function jobsById(http: Http, ids: string[]): Promise<any[]> {
  const { jobs } = (await http.get('/api/jobs?limit=100')).body;
  return ids.map((id) => jobs.find((j: any) => j.id === id) ?? { id, state: 'missing' });
}

describe('kill -9 mid-job loses no accepted job', () => {
  it('re-queues the interrupted job and runs every queued one after a restart', {
    timeout: TEST_TIMEOUT_MS,
  }, async () => {
    const dataDir = path.join(root, 'data');
    const a = await spawnServer(dataDir);
    const long = (await a.http.submit(stepsGraph(60, 100, 'long'))).body.jobId as string;
    const queued: string[] = [];
    for (let i = 0; i < 5; i++)
      queued.push((await a.http.submit(delayGraph(50), { priority: i % 2 })).body.jobId);
    const urgent = (await a.http.submit(stepsGraph(2, 10, 'urgent'), { priority: 5 })).body.jobId as string;

    await until(
      async () => (await a.http.get(`/api/jobs/${long}`)).body.nodes?.s?.step >= 3,
      DEADLINE_MS,
      'the long job to make progress',
      POLL_MS,
    );
    const hosts = childrenOf(a.proc.pid!);
    expect(hosts.length).toBeGreaterThan(0);
    a.proc.kill('SIGKILL');
    await new Promise((r) => a.proc.once('exit', r));
    // The node host notices its parent is gone and exits: no orphan keeps running the job.
    await until(() => hosts.every((pid) => !alive(pid)), DEADLINE_MS, 'the node host to exit', POLL_MS);

    const b = await spawnServer(dataDir);
    const all = [long, urgent, ...queued];
    const jobs = await until(
      async () => {
        const js = await jobsById(b.http, all);
        return js.every((j) => j.state === 'success') ? js : undefined;
      },
      DEADLINE_MS,
      'every job to succeed after the restart',
      POLL_MS,
    );
    const byId = Object.fromEntries(jobs.map((j: any) => [j.id, j]));
    expect(byId[long].attempts).toBe(2);
    for (const id of [urgent, ...queued]) expect(byId[id].attempts).toBe(1);
    // After the restart: by priority, and the interrupted job keeps its place among equals (it was
    // submitted first, so it leads the priority-0 jobs).
    const order = jobs.sort((x: any, y: any) => x.startedAt - y.startedAt).map((j: any) => j.id);
    expect(order).toEqual([urgent, queued[1], queued[3], long, queued[0], queued[2], queued[4]]);
    // Its history shows the interruption and the fresh run.
    const events = (await b.http.get(`/api/jobs/${long}`)).body.events.map((e: any) =>
      e.type === 'job:state' ? `state:${e.state}` : e.type,
    );
    expect(events.filter((e: string) => e === 'state:running')).toHaveLength(2);
    expect(events.filter((e: string) => e === 'state:queued')).toHaveLength(1);
    expect(events.at(-1)).toBe('state:success');
    b.proc.kill('SIGTERM');
    await new Promise((r) => b.proc.once('exit', r));
  });

  it('a clean stop (SIGTERM) puts the running job back without counting the attempt', {
    timeout: TEST_TIMEOUT_MS,
  }, async () => {
    const dataDir = path.join(root, 'data-term');
    const a = await spawnServer(dataDir);
    const long = (await a.http.submit(stepsGraph(30, 100, 'term'))).body.jobId as string;
    await until(
      async () => (await a.http.get(`/api/jobs/${long}`)).body.nodes?.s?.step >= 2,
      DEADLINE_MS,
      'progress',
      POLL_MS,
    );
    a.proc.kill('SIGTERM');
    const code = await new Promise((r) => a.proc.once('exit', r));
    expect(code).toBe(0);
    const b = await spawnServer(dataDir);
    const job = await until(
      async () => {
        const d = (await b.http.get(`/api/jobs/${long}`)).body;
        return d.state === 'success' ? d : undefined;
      },
      DEADLINE_MS,
      'the job to succeed after the restart',
      POLL_MS,
    );
    expect(job.attempts).toBe(1);
    b.proc.kill('SIGTERM');
    await new Promise((r) => b.proc.once('exit', r));
  });

  it('fails a job with a reason once it has been interrupted maxAttempts times', {
    timeout: DEADLINE_MS,
  }, async () => {
    const dataDir = realpathSync(mkdtempSync(path.join(root, 'attempts-')));
    const store = new Store(dataDir);
    const id = '11111111-1111-4111-8111-111111111111';
    store.insertJob({
      id,
      priority: 0,
      clientId: null,
      title: null,
      nodeCount: 1,
      graph: JSON.stringify(stepsGraph(1, 1)),
      targets: null,
      timeoutMs: null,
      createdAt: Date.now(),
    });
    for (let i = 0; i < 3; i++) {
      store.markRunning(id, Date.now());
      if (i < 2) store.requeue(id);
    }
    store.close();
    const app = await buildApp({
      port: 0,
      dataDir,
      outputsDir: path.join(dataDir, 'out'),
      nodesDirs: [CORE_PACKS, FIXTURE_PACKS],
      uiDir: false,
      isolation: 'inline',
      maxAttempts: 3,
    });
    try {
      const job = app.store.getJob(id)!;
      expect(job.state).toBe('failed');
      expect(job.error).toMatchObject({ code: 'interrupted' });
      expect(job.error!.message).toMatch(/3 time/);
    } finally {
      await app.close();
    }
  });
});
