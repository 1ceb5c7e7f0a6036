import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { Store } from '../src/store/store';

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

function job(store: Store, n: number, priority = 0) {
  const id = `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
  store.insertJob({
    id,
    priority,
    clientId: null,
    title: null,
    nodeCount: 1,
    graph: '{}',
    targets: null,
    timeoutMs: null,
    createdAt: n,
  });
  return id;
}

describe('the SQLite queue and history', () => {
  it('orders the queue by priority, then submission; positions follow', () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'rg-store-'));
    const store = new Store(dir);
    const a = job(store, 1);
    const b = job(store, 2, 5);
    const c = job(store, 3);
    expect(store.nextQueued()?.id).toBe(b);
    expect([a, b, c].map((id) => store.positionOf(store.getJob(id)!))).toEqual([1, 0, 2]);
    expect(store.markRunning(b, 10)).toBe(true);
    expect(store.markRunning(b, 11)).toBe(false); // only queued jobs start
    expect(store.nextQueued()?.id).toBe(a);
    store.close();
  });

  it('prunes the oldest finished jobs with their events and outputs, never queued ones', () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'rg-store-'));
    const store = new Store(dir);
    const ids = Array.from({ length: 6 }, (_, i) => job(store, i + 1));
    for (const id of ids.slice(0, 5)) {
      store.markRunning(id, 1);
      store.appendEvent(id, 1, 'job:queued', '{}');
      store.addValueOutput(id, 'n', 1, undefined);
      store.finish(id, 'success', 2, 1, null, null);
    }
    expect(store.pruneHistory(2)).toBe(3);
    expect(ids.map((id) => store.getJob(id)?.state ?? null)).toEqual([
      null,
      null,
      null,
      'success',
      'success',
      'queued',
    ]);
    expect(store.eventsAfter(ids[0]!, 0)).toEqual([]);
    expect(store.outputsOf(ids[0]!)).toEqual([]);
    expect(store.outputsOf(ids[4]!)).toHaveLength(1);
    expect(store.pruneHistory(2)).toBe(0);
    store.close();
  });

  it('commits a tick of events in one batch, reads its own writes, and tells only what is committed', async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'rg-store-'));
    const store = new Store(dir);
    const other = new Database(path.join(dir, 'reelgraph.db'), { readonly: true });
    const committed = (id: string) =>
      (other.prepare('SELECT COUNT(*) AS n FROM events WHERE job_id = ?').get(id) as { n: number }).n;
    const id = job(store, 1);
    expect(committed(id)).toBe(0);
    store.appendEvent(id, 1, 'job:queued', '{"seq":1}');
    store.appendEvent(id, 2, 'job:state', '{"seq":2}');
    // Not committed yet: another connection sees none of them.
    expect(committed(id)).toBe(0);
    const told = new Promise<number>((resolve) => store.afterCommit(() => resolve(committed(id))));
    expect(await told).toBe(2);
    // A read commits what is queued first.
    store.appendEvent(id, 3, 'job:state', '{"seq":3}');
    store.finish(id, 'success', 5, 1, null, null);
    expect(store.maxSeq(id)).toBe(3);
    expect(store.getJob(id)?.state).toBe('success');
    expect(committed(id)).toBe(3);
    // Nothing queued: told at once.
    let now = false;
    store.afterCommit(() => {
      now = true;
    });
    expect(now).toBe(true);
    // The end of a tick commits without a read; close commits what is left.
    store.appendEvent(id, 4, 'job:state', '{"seq":4}');
    await new Promise((r) => setImmediate(r));
    expect(committed(id)).toBe(4);
    store.appendEvent(id, 5, 'job:state', '{"seq":5}');
    store.close();
    expect(committed(id)).toBe(5);
    other.close();
  });
});
