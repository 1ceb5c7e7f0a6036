/** The executor's events as the protocol sends them: artifacts become published outputs, no stacks. */
import type { EngineEvent } from '@reelgraph/executor';
import type { ServerEvent, WithoutSeq } from './events';
import type { NodeRunState, NodeStatus, Output } from './jobs';

/** Every engine event but previews, which travel as binary frames (`preview-frame.ts`). */
export type JobEngineEvent = Exclude<EngineEvent, { type: 'node:preview' }>;
export type EngineArtifact = Extract<EngineEvent, { type: 'node:done' }>['artifacts'][number];

/**
 * The server event for one engine event, before the tracker numbers it. `publish` turns an artifact
 * into an output, or drops it (e.g. a file outside the outputs root).
 */
export function serverEventOf(
  e: JobEngineEvent,
  publish: (nodeId: string, artifact: EngineArtifact) => Output | undefined,
): WithoutSeq<ServerEvent> {
  const job = { jobId: e.jobId, at: e.at };
  switch (e.type) {
    case 'job:started':
      return { type: e.type, ...job, planned: [...e.planned] };
    case 'job:finished':
      return { type: e.type, ...job, durationMs: e.durationMs, status: e.status };
    case 'job:cancelled':
      return { type: e.type, ...job, durationMs: e.durationMs };
  }
  const node = { ...job, nodeId: e.nodeId, nodeType: e.nodeType };
  switch (e.type) {
    case 'node:started':
      return { type: e.type, ...node };
    case 'node:progress':
      return { type: e.type, ...node, step: e.step, total: e.total };
    case 'node:cached':
    case 'node:done': {
      const artifacts = e.artifacts.flatMap((a) => publish(e.nodeId, a) ?? []);
      return e.type === 'node:done'
        ? { type: e.type, ...node, durationMs: e.durationMs, artifacts }
        : { type: e.type, ...node, artifacts };
    }
    case 'node:failed':
      return {
        type: e.type,
        ...node,
        durationMs: e.durationMs,
        error: { message: e.error.message, name: e.error.name },
      };
    case 'node:skipped':
      return { type: e.type, ...node, blockedBy: e.blockedBy };
  }
}

/** A node's status, created in `initial` state if the node has none yet. */
function statusOf(nodes: Record<string, NodeStatus>, id: string, initial: NodeRunState): NodeStatus {
  const found = nodes[id];
  if (found) return found;
  const st: NodeStatus = { state: initial };
  nodes[id] = st;
  return st;
}

/** Fold one event into a job's per-node status (`JobSnapshot.nodes`), in place. */
export function applyNodeEvent(nodes: Record<string, NodeStatus>, e: WithoutSeq<ServerEvent>): void {
  switch (e.type) {
    case 'job:started':
      for (const id of e.planned) statusOf(nodes, id, 'pending');
      return;
    case 'node:started':
      nodes[e.nodeId] = { state: 'running' };
      return;
    case 'node:progress':
      Object.assign(statusOf(nodes, e.nodeId, 'running'), { step: e.step, total: e.total });
      return;
    case 'node:cached':
      statusOf(nodes, e.nodeId, 'cached').state = 'cached';
      return;
    case 'node:done':
      Object.assign(statusOf(nodes, e.nodeId, 'done'), { state: 'done', durationMs: e.durationMs });
      return;
    case 'node:failed':
      Object.assign(statusOf(nodes, e.nodeId, 'failed'), {
        state: 'failed',
        durationMs: e.durationMs,
        error: e.error,
      });
      return;
    case 'node:skipped':
      statusOf(nodes, e.nodeId, 'skipped').state = 'skipped';
      return;
  }
}
