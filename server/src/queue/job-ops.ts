import { randomUUID } from 'node:crypto';
import type { JobRecord, Store } from '../store/store';
import type { Hub } from '../ws/hub';
import { JobTracker } from './job-tracker';
import type { LiveState } from './job-views';
import { QueueError } from './queue-error';
import type { SchedulerOptions, SubmitInput } from './scheduler';

/**
 * What both queue drivers (the embedded `Scheduler` and the BullMQ `BullQueue`) do the same way with a
 * job's record in the front's store: insert it, reprioritise it, delete it, and read a running job's
 * live state. Each driver keeps how it runs jobs; see also `settle.ts` for how a run ends.
 */
export interface JobBook {
  store: Store;
  hub: Hub;
  opts: Pick<
    SchedulerOptions,
    'jobTimeoutMs' | 'maxQueued' | 'outputsDir' | 'previewIntervalMs' | 'progressIntervalMs' | 'log'
  >;
  /** See `TrackerOptions.outputId`. */
  outputId?: (jobId: string, nodeId: string, relPath: string, seq: number) => string;
}

/** A tracker for one job: numbers, stores and sends its events. */
export function newTracker(book: JobBook, jobId: string, seq?: number): JobTracker {
  const { outputId } = book;
  return new JobTracker(jobId, book.store, book.hub, {
    outputsDir: book.opts.outputsDir,
    previewIntervalMs: book.opts.previewIntervalMs,
    progressIntervalMs: book.opts.progressIntervalMs,
    log: (m) => book.opts.log('warn', m),
    ...(outputId ? { outputId: (n, p, s) => outputId(jobId, n, p, s) } : {}),
    ...(seq !== undefined ? { seq } : {}),
  });
}

/** Refuse a job when `maxQueued` wait already (`queued`: the count, when the driver keeps one). */
export function checkRoom(book: JobBook, queued = book.store.countQueued()): void {
  if (queued >= book.opts.maxQueued) {
    throw new QueueError({ kind: 'queue_full', limit: book.opts.maxQueued });
  }
}

/**
 * Store a new queued job, subscribe its client, and emit `job:queued`. `ahead` turns the store's count
 * of jobs ahead into the position reported (the BullMQ driver leaves out those an idle worker takes now).
 */
export function insertQueued(
  book: JobBook,
  input: SubmitInput,
  nodeCount: number,
  ahead: (inStore: number) => number = (n) => n,
): { jobId: string; position: number; priority: number; timeoutMs: number } {
  const { store, hub, opts } = book;
  const id = randomUUID();
  const priority = input.priority ?? 0;
  const title = typeof input.graph.meta?.title === 'string' ? input.graph.meta.title.slice(0, 200) : null;
  const timeoutMs = Math.min(input.timeoutMs ?? opts.jobTimeoutMs, opts.jobTimeoutMs);
  // Its place before it is stored: behind every queued job of its priority or higher (it is the newest).
  const position = ahead(store.positionOf({ priority, ord: Number.MAX_SAFE_INTEGER }));
  store.insertJob({
    id,
    priority,
    clientId: input.clientId ?? null,
    owner: input.owner ?? null,
    title,
    nodeCount,
    graph: JSON.stringify(input.graph),
    targets: input.targets ?? null,
    timeoutMs,
    createdAt: Date.now(),
  });
  if (input.clientId) hub.subscribeClient(input.clientId, id, input.owner);
  const tracker = newTracker(book, id, 0);
  tracker.emit({ type: 'job:queued', jobId: id, at: Date.now(), position, priority });
  tracker.close();
  return { jobId: id, position, priority, timeoutMs };
}

/** Change a queued job's priority in the store and emit its `job:state`; the job as it is after. */
export function reprioritise(book: JobBook, id: string, priority: number): JobRecord {
  const { store } = book;
  const job = store.getJob(id);
  if (!job) throw new QueueError({ kind: 'not_found', jobId: id });
  if (job.state !== 'queued' || !store.setPriority(id, priority)) {
    throw new QueueError({ kind: 'conflict', jobId: id, state: job.state, operation: 'reprioritise' });
  }
  const fresh = store.getJob(id)!;
  const tracker = newTracker(book, id);
  tracker.emit({
    type: 'job:state',
    jobId: id,
    at: Date.now(),
    state: 'queued',
    priority,
    position: store.positionOf(fresh),
    attempts: fresh.attempts,
  });
  tracker.close();
  return fresh;
}

/** Delete a finished job; a queued or running one is a conflict. */
export function deleteFinished(store: Store, id: string): void {
  const job = store.getJob(id);
  if (!job) throw new QueueError({ kind: 'not_found', jobId: id });
  if (job.state === 'queued' || job.state === 'running') {
    throw new QueueError({ kind: 'conflict', jobId: id, state: job.state, operation: 'delete' });
  }
  store.deleteJob(id);
}

/** The latest seq and per-node status of a running job's tracker (see `JobViews`). */
export function liveState(tracker: JobTracker | undefined): LiveState | undefined {
  return tracker && { seq: tracker.seq, nodes: tracker.nodes };
}

/** Latest preview frames of a running job's tracker (for a client that subscribes mid-run). */
export function latestPreviewsOf(tracker: JobTracker | undefined): Uint8Array[] {
  return [...(tracker?.latestPreview.values() ?? [])];
}
