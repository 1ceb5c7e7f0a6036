import type { JobState, QueueStatus } from '@reelgraph/protocol';
import type { JobRecord } from '../store/store';
import type { LiveState } from './job-views';
import type { SubmitInput } from './scheduler';

/**
 * The queue seam: everything the routes, the WebSocket hub and the server's start and stop ask of the
 * queue. Two drivers implement it — `Scheduler` (the embedded SQLite queue, the default) and
 * `BullQueue` (BullMQ on Redis, `serve --redis`) — and nothing above this interface knows which one
 * runs. Refusals are `QueueError`s; the HTTP layer maps them (`routes/queue-errors.ts`).
 */
export interface JobQueue {
  /** After a start: jobs an unclean stop left `running` are re-queued or failed. */
  recover(): { requeued: string[]; failed: string[] };
  /** Begin taking jobs. */
  start(): void;
  status(): QueueStatus;
  pause(): QueueStatus;
  resume(): QueueStatus;
  submit(input: SubmitInput, nodeCount: number): { jobId: string; position: number };
  /** Idempotent. `cancelled` is true when this call cancelled (or began cancelling) the job. */
  cancel(id: string): { state: JobState; cancelled: boolean };
  /** The job as it is after the change. */
  setPriority(id: string, priority: number): JobRecord;
  delete(id: string): void;
  /**
   * Resolves once this process has applied every change it made and every job other processes had
   * accepted before the call (BullMQ: the shared job log, read up to its newest entry). The routes wait
   * for it before answering a change, and before answering "no such job". The embedded queue has none.
   */
  sync?(): Promise<void>;
  /** The latest seq and per-node status of a running job. */
  live(id: string): LiveState | undefined;
  /** Latest preview frames of a running job (for a client that subscribes mid-run). */
  latestPreviews(id: string): Uint8Array[];
  /** Jobs running now (on this process, or on the workers this front relays). */
  readonly activeCount: number;
  /** Stop taking jobs; abort running ones and wait (bounded) for them to settle. */
  stop(): Promise<void>;
}
