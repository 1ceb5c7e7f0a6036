// biome-ignore-all lint/suspicious/noExplicitAny: response bodies in tests are arbitrary JSON
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { delayGraph, sleep, startServer, stepsGraph, type TestServer, WsClient } from './helpers';

let t: TestServer;
beforeAll(async () => {
  t = await startServer({ isolation: 'inline', previewIntervalMs: 0 });
});
afterAll(async () => {
  await t?.close();
});

describe('WebSocket scoping and catch-up', () => {
  it('sends a job only to its submitter and its subscribers, never to strangers', async () => {
    const owner = new WsClient(t.url, 'owner');
    const watcher = new WsClient(t.url, 'watcher');
    const stranger = new WsClient(t.url, 'stranger');
    await Promise.all([owner.opened, watcher.opened, stranger.opened]);
    await t.http.post('/api/queue/pause');
    const { jobId } = (await t.http.submit(stepsGraph(3, 10, 'scoped'), { clientId: 'owner' })).body;
    watcher.send({ type: 'subscribe', jobIds: [jobId] });
    await watcher.waitFor((m) => m.type === 'subscribed');
    const snap = await watcher.waitFor((m) => m.type === 'job:snapshot' && m.jobId === jobId);
    expect(snap.job).toMatchObject({ id: jobId, state: 'queued', position: 0 });
    await t.http.post('/api/queue/resume');

    await owner.waitState(jobId, 'success');
    await watcher.waitState(jobId, 'success');
    await sleep(100);
    expect(stranger.messages.filter((m) => m.jobId)).toEqual([]);
    expect(stranger.previews).toEqual([]);
    expect(owner.previews.length).toBe(3);
    expect(watcher.previews.length).toBe(3);
    // The watcher saw the same live events as the owner from its subscription on (same seq numbers).
    const ownerSeqs = owner.ofJob(jobId).map((m) => `${m.seq}:${m.type}`);
    const watcherLive = watcher
      .ofJob(jobId)
      .filter((m) => m.type !== 'job:snapshot')
      .map((m) => `${m.seq}:${m.type}`);
    expect(ownerSeqs.slice(ownerSeqs.length - watcherLive.length)).toEqual(watcherLive);
    await Promise.all([owner.close(), watcher.close(), stranger.close()]);
  });

  it('auto-subscribes a reconnecting client to its active jobs and replays events after a seq', async () => {
    const first = new WsClient(t.url, 'flaky');
    await first.opened;
    const { jobId } = (await t.http.submit(delayGraph(1500), { clientId: 'flaky' })).body;
    const progress = await first.waitFor((m) => m.type === 'node:progress' && m.jobId === jobId);
    const lastSeen = progress.seq!;
    await first.close();

    const second = new WsClient(t.url, 'flaky');
    await second.opened;
    const snap = await second.waitFor((m) => m.type === 'job:snapshot' && m.jobId === jobId);
    expect(snap.job.state).toBe('running');
    expect(snap.job.nodes.d.state).toBe('running');
    expect(snap.seq).toBeGreaterThanOrEqual(lastSeen);
    // Ask for what was missed as well.
    second.send({ type: 'subscribe', jobIds: [jobId], afterSeq: { [jobId]: lastSeen } });
    await second.waitFor((m) => m.type === 'subscribed');
    const done = await second.waitState(jobId, 'success', 10_000);
    // Together, the replay and the live stream cover every seq after lastSeen.
    const seen = new Set(
      second
        .ofJob(jobId)
        .filter((m) => m.type !== 'job:snapshot')
        .map((m) => m.seq),
    );
    for (let s = lastSeen + 1; s <= done.seq!; s++) expect(seen.has(s), `seq ${s}`).toBe(true);
    // …and neither sends an event twice: the auto-subscription's live stream and the replay do not overlap.
    const all = second
      .ofJob(jobId)
      .filter((m) => m.type !== 'job:snapshot')
      .map((m) => m.seq);
    expect(all.length).toBe(new Set(all).size);
    await second.close();
  });

  it('a subscription to a finished job gets its snapshot and, on request, its history', async () => {
    const { jobId } = (await t.http.submit(stepsGraph(2, 1, 'history'))).body;
    const c = new WsClient(t.url, 'late');
    await c.opened;
    for (let i = 0; i < 100; i++) {
      if ((await t.http.get(`/api/jobs/${jobId}`)).body.state === 'success') break;
      await sleep(20);
    }
    c.send({ type: 'subscribe', jobIds: [jobId], afterSeq: { [jobId]: 0 } });
    const snap = await c.waitFor((m) => m.type === 'job:snapshot');
    expect(snap.job.state).toBe('success');
    expect(snap.job.outputs.length).toBe(2);
    await c.waitFor((m) => m.type === 'job:state' && m.state === 'success');
    expect(c.ofJob(jobId)[1]).toMatchObject({ type: 'job:queued', seq: 1 });
    await c.close();
  });

  it('sends each event once per socket, however many ways it follows the job', async () => {
    const c = new WsClient(t.url, 'twice');
    await c.opened;
    const events = (jobId: string) =>
      c
        .ofJob(jobId)
        .filter((m) => m.type !== 'job:snapshot')
        .map((m) => m.seq!);
    // Subscribed by its client id at submit, then explicitly with a full replay, while it runs.
    const { jobId: live } = (await t.http.submit(stepsGraph(3, 30, 'twice-live'), { clientId: 'twice' }))
      .body;
    await c.waitFor((m) => m.type === 'job:started' && m.jobId === live);
    c.send({ type: 'subscribe', jobIds: [live], afterSeq: { [live]: 0 } });
    const done = await c.waitState(live, 'success', 20_000);
    const seqs = events(live);
    expect(seqs).toEqual(Array.from({ length: done.seq! }, (_, i) => i + 1));

    // Finished before the explicit subscription arrived: the replay sends nothing it already sent.
    const { jobId: quick } = (await t.http.submit(stepsGraph(1, 1, 'twice-quick'), { clientId: 'twice' }))
      .body;
    const last = await c.waitState(quick, 'success', 20_000);
    c.send({ type: 'subscribe', jobIds: [quick], afterSeq: { [quick]: 0 } });
    await c.waitFor((m) => m.type === 'job:snapshot' && m.jobId === quick);
    c.send({ type: 'ping', id: 'after' });
    await c.waitFor((m) => m.type === 'pong' && m.id === 'after');
    expect(events(quick)).toEqual(Array.from({ length: last.seq! }, (_, i) => i + 1));
    await c.close();
  });

  it('answers bad messages with an error and keeps the socket; unknown jobs are reported', async () => {
    const c = new WsClient(t.url, 'noisy');
    await c.opened;
    const bad = [
      'not json',
      '[]',
      '42',
      'null',
      '{"type":5}',
      '{"type":"launch-missiles"}',
      '{"type":"subscribe"}',
      '{"type":"subscribe","jobIds":"x"}',
      '{"type":"subscribe","jobIds":[]}',
      '{"type":"subscribe","jobIds":[1,2]}',
      '{"type":"subscribe","jobIds":["../../etc/passwd"]}',
      '{"type":"subscribe","jobIds":["00000000-0000-4000-8000-000000000000"],"afterSeq":[]}',
      '{"type":"subscribe","jobIds":["00000000-0000-4000-8000-000000000000"],"afterSeq":{"x":-1}}',
      '{"type":"unsubscribe","jobIds":{}}',
      '{"__proto__":{"type":"ping"}}',
    ];
    for (const b of bad) c.send(b);
    c.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    c.send({ type: 'ping', id: 7 });
    const pong = await c.waitFor((m) => m.type === 'pong');
    expect(pong.id).toBe(7);
    const errors = c.messages.filter((m) => m.type === 'error');
    expect(errors).toHaveLength(bad.length + 1);
    for (const e of errors) {
      expect(e.error).toBe('bad_message');
      expect(e.message.length).toBeGreaterThan(5);
    }
    c.send({ type: 'subscribe', jobIds: ['00000000-0000-4000-8000-000000000000'] });
    const nf = await c.waitFor((m) => m.type === 'error' && m.error === 'not_found');
    expect(nf.jobIds).toEqual(['00000000-0000-4000-8000-000000000000']);
    expect(c.closed).toBeUndefined();
    await c.close();
  });

  it('closes a socket that sends an oversized message (1009) or too many bad ones (1008)', async () => {
    const big = new WsClient(t.url, 'big');
    await big.opened;
    big.send(`{"type":"ping","id":"${'x'.repeat(70 * 1024)}"}`);
    await big.waitFor(() => false, 5000).catch(() => {});
    expect(big.closed?.code).toBe(1009);

    const spam = new WsClient(t.url, 'spam');
    await spam.opened;
    for (let i = 0; i < 102; i++) spam.send('nope');
    await spam.waitFor(() => false, 5000).catch(() => {});
    expect(spam.closed?.code).toBe(1008);
    expect((await t.http.get('/api/health')).status).toBe(200);
  });

  it('refuses a bad clientId and cross-site origins at the upgrade', async () => {
    await expect(new WsClient(t.url, 'bad%20id').opened).rejects.toThrow(/400/);
    await expect(new WsClient(t.url, 'x', { origin: 'https://evil.example' }).opened).rejects.toThrow(/403/);
    await expect(new WsClient(t.url, 'x', { origin: 'null' }).opened).rejects.toThrow(/403/);
    const same = new WsClient(t.url, 'x', { origin: t.url });
    await same.opened;
    await same.close();
  });
});
