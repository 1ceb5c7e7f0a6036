import type { ServerEvent } from '@reelgraph/protocol';
import { describe, expect, it } from 'vitest';
import { applyEvent, mergeJobs, runStore, setProblems } from '../src/store/runStore';

const base = { jobId: 'j1', at: 0 };
let seq = 0;
const ev = (e: Record<string, unknown>) => applyEvent({ ...base, seq: ++seq, ...e } as ServerEvent);

describe('run state from server events', () => {
  it('follows a job through queued, running, progress, done, cached, failed and skipped nodes', () => {
    runStore.setState({ jobs: {}, nodes: {}, previews: {}, problems: {}, activeJob: undefined });
    ev({ type: 'job:queued', position: 2, priority: 0 });
    expect(runStore.getState().jobs.j1).toMatchObject({ state: 'queued', position: 2 });
    ev({ type: 'job:started', planned: ['a', 'b', 'c', 'd'] });
    expect(runStore.getState().activeJob).toBe('j1');
    expect(runStore.getState().nodes.a).toEqual({ state: 'pending' });
    ev({ type: 'node:started', nodeId: 'a', nodeType: 't' });
    ev({ type: 'node:progress', nodeId: 'a', nodeType: 't', step: 3, total: 10 });
    expect(runStore.getState().nodes.a).toMatchObject({ state: 'running', step: 3, total: 10 });
    const video = {
      kind: 'file',
      id: 'o1',
      nodeId: 'a',
      name: 'a.mp4',
      mime: 'video/mp4',
      size: 1,
      url: '/api/outputs/o1',
    };
    ev({ type: 'node:done', nodeId: 'a', nodeType: 't', durationMs: 12, artifacts: [video] });
    ev({ type: 'node:cached', nodeId: 'b', nodeType: 't', artifacts: [] });
    ev({
      type: 'node:failed',
      nodeId: 'c',
      nodeType: 't',
      durationMs: 1,
      error: { message: 'boom', name: 'Error' },
    });
    ev({ type: 'node:skipped', nodeId: 'd', nodeType: 't', blockedBy: 'c' });
    const n = runStore.getState().nodes;
    expect(n.a).toMatchObject({ state: 'done', durationMs: 12, outputs: [video] });
    expect(n.b?.state).toBe('cached');
    expect(n.c).toMatchObject({ state: 'failed', error: 'boom' });
    expect(n.d).toMatchObject({ state: 'skipped', error: 'Blocked by c' });
    ev({ type: 'job:finished', durationMs: 40, status: 'failed' });
    ev({ type: 'job:state', state: 'failed', attempts: 0, outputs: [video] });
    expect(runStore.getState().jobs.j1).toMatchObject({ state: 'failed', durationMs: 40, outputs: [video] });
    // A list fetched earlier does not bring a finished job back to life.
    mergeJobs([
      {
        id: 'j1',
        state: 'running',
        clientId: null,
        attempts: 1,
        priority: 0,
        position: null,
        title: null,
        nodeCount: 4,
        createdAt: 0,
        startedAt: 0,
        finishedAt: null,
        durationMs: null,
        error: null,
        outputCount: 0,
      },
    ]);
    expect(runStore.getState().jobs.j1?.state).toBe('failed');
  });

  it('a node stopped by the time limit shows as timed out, not skipped', () => {
    runStore.setState({ jobs: {}, nodes: {}, previews: {}, problems: {}, activeJob: undefined });
    ev({ type: 'job:started', planned: ['h', 'after'] });
    ev({ type: 'node:started', nodeId: 'h', nodeType: 'x.hang' });
    const error = {
      code: 'timeout',
      message: 'the job exceeded its time limit',
      nodeId: 'h',
      nodeType: 'x.hang',
    };
    ev({ type: 'job:state', state: 'failed', attempts: 1, error, outputs: [] });
    expect(runStore.getState().nodes.h).toMatchObject({ state: 'failed', stopped: 'timeout' });
    expect(runStore.getState().nodes.after).toEqual({ state: 'pending' });
  });

  it('events of another job leave the canvas alone', () => {
    runStore.setState({ activeJob: 'j1', nodes: { a: { state: 'done' } } });
    applyEvent({ jobId: 'other', at: 0, seq: 1, type: 'node:started', nodeId: 'a', nodeType: 't' });
    expect(runStore.getState().nodes.a?.state).toBe('done');
  });

  it('groups validation errors by node', () => {
    setProblems([
      { nodeId: 'a', input: 'x', code: 'missing_input', message: 'x is required' },
      { nodeId: 'a', code: 'unknown_node_type', message: 'no such type' },
      { nodeId: null, code: 'no_output_node', message: 'nothing to run' },
    ]);
    expect(Object.keys(runStore.getState().problems)).toEqual(['a', '']);
    expect(runStore.getState().problems.a).toHaveLength(2);
  });
});

describe('subgraph instances', () => {
  it('show the progress, end and outputs of their inner nodes (`instance/inner`)', () => {
    runStore.setState({ jobs: {}, nodes: {}, previews: {}, problems: {}, activeJob: undefined });
    ev({ type: 'job:started', planned: ['sg/a', 'sg/b', 'save'] });
    ev({ type: 'node:progress', nodeId: 'sg/a', nodeType: 't', step: 2, total: 4 });
    expect(runStore.getState().nodes.sg).toEqual({ state: 'running', step: 2, total: 4 });
    ev({ type: 'node:done', nodeId: 'sg/a', nodeType: 't', durationMs: 1, artifacts: [] });
    expect(runStore.getState().nodes.sg?.state).toBe('running'); // sg/b still to come
    const value = { kind: 'value', nodeId: 'sg/b', value: 3 };
    ev({ type: 'node:done', nodeId: 'sg/b', nodeType: 't', durationMs: 1, artifacts: [value] });
    expect(runStore.getState().nodes.sg).toEqual({ state: 'done', outputs: [value] });
  });
});
