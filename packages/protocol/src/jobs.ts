/** Jobs as the protocol shows them: states, errors, outputs, per-node status, summaries and details. */
import type { GraphDocument } from '@reelgraph/graph';
import type { JsonValue as SdkJsonValue } from '@reelgraph/sdk';
import { type Static, Type } from '@sinclair/typebox';

/** docs/protocol.md §1: job ids are UUIDs, client ids a short token. */
export const JOB_ID_PATTERN = '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$';
export const CLIENT_ID_PATTERN = '^[A-Za-z0-9_-]{1,64}$';
export const JobId = Type.String({ pattern: JOB_ID_PATTERN });
export const ClientId = Type.String({ pattern: CLIENT_ID_PATTERN });

/** Any JSON value (node values, output meta; the SDK's `JsonValue`); the schema accepts anything. */
export type JsonValue = SdkJsonValue;
export const JsonValue = Type.Unsafe<JsonValue>(Type.Unknown());

/** The graph document of `@reelgraph/graph` (validated by `parseGraph`, not by the route schema). */
export const GraphDocumentSchema = Type.Unsafe<GraphDocument>(
  Type.Object({}, { additionalProperties: true }),
);

export const JOB_STATES = ['queued', 'running', 'success', 'failed', 'cancelled'] as const;
export const JobState = Type.Union(JOB_STATES.map((s) => Type.Literal(s)));
export type JobState = (typeof JOB_STATES)[number];
export const TERMINAL_STATES: readonly JobState[] = ['success', 'failed', 'cancelled'];

export const JobError = Type.Object({
  code: Type.Union([
    Type.Literal('node_failed'),
    Type.Literal('timeout'),
    Type.Literal('interrupted'),
    Type.Literal('crashed'),
    Type.Literal('invalid_graph'),
    Type.Literal('internal'),
    Type.Literal('policy_refused'),
  ]),
  message: Type.String(),
  nodeId: Type.Optional(Type.String()),
  /** Type of the node at fault and the pack (plugin) that provides it. */
  nodeType: Type.Optional(Type.String()),
  pack: Type.Optional(Type.String()),
});
export type JobError = Static<typeof JobError>;

export const FileOutput = Type.Object({
  kind: Type.Literal('file'),
  id: Type.String(),
  nodeId: Type.String(),
  name: Type.String(),
  mime: Type.String(),
  size: Type.Integer(),
  url: Type.String(),
  meta: Type.Optional(Type.Record(Type.String(), JsonValue)),
});
export const ValueOutput = Type.Object({
  kind: Type.Literal('value'),
  nodeId: Type.String(),
  value: JsonValue,
  label: Type.Optional(Type.String()),
});
/** What a job produced: a published file (no paths) or a value. */
export const Output = Type.Union([FileOutput, ValueOutput]);
export type Output = Static<typeof Output>;

export const NodeRunState = Type.Union([
  Type.Literal('pending'),
  Type.Literal('running'),
  Type.Literal('cached'),
  Type.Literal('done'),
  Type.Literal('failed'),
  Type.Literal('skipped'),
]);
export type NodeRunState = Static<typeof NodeRunState>;

/** A node failure on the wire: the executor's `NodeFailure` without its stack. */
export const NodeError = Type.Object({ message: Type.String(), name: Type.String() });
export type NodeError = Static<typeof NodeError>;

export const NodeStatus = Type.Object({
  state: NodeRunState,
  step: Type.Optional(Type.Integer()),
  total: Type.Optional(Type.Integer()),
  durationMs: Type.Optional(Type.Number()),
  error: Type.Optional(NodeError),
});
export type NodeStatus = Static<typeof NodeStatus>;

const nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

export const JobSummary = Type.Object({
  id: Type.String(),
  state: JobState,
  priority: Type.Integer(),
  /** 0-based place among queued jobs in run order; null unless queued. */
  position: nullable(Type.Integer()),
  clientId: nullable(Type.String()),
  /** With named users (`serve --users`): who submitted it. */
  owner: Type.Optional(Type.String()),
  title: nullable(Type.String()),
  nodeCount: Type.Integer(),
  createdAt: Type.Number(),
  startedAt: nullable(Type.Number()),
  finishedAt: nullable(Type.Number()),
  durationMs: nullable(Type.Number()),
  attempts: Type.Integer(),
  error: nullable(JobError),
  outputCount: Type.Integer(),
});
export type JobSummary = Static<typeof JobSummary>;

/** A job's current state: what a `job:snapshot` carries (a `JobDetail` without `events`/`graph`). */
export const JobSnapshot = Type.Object({
  ...JobSummary.properties,
  /** The job's latest event sequence number. */
  seq: Type.Integer(),
  nodes: Type.Record(Type.String(), NodeStatus),
  outputs: Type.Array(Output),
});
export type JobSnapshot = Static<typeof JobSnapshot>;

export const QueueStatus = Type.Object({
  paused: Type.Boolean(),
  running: nullable(Type.String()),
  queued: Type.Integer(),
});
export type QueueStatus = Static<typeof QueueStatus>;
