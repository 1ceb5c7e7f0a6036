import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ComfyBridge } from '../src/comfy/bridge';
import type { JobQueue } from '../src/queue/job-queue';
import { Store } from '../src/store/store';

/*
 * A prompt that was running when the server died is re-queued on the next start (a `job:state` event
 * with state `queued`) and runs again. Its /history entry must be the retry's alone, whether the bridge
 * sees the events live or rebuilds the entry from the stored events after another restart.
 */
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const idle = { status: () => ({ queued: 0, running: false }) } as unknown as JobQueue;
const prompt = { '3': { class_type: 'KSampler', inputs: {} }, '10': { class_type: 'SaveVideo', inputs: {} } };

function events(jobId: string) {
  let seq = 0;
  const e = (type: string, at: number, more: Record<string, unknown> = {}) => ({
    type,
    jobId,
    at,
    seq: ++seq,
    ...more,
  });
  const node = { nodeId: '3', nodeType: 'video.sampler' };
  return [
    e('job:queued', 1, { position: 0, priority: 0 }),
    // The first attempt: the server dies during sampling.
    e('job:started', 2, { planned: ['3', '10'] }),
    e('node:started', 3, node),
    e('node:progress', 4, { ...node, step: 1, total: 8 }),
    // The next start re-queues it, and the retry runs to the end.
    e('job:state', 50, { state: 'queued', priority: 0, position: 0, attempts: 1 }),
    e('job:started', 51, { planned: ['3', '10'] }),
    e('node:started', 52, node),
    e('node:progress', 53, { ...node, step: 8, total: 8 }),
    e('node:done', 54, { ...node, artifacts: [] }),
    e('job:finished', 55, { status: 'success', durationMs: 4 }),
  ];
}

describe('ComfyUI /history of a prompt retried after a crash', () => {
  it("shows the retry's messages only, live and when rebuilt from the store", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'comfy-retry-'));
    dirs.push(dir);
    const store = new Store(dir);
    try {
      const jobId = 'job-retried';
      store.insertJob({
        id: jobId,
        priority: 0,
        clientId: 'c1',
        title: null,
        nodeCount: 2,
        graph: '{}',
        targets: null,
        timeoutMs: null,
        createdAt: 1,
      });
      const live = new ComfyBridge({ scheduler: idle, store, maxHistory: 10 });
      live.register(jobId, prompt, {}, 'c1', null);
      for (const e of events(jobId)) {
        const text = JSON.stringify(e);
        store.appendEvent(jobId, e.seq, e.type, text);
        live.event(jobId, text);
      }
      store.flush();
      const entry = (b: ComfyBridge) =>
        (
          b.history(undefined, jobId) as Record<
            string,
            { status: { messages: [string, { timestamp?: number }][] } }
          >
        )[jobId];
      const seen = entry(live)?.status;
      expect(seen?.messages.map(([type, data]) => [type, data.timestamp])).toEqual([
        ['execution_start', 51],
        ['execution_cached', 51],
        ['progress', undefined],
        ['execution_success', 55],
      ]);
      expect(seen?.messages.filter(([type]) => type === 'execution_start')).toHaveLength(1);
      const rebuilt = new ComfyBridge({ scheduler: idle, store, maxHistory: 10 });
      expect(entry(rebuilt)).toEqual(entry(live));
    } finally {
      store.close();
    }
  });
});
