// biome-ignore-all lint/suspicious/noExplicitAny: response bodies in tests are arbitrary JSON
import { existsSync, readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, stepsGraph, type TestServer, until, WsClient } from './helpers';

const graphOf = (type: string, inputs: Record<string, unknown> = {}) => ({
  version: 1,
  nodes: { x: { type, inputs } },
});

async function finalState(t: TestServer, jobId: string) {
  return until(
    async () => {
      const d = (await t.http.get(`/api/jobs/${jobId}`)).body;
      return ['success', 'failed', 'cancelled'].includes(d.state) ? d : undefined;
    },
    30_000,
    `job ${jobId} to finish`,
  );
}

describe('a node that throws, hangs or crashes fails its job, never the server', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startServer({ abortGraceMs: 300 });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('a node that throws fails the job with the node and message', async () => {
    const r = await t.http.submit({
      version: 1,
      nodes: {
        x: { type: 'core.fail', inputs: { message: 'kaboom' } },
        p: { type: 'core.preview', inputs: { value: ['x', 'value'] } },
      },
    });
    expect(r.status).toBe(201);
    const job = await finalState(t, r.body.jobId);
    expect(job.state).toBe('failed');
    expect(job.error).toMatchObject({ code: 'node_failed', nodeId: 'x' });
    expect(job.error.message).toContain('kaboom');
    expect(job.nodes.x).toMatchObject({ state: 'failed', error: { message: 'kaboom' } });
    expect(job.nodes.p.state).toBe('skipped');
  });

  it('a node that ignores its abort is stopped after the job timeout; the next job runs', async () => {
    const hung = await t.http.submit(graphOf('testkit.hang'), { timeoutMs: 300 });
    const next = await t.http.submit(stepsGraph(1, 1, 'after-hang'));
    const job = await finalState(t, hung.body.jobId);
    expect(job.state).toBe('failed');
    expect(job.error.code).toBe('timeout');
    expect((await finalState(t, next.body.jobId)).state).toBe('success');
  });

  it('a node that blocks the event loop is killed; the server keeps answering meanwhile', async () => {
    const ws = new WsClient(t.url, 'busy');
    await ws.opened;
    const busy = await t.http.submit(graphOf('testkit.hang', { busy: true }), {
      timeoutMs: 500,
      clientId: 'busy',
    });
    await ws.waitState(busy.body.jobId, 'running');
    const t0 = performance.now();
    expect((await t.http.get('/api/health')).status).toBe(200);
    expect(performance.now() - t0).toBeLessThan(500);
    const done = await ws.waitState(busy.body.jobId, 'failed', 10_000);
    expect(done.error.code).toBe('timeout');
    const after = await t.http.submit(stepsGraph(1, 1, 'after-busy'));
    expect((await finalState(t, after.body.jobId)).state).toBe('success');
    await ws.close();
  });

  it('cancelling a node that ignores its abort still ends the job', async () => {
    const ws = new WsClient(t.url, 'hang-cancel');
    await ws.opened;
    const hung = await t.http.submit(graphOf('testkit.hang'), { clientId: 'hang-cancel' });
    await ws.waitFor((m) => m.type === 'node:started' && m.jobId === hung.body.jobId);
    await t.http.post(`/api/jobs/${hung.body.jobId}/cancel`);
    await ws.waitState(hung.body.jobId, 'cancelled', 10_000);
    await ws.close();
  });

  it('an uncaught exception from a stray timer ends only the node host; the job fails with the reason', async () => {
    const crash = await t.http.submit(graphOf('testkit.crash'));
    const job = await finalState(t, crash.body.jobId);
    expect(job.state).toBe('failed');
    expect(job.error.code).toBe('crashed');
    expect(job.error.message).toContain('stray timer exploded');
    const after = await t.http.submit(stepsGraph(1, 1, 'after-crash'));
    expect((await finalState(t, after.body.jobId)).state).toBe('success');
  });

  it('files reported outside the outputs folder (symlink, absolute, ..) are never published', async () => {
    const r = await t.http.submit(graphOf('testkit.escape', { outside: '/etc/hostname' }));
    const job = await finalState(t, r.body.jobId);
    expect(job.state).toBe('success');
    expect(job.outputs).toEqual([]);
    // The symlink exists in the outputs folder, but nothing serves it.
    expect(readdirSync(`${t.root}/outputs`).some((n) => n.startsWith('escape-'))).toBe(true);
    expect(existsSync(`${t.root}/x.txt`)).toBe(false);
  });
});

describe('each running job has its own node host', () => {
  it('a job that ignores cancellation is killed alone; the job beside it completes', {
    timeout: 120_000,
  }, async () => {
    const t = await startServer({ concurrency: 2, abortGraceMs: 300 });
    try {
      const ws = new WsClient(t.url, 'pair');
      await ws.opened;
      // 20 s: still running when the hung job, slow to start on a loaded box, is killed.
      const steady = (await t.http.submit(stepsGraph(200, 100, 'steady'), { clientId: 'pair' })).body.jobId;
      await ws.waitFor((m) => m.type === 'node:progress' && m.jobId === steady, 30_000, 'steady progress');
      // Blocks its event loop: it cannot even hear the abort, so only killing its process stops it.
      const hung = (await t.http.submit(graphOf('testkit.hang', { busy: true }), { clientId: 'pair' })).body
        .jobId;
      // Started on its own child (the event leaves before the loop blocks), beside the steady job.
      await ws.waitFor(
        (m) => m.type === 'node:started' && m.jobId === hung,
        60_000,
        'the hung node to start',
      );
      expect((await t.http.post(`/api/jobs/${hung}/cancel`)).status).toBeLessThan(300);
      await ws.waitState(hung, 'cancelled', 30_000);
      const done = await finalState(t, steady);
      expect(done.state, JSON.stringify(done.error)).toBe('success');
      expect(done.attempts).toBe(1);
      expect(done.nodes.s.step).toBe(200);
      // It was still running when its neighbour was killed.
      const killed = (await t.http.get(`/api/jobs/${hung}`)).body;
      expect(done.finishedAt).toBeGreaterThan(killed.finishedAt);
      await ws.close();
    } finally {
      await t.close();
    }
  });
});

describe('inline isolation', () => {
  it('abandons a hung async node after the timeout and runs the next job', async () => {
    const t = await startServer({ isolation: 'inline', abortGraceMs: 200 });
    try {
      const hung = await t.http.submit(graphOf('testkit.hang'), { timeoutMs: 200 });
      const next = await t.http.submit(stepsGraph(1, 1, 'inline-next'));
      expect((await finalState(t, hung.body.jobId)).error.code).toBe('timeout');
      expect((await finalState(t, next.body.jobId)).state).toBe('success');
    } finally {
      await t.close();
    }
  });
});
