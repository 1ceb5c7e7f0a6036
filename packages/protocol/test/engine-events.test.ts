import { Value } from '@sinclair/typebox/value';
import { describe, expect, it } from 'vitest';
import {
  applyNodeEvent,
  type EngineArtifact,
  type JobEngineEvent,
  type NodeStatus,
  type Output,
  ServerEvent,
  serverEventOf,
} from '../src';

const jobId = 'job-1';
const node = { jobId, at: 5, nodeId: 'save', nodeType: 'video/save' };
const published: Output = {
  kind: 'file',
  id: 'a'.repeat(22),
  nodeId: 'save',
  name: 'clip.mp4',
  mime: 'video/mp4',
  size: 10,
  url: `/api/outputs/${'a'.repeat(22)}`,
};

const engineEvents: JobEngineEvent[] = [
  { type: 'job:started', jobId, at: 1, planned: ['save', 'other'] },
  { type: 'node:started', ...node },
  { type: 'node:progress', ...node, step: 2, total: 4 },
  {
    type: 'node:done',
    ...node,
    durationMs: 12,
    artifacts: [
      { kind: 'file', path: '/outputs/clip.mp4', mime: 'video/mp4' },
      { kind: 'file', path: '/etc/passwd', mime: 'text/plain' },
    ],
  },
  { type: 'node:cached', ...node, nodeId: 'other', artifacts: [] },
  { type: 'node:failed', ...node, durationMs: 3, error: { message: 'boom', name: 'Error', stack: 'at x' } },
  { type: 'node:skipped', ...node, nodeId: 'late', blockedBy: 'save' },
  { type: 'job:finished', jobId, at: 9, durationMs: 40, status: 'failed' },
  { type: 'job:cancelled', jobId, at: 9, durationMs: 40 },
];

/** Publishes the file inside the outputs root, drops the other. */
const publish = (_nodeId: string, a: EngineArtifact) =>
  a.kind === 'file' && a.path === '/outputs/clip.mp4' ? published : undefined;

describe('engine event → server event', () => {
  it('every mapped event is a valid server event once numbered', () => {
    for (const [i, e] of engineEvents.entries()) {
      const event = { ...serverEventOf(e, publish), seq: i + 1 };
      expect(
        Value.Check(ServerEvent, event),
        `${e.type}: ${[...Value.Errors(ServerEvent, event)][0]?.message}`,
      ).toBe(true);
      expect(event.type).toBe(e.type);
    }
  });

  it('artifacts become published outputs and unpublishable ones are dropped', () => {
    const done = serverEventOf(engineEvents[3]!, publish);
    expect(done).toEqual({ type: 'node:done', ...node, durationMs: 12, artifacts: [published] });
  });

  it('a node failure crosses the wire without its stack, and nothing else leaks through', () => {
    const failed = serverEventOf(engineEvents[5]!, publish);
    expect(failed).toEqual({
      type: 'node:failed',
      ...node,
      durationMs: 3,
      error: { message: 'boom', name: 'Error' },
    });
    const withExtra = { ...engineEvents[1]!, secret: '/home/me' } as unknown as JobEngineEvent;
    expect(serverEventOf(withExtra, publish)).not.toHaveProperty('secret');
  });
});

describe('per-node status fold', () => {
  it('follows a job: planned nodes pending, then running, progress, done / cached / failed / skipped', () => {
    const nodes: Record<string, NodeStatus> = {};
    const [started, nodeStarted, progress, done, cached, failed, skipped] = engineEvents.map((e) =>
      serverEventOf(e, publish),
    );
    applyNodeEvent(nodes, started!);
    expect(nodes).toEqual({ save: { state: 'pending' }, other: { state: 'pending' } });
    applyNodeEvent(nodes, nodeStarted!);
    applyNodeEvent(nodes, progress!);
    expect(nodes.save).toEqual({ state: 'running', step: 2, total: 4 });
    applyNodeEvent(nodes, done!);
    expect(nodes.save).toEqual({ state: 'done', step: 2, total: 4, durationMs: 12 });
    applyNodeEvent(nodes, cached!);
    expect(nodes.other).toEqual({ state: 'cached' });
    applyNodeEvent(nodes, failed!);
    expect(nodes.save).toMatchObject({
      state: 'failed',
      durationMs: 3,
      error: { message: 'boom', name: 'Error' },
    });
    applyNodeEvent(nodes, skipped!);
    expect(nodes.late).toEqual({ state: 'skipped' });
  });
});
