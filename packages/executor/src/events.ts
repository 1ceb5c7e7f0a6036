import type { Artifact, Preview } from '@reelgraph/sdk';

/** Times are `Date.now()` milliseconds; durations are milliseconds from `performance.now()`. */
interface Base {
  jobId: string;
  at: number;
}
interface NodeBase extends Base {
  nodeId: string;
  nodeType: string;
}

export interface NodeFailure {
  message: string;
  /** Error class name or a code such as `ABORTED`, `TIMEOUT`. */
  name: string;
  stack?: string;
}

export type EngineEvent =
  | (Base & { type: 'job:started'; planned: string[] })
  | (NodeBase & { type: 'node:started' })
  | (NodeBase & { type: 'node:progress'; step: number; total: number })
  | (NodeBase & { type: 'node:preview'; preview: Preview })
  | (NodeBase & { type: 'node:cached'; artifacts: Artifact[] })
  | (NodeBase & { type: 'node:done'; durationMs: number; artifacts: Artifact[] })
  | (NodeBase & { type: 'node:failed'; durationMs: number; error: NodeFailure })
  /** Not run because an upstream node failed (or was muted). */
  | (NodeBase & { type: 'node:skipped'; blockedBy: string })
  | (Base & { type: 'job:finished'; durationMs: number; status: 'success' | 'failed' })
  | (Base & { type: 'job:cancelled'; durationMs: number });

export type EngineEventType = EngineEvent['type'];
