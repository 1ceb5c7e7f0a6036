import { readFileSync } from 'node:fs';
import { Value } from '@sinclair/typebox/value';
import { describe, expect, it } from 'vitest';
import {
  ClientMessage,
  ConnectionMessage,
  ERROR_CODES,
  ErrorBody,
  JobDetail,
  JobSummary,
  ListJobsQuery,
  Output,
  ServerEvent,
  SubmitJobBody,
} from '../src';

const jobId = '0b4c8a7e-5f0e-4c1a-9a57-3d2f6a1b9c00';
const summary = {
  id: jobId,
  state: 'queued',
  priority: 0,
  position: 0,
  clientId: 'tab-1',
  title: null,
  nodeCount: 3,
  createdAt: 1,
  startedAt: null,
  finishedAt: null,
  durationMs: null,
  attempts: 0,
  error: null,
  outputCount: 0,
};

describe('HTTP shapes', () => {
  it('a submission takes a graph object or its text, within the documented limits', () => {
    const body = SubmitJobBody(60_000);
    expect(Value.Check(body, { graph: { version: 1, nodes: {} } })).toBe(true);
    expect(Value.Check(body, { graph: '{"version":1}', clientId: 'a_b-1', priority: -1000 })).toBe(true);
    expect(Value.Check(body, {})).toBe(false);
    expect(Value.Check(body, { graph: 7 })).toBe(false);
    expect(Value.Check(body, { graph: {}, clientId: 'has space' })).toBe(false);
    expect(Value.Check(body, { graph: {}, priority: 1001 })).toBe(false);
    expect(Value.Check(body, { graph: {}, priority: 1.5 })).toBe(false);
    expect(Value.Check(body, { graph: {}, timeoutMs: 60_001 })).toBe(false);
    expect(Value.Check(body, { graph: {}, extra: true })).toBe(false);
  });

  it('the job list filter takes comma lists of known states only', () => {
    expect(Value.Check(ListJobsQuery, { state: 'queued,running' })).toBe(true);
    expect(Value.Check(ListJobsQuery, { state: 'queued,pending' })).toBe(false);
    expect(Value.Check(ListJobsQuery, { limit: '99999' })).toBe(false);
  });

  it('a job summary and detail use the job states and node states of the protocol', () => {
    expect(Value.Check(JobSummary, summary)).toBe(true);
    expect(Value.Check(JobSummary, { ...summary, state: 'pending' })).toBe(false);
    const detail = {
      ...summary,
      seq: 4,
      nodes: { a: { state: 'pending' }, b: { state: 'failed', error: { message: 'x', name: 'Error' } } },
      outputs: [],
      events: [{ type: 'job:queued', jobId, at: 1, seq: 1, position: 0, priority: 0 }],
    };
    expect(Value.Check(JobDetail, detail)).toBe(true);
    // The editor once called this state 'queued'; the protocol says 'pending'.
    expect(Value.Check(JobDetail, { ...detail, nodes: { a: { state: 'queued' } } })).toBe(false);
  });

  it('outputs are files (no paths) or values', () => {
    const file = { kind: 'file', id: 'x'.repeat(22), nodeId: 's', name: 'a.mp4', mime: 'video/mp4', size: 3 };
    expect(Value.Check(Output, { ...file, url: '/api/outputs/x' })).toBe(true);
    expect(Value.Check(Output, file)).toBe(false);
    expect(Value.Check(Output, { kind: 'value', nodeId: 'n', value: { deep: [1, null] } })).toBe(true);
    expect(Value.Check(Output, { kind: 'other', nodeId: 'n' })).toBe(false);
  });

  it('every error body has a code and a message, and may carry more', () => {
    expect(Value.Check(ErrorBody, { error: 'queue_full', message: 'full', limit: 3 })).toBe(true);
    expect(Value.Check(ErrorBody, { error: 'queue_full' })).toBe(false);
    expect(ErrorBody.$id).toBe('Error');
  });

  it('the error codes are the ones docs/protocol.md lists, no more, no fewer', () => {
    const doc = readFileSync(new URL('../../../docs/protocol.md', import.meta.url), 'utf8');
    const table = doc.slice(doc.indexOf('| status | `error` |'), doc.indexOf('## 2.'));
    const documented = new Set([...table.matchAll(/^\s*\| \d{3} \| `([a-z_]+)` \|/gm)].map((m) => m[1]));
    expect([...documented].sort()).toEqual([...ERROR_CODES].sort());
  });
});

describe('WebSocket shapes', () => {
  it('client messages: subscribe with optional afterSeq, unsubscribe, ping', () => {
    expect(Value.Check(ClientMessage, { type: 'subscribe', jobIds: [jobId], afterSeq: { [jobId]: 3 } })).toBe(
      true,
    );
    expect(Value.Check(ClientMessage, { type: 'ping', id: { any: 'thing' } })).toBe(true);
    expect(Value.Check(ClientMessage, { type: 'unsubscribe', jobIds: [jobId] })).toBe(true);
    for (const bad of [
      { type: 'subscribe', jobIds: [] },
      { type: 'subscribe', jobIds: ['../../etc/passwd'] },
      { type: 'subscribe', jobIds: Array(257).fill(jobId) },
      { type: 'subscribe', jobIds: [jobId], afterSeq: { [jobId]: -1 } },
      { type: 'subscribe', jobIds: [jobId], afterSeq: [] },
      { type: 'unsubscribe', jobIds: {} },
      { type: 'shout' },
    ]) {
      expect(Value.Check(ClientMessage, bad), JSON.stringify(bad).slice(0, 80)).toBe(false);
    }
  });

  it('server messages: events carry jobId, at and seq; connection messages do not', () => {
    const base = { jobId, at: 1, seq: 2 };
    expect(
      Value.Check(ServerEvent, {
        ...base,
        type: 'node:progress',
        nodeId: 'n',
        nodeType: 't',
        step: 1,
        total: 2,
      }),
    ).toBe(true);
    expect(Value.Check(ServerEvent, { ...base, type: 'node:progress', nodeId: 'n', nodeType: 't' })).toBe(
      false,
    );
    expect(Value.Check(ServerEvent, { jobId, at: 1, type: 'job:cancelled', durationMs: 3 })).toBe(false);
    const snapshot = { ...base, type: 'job:snapshot', job: { ...summary, seq: 2, nodes: {}, outputs: [] } };
    expect(Value.Check(ServerEvent, snapshot)).toBe(true);
    expect(
      Value.Check(ConnectionMessage, {
        type: 'hello',
        protocol: 1,
        clientId: 'c',
        serverVersion: '0.1.0',
        queue: { paused: false, running: null, queued: 0 },
      }),
    ).toBe(true);
    expect(Value.Check(ConnectionMessage, { type: 'error', error: 'bad_message', message: 'm' })).toBe(true);
    expect(Value.Check(ConnectionMessage, { type: 'error', error: 'teapot', message: 'm' })).toBe(false);
  });
});
