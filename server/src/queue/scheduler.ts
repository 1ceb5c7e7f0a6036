import type { GraphDocument } from '@reelgraph/graph';
import type { JobError, JobState, QueueStatus } from '@reelgraph/protocol';
import type { JobRecord, Store } from '../store/store';
import type { Hub } from '../ws/hub';
import {
  checkRoom,
  deleteFinished,
  insertQueued,
  type JobBook,
  latestPreviewsOf,
  liveState,
  newTracker,
  reprioritise,
} from './job-ops';
import type { JobQueue } from './job-queue';
import type { JobTracker } from './job-tracker';
import type { LiveState } from './job-views';
import type { NodeHost, RunOutcome } from './node-host';
import { QueueError } from './queue-error';
import { finishJob, type Settlement, settle } from './settle';

export interface SchedulerOptions {
  concurrency: number;
  jobTimeoutMs: number;
  abortGraceMs: number;
  maxAttempts: number;
  maxQueued: number;
  /** Finished jobs kept in the history. */
  maxHistory: number;
  outputsDir: string;
  previewIntervalMs: number;
  progressIntervalMs: number;
  log: (level: 'info' | 'warn' | 'error', message: string) => void;
}

export interface SubmitInput {
  graph: GraphDocument;
  clientId?: string;
  /** With `serve --users`: the submitting user. */
  owner?: string;
  priority?: number;
  timeoutMs?: number;
  targets?: string[];
}

interface Active {
  tracker: JobTracker;
  controller: AbortController;
  cancelRequested: boolean;
  timedOut: boolean;
  done: Promise<void>;
}

/**
 * The persistent queue: picks the highest-priority queued job (ties in submission order), runs it on
 * the node host, enforces the job timeout, and records every state change in the store before telling
 * anyone about it.
 */
export class Scheduler implements JobQueue {
  readonly #active = new Map<string, Active>();
  #paused = false;
  #stopped = false;
  #pumping = false;
  #finishedSincePrune = 0;
  /** Jobs queued in the store, counted here (not a COUNT per submit); read afresh when unknown. */
  #queuedCount: number | undefined;
  readonly #book: JobBook;

  constructor(
    private readonly store: Store,
    private readonly host: NodeHost,
    private readonly hub: Hub,
    private readonly opts: SchedulerOptions,
  ) {
    this.#book = { store, hub, opts };
  }

  /** Jobs a crash left `running` go back to the queue, or fail once they have used their attempts. */
  recover(): { requeued: string[]; failed: string[] } {
    this.store.pruneHistory(this.opts.maxHistory);
    const requeued: string[] = [];
    const failed: string[] = [];
    for (const job of this.store.runningJobs()) {
      const tracker = this.#tracker(job.id);
      if (job.attempts >= this.opts.maxAttempts) {
        const error: JobError = {
          code: 'interrupted',
          message: `the server stopped while this job ran, ${job.attempts} time(s); not retried again`,
        };
        this.store.finish(job.id, 'failed', Date.now(), null, error, null);
        tracker.emit({
          type: 'job:state',
          jobId: job.id,
          at: Date.now(),
          state: 'failed',
          priority: job.priority,
          attempts: job.attempts,
          error,
          outputs: [],
        });
        failed.push(job.id);
      } else {
        this.store.requeue(job.id);
        const fresh = this.store.getJob(job.id)!;
        tracker.emit({
          type: 'job:state',
          jobId: job.id,
          at: Date.now(),
          state: 'queued',
          priority: job.priority,
          position: this.store.positionOf(fresh),
          attempts: job.attempts,
        });
        requeued.push(job.id);
      }
      tracker.close();
    }
    this.#queuedCount = undefined;
    if (requeued.length || failed.length) {
      this.opts.log(
        'warn',
        `recovered after an unclean stop: ${requeued.length} re-queued, ${failed.length} failed`,
      );
    }
    return { requeued, failed };
  }

  start(): void {
    this.#stopped = false;
    this.pump();
  }

  status(): QueueStatus {
    const running = [...this.#active.keys()];
    return { paused: this.#paused, running: running[0] ?? null, queued: this.#queued() };
  }

  #queued(): number {
    this.#queuedCount ??= this.store.countQueued();
    return this.#queuedCount;
  }

  #countQueued(change: number): void {
    if (this.#queuedCount !== undefined) this.#queuedCount += change;
  }

  pause(): QueueStatus {
    this.#paused = true;
    return this.status();
  }

  resume(): QueueStatus {
    this.#paused = false;
    this.pump();
    return this.status();
  }

  submit(input: SubmitInput, nodeCount: number): { jobId: string; position: number } {
    checkRoom(this.#book, this.#queued());
    const { jobId, position } = insertQueued(this.#book, input, nodeCount);
    this.#countQueued(1);
    // After this tick: the 201 leaves before the job starts, which in process may run to its end at once.
    setImmediate(() => this.pump());
    return { jobId, position };
  }

  /** Idempotent. True when this call cancelled the job. */
  cancel(id: string): { state: JobState; cancelled: boolean } {
    const job = this.store.getJob(id);
    if (!job) throw new QueueError({ kind: 'not_found', jobId: id });
    if (job.state === 'queued') {
      this.store.finish(id, 'cancelled', Date.now(), null, null, null);
      this.#countQueued(-1);
      const tracker = this.#tracker(id);
      tracker.emit({
        type: 'job:state',
        jobId: id,
        at: Date.now(),
        state: 'cancelled',
        priority: job.priority,
        attempts: job.attempts,
        outputs: [],
      });
      tracker.close();
      this.hub.dropJob(id);
      return { state: 'cancelled', cancelled: true };
    }
    const active = this.#active.get(id);
    if (job.state === 'running' && active) {
      if (!active.cancelRequested) {
        active.cancelRequested = true;
        active.controller.abort(new Error('cancelled'));
        this.#watchdog(id, active, 'cancelled');
      }
      return { state: 'running', cancelled: true };
    }
    return { state: job.state, cancelled: false };
  }

  /** The job as it is after the change. */
  setPriority(id: string, priority: number): JobRecord {
    return reprioritise(this.#book, id, priority);
  }

  delete(id: string): void {
    deleteFinished(this.store, id);
  }

  /** The latest seq and per-node status of a running job (see `JobViews`). */
  live(id: string): LiveState | undefined {
    return liveState(this.#active.get(id)?.tracker);
  }

  /** Latest preview frames of a running job (for a client that subscribes mid-run). */
  latestPreviews(id: string): Uint8Array[] {
    return latestPreviewsOf(this.#active.get(id)?.tracker);
  }

  get activeCount(): number {
    return this.#active.size;
  }

  isActive(id: string): boolean {
    return this.#active.has(id);
  }

  pump(): void {
    if (this.#pumping) return;
    this.#pumping = true;
    try {
      while (!this.#stopped && !this.#paused && this.#active.size < this.opts.concurrency) {
        const job = this.store.nextQueued();
        if (!job) {
          this.#queuedCount = 0;
          break;
        }
        const at = Date.now();
        if (!this.store.markRunning(job.id, at)) continue;
        this.#countQueued(-1);
        // What markRunning wrote, without reading the row back.
        this.#launch({ ...job, state: 'running', startedAt: at, attempts: job.attempts + 1, error: null });
      }
    } finally {
      this.#pumping = false;
    }
  }

  #tracker(jobId: string): JobTracker {
    return newTracker(this.#book, jobId);
  }

  #launch(job: JobRecord): void {
    const tracker = this.#tracker(job.id);
    const controller = new AbortController();
    const active: Active = {
      tracker,
      controller,
      cancelRequested: false,
      timedOut: false,
      done: Promise.resolve(),
    };
    this.#active.set(job.id, active);
    tracker.emit({
      type: 'job:state',
      jobId: job.id,
      at: Date.now(),
      state: 'running',
      priority: job.priority,
      attempts: job.attempts,
    });
    active.done = this.#run(job, active)
      .catch((err) => {
        this.opts.log(
          'error',
          `job ${job.id}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
        );
        this.#finish(job, active, {
          state: 'failed',
          durationMs: null,
          error: { code: 'internal', message: 'the server failed to run this job' },
        });
      })
      .finally(() => {
        this.#active.delete(job.id);
        // Not at once: jobs whose nodes never wait would run back to back and starve HTTP and sockets.
        setImmediate(() => this.pump());
      });
  }

  async #run(job: JobRecord, active: Active): Promise<void> {
    const timeoutMs = job.timeoutMs ?? this.opts.jobTimeoutMs;
    const timer = setTimeout(() => {
      active.timedOut = true;
      active.controller.abort(new Error(`TIMEOUT: the job ran longer than ${timeoutMs} ms`));
      this.#watchdog(job.id, active, 'timeout');
    }, timeoutMs);
    let abandon!: (o: RunOutcome) => void;
    const abandoned = new Promise<RunOutcome>((r) => {
      abandon = r;
    });
    (active as Active & { abandon?: (o: RunOutcome) => void }).abandon = abandon;
    const started = performance.now();
    let outcome: RunOutcome;
    try {
      outcome = await Promise.race([
        this.host.run({
          jobId: job.id,
          graph: JSON.parse(job.graph) as GraphDocument,
          ...(job.targets ? { targets: job.targets } : {}),
          signal: active.controller.signal,
          onEvent: (e) => {
            if (e.jobId === job.id) active.tracker.onEngineEvent(e);
          },
        }),
        abandoned,
      ]);
    } finally {
      clearTimeout(timer);
    }
    const durationMs = performance.now() - started;
    if (this.#stopped && !active.cancelRequested && !active.timedOut) {
      // A clean shutdown interrupted it: it runs again on the next start, and this try does not count.
      active.tracker.flushAll();
      this.store.requeue(job.id, true);
      this.#countQueued(1);
      active.tracker.emit({
        type: 'job:state',
        jobId: job.id,
        at: Date.now(),
        state: 'queued',
        priority: job.priority,
        position: 0,
        attempts: job.attempts - 1,
      });
      active.tracker.close();
      return;
    }
    return this.#finish(
      job,
      active,
      settle(job, active.tracker, this.host.catalog, outcome, {
        cancelRequested: active.cancelRequested,
        timedOut: active.timedOut,
        timeoutMs,
        durationMs,
      }),
    );
  }

  /**
   * After an abort, give the job `abortGraceMs` to stop. A node that ignores its signal is then
   * stopped by force (its own child process is killed; other jobs run on) or, inline, abandoned so
   * the queue moves on.
   */
  #watchdog(jobId: string, active: Active, why: 'timeout' | 'cancelled'): void {
    const t = setTimeout(async () => {
      if (this.#active.get(jobId) !== active) return;
      this.opts.log(
        'warn',
        `job ${jobId} did not stop within ${this.opts.abortGraceMs} ms of being ${why}; stopping it by force`,
      );
      const killed = await this.host.kill(
        jobId,
        `job ${jobId} was ${why === 'timeout' ? 'stopped after its time limit' : 'cancelled'} and did not stop`,
      );
      if (!killed) {
        (active as Active & { abandon?: (o: RunOutcome) => void }).abandon?.({
          kind: 'crashed',
          message: `abandoned after ${why}`,
        });
      }
    }, this.opts.abortGraceMs);
    t.unref();
  }

  #finish(job: JobRecord, active: Active, end: Settlement): void {
    finishJob(this.store, this.hub, active.tracker, job, end);
    if (++this.#finishedSincePrune >= 100) {
      this.#finishedSincePrune = 0;
      const pruned = this.store.pruneHistory(this.opts.maxHistory);
      if (pruned > 0) this.opts.log('info', `pruned ${pruned} old job(s) from the history`);
    }
  }

  /** Stop taking jobs; abort running ones and wait (bounded) for them to settle. */
  async stop(): Promise<void> {
    this.#stopped = true;
    const running = [...this.#active.values()];
    for (const a of running) a.controller.abort(new Error('server shutting down'));
    await Promise.race([
      Promise.all(running.map((a) => a.done)),
      new Promise((r) => setTimeout(r, this.opts.abortGraceMs)),
    ]);
  }
}
