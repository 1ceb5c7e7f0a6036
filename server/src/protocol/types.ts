/** Wire types of docs/protocol.md. Browser-safe: types only. */
import type { GraphDocument, ValidationError } from '@reelgraph/graph';

export const PROTOCOL_VERSION = 1;

export const JOB_STATES = ['queued', 'running', 'success', 'failed', 'cancelled'] as const;
export type JobState = (typeof JOB_STATES)[number];
export const TERMINAL_STATES: readonly JobState[] = ['success', 'failed', 'cancelled'];

export type JobErrorCode =
  | 'node_failed'
  | 'timeout'
  | 'interrupted'
  | 'crashed'
  | 'invalid_graph'
  | 'internal';

export interface JobError {
  code: JobErrorCode;
  message: string;
  nodeId?: string;
  /** Type of the node at fault and the pack (plugin) that provides it. */
  nodeType?: string;
  pack?: string;
}

export type JsonValue = string | number | boolean | null | JsonValue[] | { [k: string]: JsonValue };

export type Output =
  | {
      kind: 'file';
      id: string;
      nodeId: string;
      name: string;
      mime: string;
      size: number;
      url: string;
      meta?: Record<string, JsonValue>;
    }
  | { kind: 'value'; nodeId: string; value: JsonValue; label?: string };

export interface JobSummary {
  id: string;
  state: JobState;
  priority: number;
  position: number | null;
  clientId: string | null;
  title: string | null;
  nodeCount: number;
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  durationMs: number | null;
  attempts: number;
  error: JobError | null;
  outputCount: number;
}

export type NodeRunState = 'pending' | 'running' | 'cached' | 'done' | 'failed' | 'skipped';

export interface NodeStatus {
  state: NodeRunState;
  step?: number;
  total?: number;
  durationMs?: number;
  error?: { message: string; name: string };
}

export interface JobDetail extends JobSummary {
  seq: number;
  nodes: Record<string, NodeStatus>;
  outputs: Output[];
  graph?: GraphDocument;
  events?: ServerEvent[];
}

interface JobBase {
  jobId: string;
  at: number;
  seq: number;
}
interface NodeBase extends JobBase {
  nodeId: string;
  nodeType: string;
}

export type ServerEvent =
  | (JobBase & { type: 'job:queued'; position: number; priority: number })
  | (JobBase & {
      type: 'job:state';
      state: JobState;
      priority: number;
      position?: number;
      attempts: number;
      error?: JobError;
      outputs?: Output[];
    })
  | (JobBase & { type: 'job:snapshot'; job: JobDetail })
  | (JobBase & { type: 'job:started'; planned: string[] })
  | (NodeBase & { type: 'node:started' })
  | (NodeBase & { type: 'node:progress'; step: number; total: number })
  | (NodeBase & { type: 'node:cached'; artifacts: Output[] })
  | (NodeBase & { type: 'node:done'; durationMs: number; artifacts: Output[] })
  | (NodeBase & { type: 'node:failed'; durationMs: number; error: { message: string; name: string } })
  | (NodeBase & { type: 'node:skipped'; blockedBy: string })
  | (JobBase & { type: 'job:finished'; durationMs: number; status: 'success' | 'failed' })
  | (JobBase & { type: 'job:cancelled'; durationMs: number });

export type ServerEventType = ServerEvent['type'];

/** Distributes Omit over the union so each member keeps its own fields. */
export type WithoutSeq<E> = E extends unknown ? Omit<E, 'seq'> : never;

export type ConnectionMessage =
  | { type: 'hello'; protocol: number; clientId: string; serverVersion: string; queue: QueueStatus }
  | { type: 'subscribed'; jobIds: string[] }
  | { type: 'unsubscribed'; jobIds: string[] }
  | { type: 'pong'; id?: unknown }
  | { type: 'error'; error: string; message: string; jobIds?: string[] }
  /** After a pack hot reload: refetch `GET /api/catalog`. */
  | {
      type: 'catalog:changed';
      at: number;
      nodes: number;
      packs: { name: string; status: 'loaded' | 'error'; errors: string[] }[];
    };

export type ClientMessage =
  | { type: 'subscribe'; jobIds: string[]; afterSeq?: Record<string, number> }
  | { type: 'unsubscribe'; jobIds: string[] }
  | { type: 'ping'; id?: unknown };

export interface QueueStatus {
  paused: boolean;
  running: string | null;
  queued: number;
}

export interface ErrorBody {
  error: string;
  message: string;
  errors?: ValidationError[];
  [extra: string]: unknown;
}
