/** Wire types of docs/protocol.md (v1), the subset the editor reads. */
import type { Catalog, GraphDocument, ValidationError } from '@reelgraph/graph';

export type JobState = 'queued' | 'running' | 'success' | 'failed' | 'cancelled';
export const TERMINAL: readonly JobState[] = ['success', 'failed', 'cancelled'];

export type JsonValue = string | number | boolean | null | JsonValue[] | { [k: string]: JsonValue };

export type Output =
  | { kind: 'file'; id: string; nodeId: string; name: string; mime: string; size: number; url: string }
  | { kind: 'value'; nodeId: string; value: JsonValue; label?: string };

export interface JobSummary {
  id: string;
  state: JobState;
  priority: number;
  position: number | null;
  title: string | null;
  nodeCount: number;
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  durationMs: number | null;
  error: { code: string; message: string; nodeId?: string } | null;
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
      position?: number;
      outputs?: Output[];
      error?: JobSummary['error'];
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

export type ConnectionMessage =
  | { type: 'hello'; clientId: string }
  | { type: 'subscribed' | 'unsubscribed'; jobIds: string[] }
  | { type: 'pong' }
  | { type: 'catalog:changed'; nodes: number }
  | { type: 'error'; error: string; message: string };

export interface PackStatus {
  name: string;
  version?: string;
  status: 'loaded' | 'error';
  errors: string[];
  nodes: string[];
}

export type CatalogResponse = Catalog & { packs: PackStatus[] };

export interface PresetInfo {
  name: string;
  title: string;
  description: string;
  nodeCount: number;
}

export interface Session {
  protocol: number;
  authRequired: boolean;
  authenticated: boolean;
  csrfToken?: string;
}

export interface Upload {
  name: string;
  url: string;
  mime: string;
  width: number;
  height: number;
}

/** A decoded binary preview frame. */
export interface PreviewFrame {
  jobId: string;
  nodeId: string;
  mime: string;
  frames: number;
  width: number;
  height: number;
  step?: number;
  total?: number;
  data: Uint8Array;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly errors: ValidationError[] = [],
  ) {
    super(message);
  }
}
