import type { EngineEvent } from '@reelgraph/executor';
import type { GraphDocument } from '@reelgraph/graph';
import { decode, encode } from 'cbor-x';
import type { JobRecord } from '../../store/store';
import type { RunOutcome } from '../node-host';
import type { Capability } from './capability';

/**
 * What fronts and workers say to each other through Redis (docs/scale-out.md). Jobs travel as BullMQ
 * jobs, on one queue per capability set of the live workers (`queueOf`). Everything that changes a job — a front's submit, cancel, re-prioritise, delete and
 * a worker's start, engine events and end — is appended, CBOR-encoded, to one Redis stream (`LOG_STREAM`)
 * that every front applies in the same order, so every front holds the same jobs with the same event
 * sequence numbers and a front that restarts catches up from where it stopped. Previews, which are not
 * stored, travel on a pub/sub channel; cancels travel to the workers on a second one.
 */
export const QUEUE_NAME = 'reelgraph-jobs';
export const LOG_STREAM = 'reelgraph:log';
/** Entries kept in the log (approximately): enough for any front's restart and every reconnect. */
export const LOG_MAX_ENTRIES = 200_000;
export const PREVIEW_CHANNEL = 'reelgraph:previews';
export const CANCEL_CHANNEL = 'reelgraph:cancel';
/** The header a worker sends its secret in, to the front's output upload route. */
export const WORKER_SECRET_HEADER = 'x-reelgraph-worker';
export const SHA256_HEADER = 'x-reelgraph-sha256';
export const UPLOAD_ROUTE = '/api/worker/outputs/:jobId';

/** Each live front refreshes `<prefix><id>` (JSON `FrontInfo`) with a TTL: workers upload files to all. */
export const FRONT_KEY_PREFIX = 'reelgraph:front:';

export interface FrontInfo {
  id: string;
  /** Base URL workers upload output files to. */
  url: string;
  heartbeatAt: number;
}

/** Each live worker refreshes `<prefix><name>` (JSON `WorkerInfo`) with a TTL of 3 heartbeats. */
export const WORKER_KEY_PREFIX = 'reelgraph:worker:';

/** What a worker announces: who it is, its load, and what it can run. */
export interface WorkerInfo {
  name: string;
  concurrency: number;
  /** Ids of the jobs it runs now. */
  running: string[];
  /** Every node type its packs provide. */
  nodeTypes: string[];
  /** Every model id its model inputs offer (`capability.ts`). */
  models: string[];
  packs: { name: string; version?: string; status: string }[];
  /** The BullMQ queue it takes jobs from: its capability set's (`queueOf`); absent: `QUEUE_NAME`. */
  queue?: string;
  startedAt: number;
  heartbeatAt: number;
}

/** A BullMQ job's data: what a worker needs to run it and to hand its files back. */
export interface WireJob {
  graph: GraphDocument;
  targets?: string[];
  timeoutMs: number;
  /** Base URL of the front that accepted the job: output files are uploaded there. */
  front: string;
  /** What the job needs, read against the front's catalog; a worker that lacks any of it refuses. */
  needs?: Capability;
}

/** Worker → fronts, in order per job (previews on `PREVIEW_CHANNEL`, the rest in the log). */
export type WorkerMessage =
  | { t: 'start'; jobId: string; worker: string; attempt: number }
  /**
   * File artifacts' `path` is relative to the outputs folder and already uploaded to the fronts;
   * `sha256` maps those paths to their digests (a front without a copy fetches one from another).
   */
  | {
      t: 'event';
      jobId: string;
      event: EngineEvent;
      sha256?: Record<string, string>;
      /** On a preview: its node's last progress step sent before it (the front holds it until then). */
      afterStep?: number;
    }
  | {
      t: 'end';
      jobId: string;
      outcome: RunOutcome;
      cancelled: boolean;
      timedOut: boolean;
      durationMs: number;
    };

/** The job as the front that accepted it stored it: every other front inserts the same record. */
export type WireRecord = Pick<
  JobRecord,
  | 'id'
  | 'priority'
  | 'clientId'
  | 'owner'
  | 'title'
  | 'nodeCount'
  | 'graph'
  | 'targets'
  | 'timeoutMs'
  | 'createdAt'
>;

/** Front → the other fronts: what a front did to a job, which it already applied itself (`origin`). */
export type FrontMessage =
  | { t: 'submit'; origin: string; job: WireRecord; position: number }
  | { t: 'cancel'; origin: string; jobId: string }
  | { t: 'priority'; origin: string; jobId: string; priority: number }
  | { t: 'delete'; origin: string; jobId: string }
  | { t: 'pause' | 'resume'; origin: string };

export type LogMessage = WorkerMessage | FrontMessage;

export const encodeMessage = (m: LogMessage): Buffer => encode(m);
export const decodeMessage = (b: Buffer): LogMessage => decode(b) as LogMessage;

/** Reelgraph priorities run high first (−1000…1000); BullMQ runs low numbers first (1…2²¹). */
export function bullPriority(priority: number): number {
  return 1001 - Math.max(-1000, Math.min(1000, priority));
}

/** `redis://host:port[/db]` → ioredis options; BullMQ workers need `maxRetriesPerRequest: null`. */
export function redisOptions(url: string): {
  host: string;
  port: number;
  db: number;
  username?: string;
  password?: string;
  maxRetriesPerRequest: null;
} {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new Error(`--redis must look like redis://host:port[/db], not "${url.slice(0, 100)}"`);
  }
  if (u.protocol !== 'redis:') throw new Error(`--redis must be a redis:// URL, not ${u.protocol}`);
  const db = u.pathname && u.pathname !== '/' ? Number(u.pathname.slice(1)) : 0;
  if (!Number.isInteger(db) || db < 0) throw new Error(`--redis: "${u.pathname}" is not a database number`);
  return {
    host: u.hostname || '127.0.0.1',
    port: u.port ? Number(u.port) : 6379,
    db,
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    maxRetriesPerRequest: null,
  };
}
