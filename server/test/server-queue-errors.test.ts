// biome-ignore-all lint/suspicious/noExplicitAny: response bodies in tests are arbitrary JSON
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QueueError } from '../src/queue/queue-error';
import { startServer, stepsGraph, type TestServer, until } from './helpers';

let t: TestServer;
beforeAll(async () => {
  t = await startServer({ isolation: 'inline', maxQueued: 2 });
});
afterAll(async () => {
  await t?.close();
});

const missing = '00000000-0000-4000-8000-000000000000';

describe('the queue raises domain errors; the routes answer them per docs/protocol.md', () => {
  it('queue full → 503 queue_full with the limit', async () => {
    await t.http.post('/api/queue/pause');
    const a = await t.http.submit(stepsGraph(1, 1, 'full-a'));
    const b = await t.http.submit(stepsGraph(1, 1, 'full-b'));
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(() => t.server.scheduler.submit({ graph: { version: 1, nodes: {} } as any }, 0)).toThrow(
      expect.objectContaining({ name: 'QueueError', fault: { kind: 'queue_full', limit: 2 } }),
    );
    const full = await t.http.submit(stepsGraph(1, 1, 'full-c'));
    expect(full.status).toBe(503);
    expect(full.body).toEqual({ error: 'queue_full', message: 'the queue already holds 2 jobs', limit: 2 });
    await t.http.post('/api/queue/resume');
    for (const r of [a, b]) {
      const id = r.body.jobId;
      await until(async () => (await t.http.get(`/api/jobs/${id}`)).body.state === 'success');
    }
  });

  it('unknown job → 404 not_found, from cancel, PATCH and DELETE alike', async () => {
    expect(() => t.server.scheduler.cancel(missing)).toThrow(QueueError);
    for (const [method, path, body] of [
      ['POST', `/api/jobs/${missing}/cancel`, {}],
      ['PATCH', `/api/jobs/${missing}`, { priority: 1 }],
      ['DELETE', `/api/jobs/${missing}`, undefined],
    ] as const) {
      const res = await t.http.req(method, path, body);
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(res.body).toEqual({ error: 'not_found', message: `job ${missing} not found` });
    }
  });

  it('wrong state → 409 conflict with the state', async () => {
    const { jobId } = (await t.http.submit(stepsGraph(1, 1, 'conflict'))).body;
    await until(async () => (await t.http.get(`/api/jobs/${jobId}`)).body.state === 'success');
    let thrown: unknown;
    try {
      t.server.scheduler.setPriority(jobId, 3);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(QueueError);
    expect((thrown as QueueError).fault).toEqual({
      kind: 'conflict',
      jobId,
      state: 'success',
      operation: 'reprioritise',
    });
    const res = await t.http.req('PATCH', `/api/jobs/${jobId}`, { priority: 3 });
    expect(res.status).toBe(409);
    expect(res.body).toEqual({
      error: 'conflict',
      message: 'only queued jobs can be reprioritised; this one is success',
      state: 'success',
    });
    await t.http.post('/api/queue/pause');
    const queued = (await t.http.submit(stepsGraph(1, 1, 'conflict-del'))).body.jobId;
    const del = await t.http.req('DELETE', `/api/jobs/${queued}`);
    expect(del.status).toBe(409);
    expect(del.body).toMatchObject({ error: 'conflict', state: 'queued' });
    await t.http.post('/api/queue/resume');
  });
});
