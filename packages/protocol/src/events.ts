/** Server → client job events (docs/protocol.md §4): every one has `type`, `jobId`, `at` and `seq`. */
import { type Static, type TProperties, Type } from '@sinclair/typebox';
import { GraphDocumentSchema, JobError, JobSnapshot, JobState, NodeError, Output } from './jobs';

const job = { jobId: Type.String(), at: Type.Number(), seq: Type.Integer() };
const node = { ...job, nodeId: Type.String(), nodeType: Type.String() };

function event<K extends string, P extends TProperties>(type: K, props: P) {
  return Type.Object({ type: Type.Literal(type), ...props });
}

export const JobQueuedEvent = event('job:queued', {
  ...job,
  position: Type.Integer(),
  priority: Type.Integer(),
});
/** Every state and priority change; the terminal one is a job's last event. */
export const JobStateEvent = event('job:state', {
  ...job,
  state: JobState,
  priority: Type.Integer(),
  /** Queued only. */
  position: Type.Optional(Type.Integer()),
  attempts: Type.Integer(),
  /** Failed only. */
  error: Type.Optional(JobError),
  /** Terminal states. */
  outputs: Type.Optional(Type.Array(Output)),
});
/** Only in reply to a subscription; its `seq` is the job's latest and not itself part of the sequence. */
export const JobSnapshotEvent = event('job:snapshot', { ...job, job: JobSnapshot });
export const JobStartedEvent = event('job:started', { ...job, planned: Type.Array(Type.String()) });
export const NodeStartedEvent = event('node:started', node);
export const NodeProgressEvent = event('node:progress', {
  ...node,
  step: Type.Integer(),
  total: Type.Integer(),
});
export const NodeCachedEvent = event('node:cached', { ...node, artifacts: Type.Array(Output) });
export const NodeDoneEvent = event('node:done', {
  ...node,
  durationMs: Type.Number(),
  artifacts: Type.Array(Output),
});
export const NodeFailedEvent = event('node:failed', { ...node, durationMs: Type.Number(), error: NodeError });
export const NodeSkippedEvent = event('node:skipped', { ...node, blockedBy: Type.String() });
export const JobFinishedEvent = event('job:finished', {
  ...job,
  durationMs: Type.Number(),
  status: Type.Union([Type.Literal('success'), Type.Literal('failed')]),
});
export const JobCancelledEvent = event('job:cancelled', { ...job, durationMs: Type.Number() });

export const ServerEvent = Type.Union([
  JobQueuedEvent,
  JobStateEvent,
  JobSnapshotEvent,
  JobStartedEvent,
  NodeStartedEvent,
  NodeProgressEvent,
  NodeCachedEvent,
  NodeDoneEvent,
  NodeFailedEvent,
  NodeSkippedEvent,
  JobFinishedEvent,
  JobCancelledEvent,
]);
export type ServerEvent = Static<typeof ServerEvent>;
export type ServerEventType = ServerEvent['type'];

/** An event before the job's tracker numbers it. Distributes over the union. */
export type WithoutSeq<E> = E extends unknown ? Omit<E, 'seq'> : never;

/** `GET /api/jobs/:id`: the job's view plus (unless turned off) its graph and stored events. */
export const JobDetail = Type.Object({
  ...JobSnapshot.properties,
  graph: Type.Optional(GraphDocumentSchema),
  /** Stored events, all but `node:progress`. */
  events: Type.Optional(Type.Array(ServerEvent)),
});
export type JobDetail = Static<typeof JobDetail>;
