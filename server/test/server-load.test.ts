// biome-ignore-all lint/suspicious/noExplicitAny: response bodies in tests are arbitrary JSON
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, stepsGraph, type TestServer, until, WsClient } from './helpers';

const CLIENTS = 50;
const JOBS = 200;

let t: TestServer;
beforeAll(async () => {
  t = await startServer({ submitRateLimit: 10_000, previewIntervalMs: 0, progressIntervalMs: 0 });
});
afterAll(async () => {
  await t?.close();
});

describe('load: 50 WebSocket clients, 200 queued jobs', () => {
  it('delivers every event of every job to each of its subscribers, and nothing to anyone else', async () => {
    const clients = Array.from({ length: CLIENTS }, (_, i) => new WsClient(t.url, `load-${i}`));
    await Promise.all(clients.map((c) => c.opened));
    await t.http.post('/api/queue/pause');

    // Each job is submitted by one client and watched by two others.
    const jobs: { id: string; owner: number; watchers: number[] }[] = [];
    for (let j = 0; j < JOBS; j++) {
      const owner = j % CLIENTS;
      const r = await t.http.submit(stepsGraph(3, 0, `load${j}`), { clientId: `load-${owner}` });
      expect(r.status).toBe(201);
      jobs.push({ id: r.body.jobId, owner, watchers: [(owner + 7) % CLIENTS, (owner + 19) % CLIENTS] });
    }
    const watching = new Map<number, string[]>();
    for (const job of jobs)
      for (const w of job.watchers) watching.set(w, [...(watching.get(w) ?? []), job.id]);
    for (const [w, ids] of watching) clients[w]!.send({ type: 'subscribe', jobIds: ids });
    await Promise.all([...watching.keys()].map((w) => clients[w]!.waitFor((m) => m.type === 'subscribed')));
    await Promise.all(
      [...watching].map(([w, ids]) =>
        until(
          () => clients[w]!.messages.filter((m) => m.type === 'job:snapshot').length === ids.length,
          10_000,
          'snapshots',
        ),
      ),
    );

    const t0 = Date.now();
    await t.http.post('/api/queue/resume');
    await until(
      async () => (await t.http.get('/api/queue')).body.queued === 0 && t.server.scheduler.activeCount === 0,
      120_000,
      'queue to drain',
    );
    const elapsed = Date.now() - t0;

    // Every subscriber has every event of its jobs: the owner from seq 1, watchers from their snapshot on.
    const finalSeq = new Map<string, number>();
    for (const job of jobs)
      finalSeq.set(job.id, (await t.http.get(`/api/jobs/${job.id}?events=false&graph=false`)).body.seq);
    await Promise.all(
      jobs.flatMap((job) =>
        [job.owner, ...job.watchers].map((c) => clients[c]!.waitState(job.id, 'success', 20_000)),
      ),
    );
    const problems: string[] = [];
    for (const job of jobs) {
      const last = finalSeq.get(job.id)!;
      for (const c of [job.owner, ...job.watchers]) {
        const got = clients[c]!.ofJob(job.id);
        const snap = got.find((m) => m.type === 'job:snapshot');
        const from = snap ? snap.seq! + 1 : 1;
        const seqs = got.filter((m) => m.type !== 'job:snapshot').map((m) => m.seq!);
        const expected = Array.from({ length: last - from + 1 }, (_, k) => from + k);
        if (JSON.stringify(seqs) !== JSON.stringify(expected))
          problems.push(`client ${c} job ${job.id}: ${seqs.join(',')} ≠ ${from}..${last}`);
        const previews = clients[c]!.previews.filter((p) => p.jobId === job.id);
        if (previews.length !== 3) problems.push(`client ${c} job ${job.id}: ${previews.length} previews`);
      }
    }
    expect(problems.slice(0, 10)).toEqual([]);

    // Strangers heard nothing.
    for (const [i, c] of clients.entries()) {
      const allowed = new Set(jobs.filter((j) => j.owner === i || j.watchers.includes(i)).map((j) => j.id));
      const foreign = c.messages.filter((m) => m.jobId && !allowed.has(m.jobId));
      expect(foreign).toEqual([]);
      expect(c.previews.filter((p) => !allowed.has(p.jobId))).toEqual([]);
    }

    // Nothing is left behind: no subscriptions to finished jobs, no trackers.
    expect(t.server.hub.stats()).toMatchObject({ connections: CLIENTS, jobsWithSubscribers: 0 });
    await Promise.all(clients.map((c) => c.close()));
    await until(() => t.server.hub.stats().connections === 0, 5000, 'sockets to close');
    expect(t.server.hub.stats()).toEqual({ connections: 0, clients: 0, jobsWithSubscribers: 0 });
    console.log(
      `load: ${JOBS} jobs × 3 subscribers drained in ${elapsed} ms; server sent ${t.server.hub.sentJson} JSON / ${t.server.hub.sentBinary} binary messages`,
    );
  }, 180_000);
});
