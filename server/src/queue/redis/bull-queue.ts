import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { EngineEvent } from '@reelgraph/executor';
import type { PackCatalog } from '@reelgraph/packs';
import type { JobError, JobState, QueueStatus } from '@reelgraph/protocol';
import type { Redis } from 'ioredis';
import type { JobRecord, Store } from '../../store/store';
import type { Hub } from '../../ws/hub';
import {
  checkRoom,
  deleteFinished,
  insertQueued,
  type JobBook,
  latestPreviewsOf,
  liveState,
  newTracker,
  reprioritise,
} from '../job-ops';
import type { JobQueue } from '../job-queue';
import type { JobTracker } from '../job-tracker';
import type { LiveState } from '../job-views';
import { QueueError } from '../queue-error';
import type { SchedulerOptions, SubmitInput } from '../scheduler';
import { finishJob, settle } from '../settle';
import { readAnnounced } from './announce';
import { type Capability, canRun, missingOn, needsOf } from './capability';
import { CapabilityQueues } from './capability-queues';
import { connectRedisPair } from './connect';
import { fetchFromPeers } from './fetch-output';
import { appendLog, JobLogReader, logTail } from './job-log';
import {
  bullPriority,
  CANCEL_CHANNEL,
  decodeMessage,
  FRONT_KEY_PREFIX,
  type FrontInfo,
  type FrontMessage,
  type LogMessage,
  PREVIEW_CHANNEL,
  QUEUE_NAME,
  type WireJob,
  WORKER_KEY_PREFIX,
  type WorkerInfo,
  type WorkerMessage,
} from './wire';

export interface BullQueueOptions
  extends Pick<
    SchedulerOptions,
    | 'jobTimeoutMs'
    | 'maxQueued'
    | 'maxHistory'
    | 'outputsDir'
    | 'previewIntervalMs'
    | 'progressIntervalMs'
    | 'log'
  > {
  /** `redis://host:port[/db]`. */
  redis: string;
  /** This front's base URL as workers reach it (output files are uploaded there). */
  frontUrl: () => string;
  /** The node catalog, to blame failures on a node type and pack. */
  catalog: () => PackCatalog;
  /** Where this front keeps its place in the job log (in its data folder). */
  logPositionFile: string;
  /** `REELGRAPH_WORKER_SECRET`: to fetch an output this front missed from another front. */
  workerSecret?: string;
}

/** A job a worker runs that this front relays: its tracker numbers, stores and sends its events. */
interface Relay {
  tracker: JobTracker;
  worker: string;
  cancelRequested: boolean;
  /** Previews that overtook (on pub/sub) the progress they follow (in the log): sent once it is here. */
  held?: { step: number; event: EngineEvent }[];
}

const TERMINAL: ReadonlySet<JobState> = new Set(['success', 'failed', 'cancelled']);

/**
 * The BullMQ driver of the queue seam (`serve --redis`). The front keeps the job's record, history,
 * events and outputs in its own store exactly as the embedded queue does; BullMQ on Redis holds the
 * run order, and `reelgraph worker` processes take jobs from it. Every change to a job — this front's,
 * another front's, a worker's — is applied from the job log (`job-log.ts`) in one order on every front,
 * through the same `JobTracker` as in embedded mode, so all fronts hold every job with the same sequence
 * numbers and output URLs, and the WebSocket protocol is the same. Progress is not throttled by time
 * here (that would differ between fronts); previews are, as they are not stored.
 */
export class BullQueue implements JobQueue {
  readonly #relays = new Map<string, Relay>();
  #paused = false;
  #stopped = false;
  /** The live workers, as last read from Redis (refreshed every second). */
  #workers: WorkerInfo[] = [];
  #workerTimer: NodeJS.Timeout | undefined;
  readonly #book: JobBook;
  readonly #reader: JobLogReader;

  private constructor(
    private readonly store: Store,
    private readonly hub: Hub,
    private readonly opts: BullQueueOptions,
    private readonly queues: CapabilityQueues,
    private readonly pub: Redis,
    private readonly sub: Redis,
  ) {
    this.#book = {
      store,
      hub,
      opts: { ...opts, progressIntervalMs: 0 },
      outputId: (jobId, nodeId, relPath, seq) =>
        createHash('sha256')
          .update(`${jobId}\0${nodeId}\0${relPath}\0${seq}`)
          .digest('base64url')
          .slice(0, 22),
    };
    this.#reader = new JobLogReader(pub.duplicate(), opts.logPositionFile, (m) => this.#apply(m), opts.log);
  }

  /**
   * Connect to Redis (refusing to start when it cannot be reached), catch up with the job log (the jobs
   * every front accepted, and what happened to them while this one was away) and keep following it.
   */
  static async open(store: Store, hub: Hub, opts: BullQueueOptions): Promise<BullQueue> {
    const { connection, pub, sub } = await connectRedisPair(opts.redis, opts.log);
    const queues = new CapabilityQueues(connection, {
      failed: (jobId, reason) => q.#onFailed(jobId, reason),
      stalled: (jobId) =>
        opts.log('warn', `job ${jobId}: its worker stopped answering; the job goes back to the queue`),
    });
    const q: BullQueue = new BullQueue(store, hub, opts, queues, pub, sub);
    sub.on('messageBuffer', (channel: Buffer, message: Buffer) => {
      if (channel.toString() !== PREVIEW_CHANNEL) return;
      try {
        q.#onPreview(decodeMessage(message));
      } catch (err) {
        opts.log('error', `a worker preview could not be handled: ${(err as Error).stack ?? err}`);
      }
    });
    await sub.subscribe(PREVIEW_CHANNEL);
    await q.#reader.start();
    await Promise.all([q.#refreshWorkers(), q.#announce()]);
    q.#workerTimer = setInterval(() => {
      if (q.#stopped) return;
      q.#refreshWorkers().catch((err: Error) => opts.log('warn', `reading the workers: ${err.message}`));
      q.#announce().catch((err: Error) => opts.log('warn', `announcing this front: ${err.message}`));
    }, 1000);
    q.#workerTimer.unref();
    return q;
  }

  /** The live workers: name, load, heartbeat, packs and node types (`GET /api/workers`). */
  workers(): WorkerInfo[] {
    return this.#workers;
  }

  async #refreshWorkers(): Promise<void> {
    const workers = await readAnnounced<WorkerInfo>(this.pub, WORKER_KEY_PREFIX);
    this.#workers = workers.sort((a, b) => a.name.localeCompare(b.name));
    // Their queues are open here, so a cancel or a pause reaches jobs another front routed there.
    for (const w of this.#workers) this.queues.get(w.queue ?? QUEUE_NAME);
  }

  /** Workers upload every output file to every live front (so any front serves it). */
  #announce(): Promise<unknown> {
    const url = this.opts.frontUrl();
    if (!url) return Promise.resolve();
    const info: FrontInfo = { id: this.#reader.front, url, heartbeatAt: Date.now() };
    return this.pub.set(`${FRONT_KEY_PREFIX}${info.id}`, JSON.stringify(info), 'PX', 3000);
  }

  /**
   * Resolves once this front has applied the job log up to its newest entry: what this front just
   * logged (a cancel, a priority: applied in log order on every front) and every job another front
   * accepted before now (a read-through for a job this front does not know yet).
   */
  async sync(): Promise<void> {
    if (this.#stopped) return;
    const tail = await logTail(this.pub).catch(() => '0');
    await this.#reader.reached(tail);
  }

  /** Log what this front did: every front applies it in log order (`#apply`). */
  #tell(m: FrontMessage): Promise<string> {
    const p = appendLog(this.pub, m);
    this.#background(m.t, p);
    return p;
  }

  get #front(): string {
    return this.#reader.front;
  }

  /**
   * Route a graph to the queue of workers that can run it (the set with the most idle slots), or refuse
   * it when no live worker can: it would wait forever.
   */
  #route(input: SubmitInput): { needs: Capability; queue: string } {
    const needs = needsOf(input.graph, this.opts.catalog());
    const misses = this.#workers.map((w) => missingOn(needs, workerCapability(w)));
    const idle = new Map<string, number>();
    this.#workers.forEach((w, i) => {
      if (!canRun(misses[i]!)) return;
      const queue = w.queue ?? QUEUE_NAME;
      idle.set(queue, (idle.get(queue) ?? 0) + Math.max(0, w.concurrency - w.running.length));
    });
    const best = [...idle].sort(([a, x], [b, y]) => y - x || a.localeCompare(b))[0];
    if (best) return { needs, queue: best[0] };
    // What no worker has at all (empty lists: each lacks something another has).
    const everywhere = (pick: (m: ReturnType<typeof missingOn>) => string[], all: string[]) =>
      misses.length ? all.filter((x) => misses.every((m) => pick(m).includes(x))) : all;
    const packs = Object.entries(needs.packs).map(([n, v]) => `${n}@${v}`);
    throw new QueueError({
      kind: 'no_worker',
      workers: misses.length,
      missing: everywhere((m) => m.nodeTypes, needs.nodeTypes),
      models: everywhere((m) => m.models, needs.models),
      packs: misses.length ? everywhere((m) => m.packs, packs) : [],
    });
  }

  /**
   * Slots of live workers that run nothing now: jobs ahead that fill them start at once (as the embedded
   * queue starts them inside submit), so they do not count towards a new job's position.
   */
  #idleSlots(): number {
    if (this.#paused) return 0;
    const slots = this.#workers.reduce((n, w) => n + w.concurrency, 0);
    return Math.max(0, slots - this.#relays.size);
  }

  recover(): { requeued: string[]; failed: string[] } {
    // Running jobs may still run on their workers; a lost one comes back through BullMQ's stalled check.
    this.store.pruneHistory(this.opts.maxHistory);
    return { requeued: [], failed: [] };
  }

  start(): void {
    this.#stopped = false;
  }

  status(): QueueStatus {
    return {
      paused: this.#paused,
      running: [...this.#relays.keys()][0] ?? null,
      queued: this.store.countQueued(),
    };
  }

  pause(): QueueStatus {
    this.#paused = true;
    this.#background('pause', this.queues.setPaused(true));
    void this.#tell({ t: 'pause', origin: this.#front });
    return this.status();
  }

  resume(): QueueStatus {
    this.#paused = false;
    this.#background('resume', this.queues.setPaused(false));
    void this.#tell({ t: 'resume', origin: this.#front });
    return this.status();
  }

  submit(input: SubmitInput, nodeCount: number): { jobId: string; position: number } {
    checkRoom(this.#book);
    const { needs, queue } = this.#route(input);
    const {
      jobId: id,
      position,
      priority,
      timeoutMs,
    } = insertQueued(this.#book, input, nodeCount, (n) => Math.max(0, n - this.#idleSlots()));
    const data: WireJob = {
      graph: input.graph,
      ...(input.targets ? { targets: input.targets } : {}),
      timeoutMs,
      front: this.opts.frontUrl(),
      needs,
    };
    const r = this.store.getJob(id)!;
    const job = {
      id,
      priority,
      clientId: r.clientId,
      owner: r.owner,
      title: r.title,
      nodeCount,
      graph: r.graph,
      targets: r.targets,
      timeoutMs: r.timeoutMs,
      createdAt: r.createdAt,
    };
    // In the log before in the queue: every front knows the job before a worker's first word on it.
    this.#tell({ t: 'submit', origin: this.#front, job, position })
      .then(() => this.queues.add(queue, id, data, bullPriority(priority)))
      .catch((err: Error) => {
        this.opts.log('error', `job ${id}: could not be queued in Redis: ${err.message}`);
        const job = this.store.getJob(id);
        if (job && job.state === 'queued') {
          finishJob(this.store, this.hub, this.#tracker(id), job, {
            state: 'failed',
            durationMs: null,
            error: { code: 'internal', message: 'the job could not be handed to the distributed queue' },
          });
        }
      });
    return { jobId: id, position };
  }

  cancel(id: string): { state: JobState; cancelled: boolean } {
    const job = this.store.getJob(id);
    if (!job) throw new QueueError({ kind: 'not_found', jobId: id });
    if (TERMINAL.has(job.state)) return { state: job.state, cancelled: false };
    // Applied from the log, on every front alike: a worker's start may be ahead of it there, and then
    // the job is cancelled while it runs (`sync` waits for it before the HTTP answer).
    void this.#tell({ t: 'cancel', origin: this.#front, jobId: id });
    // Still waiting in Redis: take it out. Taken by a worker (a moment ago, perhaps): tell it to stop.
    this.#background(
      'cancel',
      this.queues.remove(id).then((removed) => (removed ? undefined : this.pub.publish(CANCEL_CHANNEL, id))),
    );
    return { state: job.state === 'queued' ? 'cancelled' : 'running', cancelled: true };
  }

  setPriority(id: string, priority: number): JobRecord {
    const job = this.store.getJob(id);
    if (!job) throw new QueueError({ kind: 'not_found', jobId: id });
    if (job.state !== 'queued')
      throw new QueueError({ kind: 'conflict', jobId: id, state: job.state, operation: 'reprioritise' });
    // Applied from the log like a cancel: a start ahead of it there makes it a no-op on every front.
    void this.#tell({ t: 'priority', origin: this.#front, jobId: id, priority });
    this.#background('reprioritise', this.queues.changePriority(id, bullPriority(priority)));
    return { ...job, priority };
  }

  delete(id: string): void {
    deleteFinished(this.store, id);
    void this.#tell({ t: 'delete', origin: this.#front, jobId: id });
  }

  #cancelQueued(job: JobRecord): void {
    finishJob(this.store, this.hub, this.#tracker(job.id), job, {
      state: 'cancelled',
      durationMs: null,
      error: null,
    });
  }

  live(id: string): LiveState | undefined {
    return liveState(this.#relays.get(id)?.tracker);
  }

  latestPreviews(id: string): Uint8Array[] {
    return latestPreviewsOf(this.#relays.get(id)?.tracker);
  }

  get activeCount(): number {
    return this.#relays.size;
  }

  /** A worker may upload output files for this job (it runs, or its start is still on its way here). */
  acceptsUploads(jobId: string): boolean {
    const state = this.store.getJob(jobId)?.state;
    return state === 'running' || state === 'queued';
  }

  /** The worker that runs the job now, while this front relays it. */
  workerOf(jobId: string): string | undefined {
    return this.#relays.get(jobId)?.worker;
  }

  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    clearInterval(this.#workerTimer);
    // The jobs run on the workers and go on; this front only stops relaying them.
    for (const r of this.#relays.values()) r.tracker.close();
    this.#relays.clear();
    await this.pub.del(`${FRONT_KEY_PREFIX}${this.#front}`).catch(() => {});
    await Promise.allSettled([this.queues.close(), this.#reader.stop()]);
    this.pub.disconnect();
    this.sub.disconnect();
  }

  /** One entry of the job log: a front's doing, or a worker's. */
  #apply(m: LogMessage): void | Promise<void> {
    // This front's own submit, delete and pause it applied at once; its cancels and priorities it applies
    // here, in log order, as every other front does.
    const own = 'origin' in m && m.origin === this.#front;
    if (own && m.t !== 'cancel' && m.t !== 'priority') return;
    switch (m.t) {
      case 'submit': {
        if (this.store.getJob(m.job.id)) return;
        this.store.insertJob(m.job);
        const tracker = this.#tracker(m.job.id);
        tracker.emit({
          type: 'job:queued',
          jobId: m.job.id,
          at: Date.now(),
          position: m.position,
          priority: m.job.priority,
        });
        tracker.close();
        return;
      }
      case 'cancel': {
        const job = this.store.getJob(m.jobId);
        if (job?.state === 'queued') this.#cancelQueued(job);
        else if (job?.state === 'running') this.#relay(job).cancelRequested = true;
        return;
      }
      case 'priority':
        if (this.store.getJob(m.jobId)?.state === 'queued') reprioritise(this.#book, m.jobId, m.priority);
        return;
      case 'delete': {
        const state = this.store.getJob(m.jobId)?.state;
        if (state && !TERMINAL.has(state)) return;
        if (state) this.store.deleteJob(m.jobId);
        return;
      }
      case 'pause':
      case 'resume':
        this.#paused = m.t === 'pause';
        return;
      default:
        return this.#onMessage(m);
    }
  }

  /** A preview is not stored: it goes to this front's subscribers of a job running here and now. */
  #onPreview(m: LogMessage): void {
    if (m.t !== 'event') return;
    const relay = this.#relays.get(m.jobId);
    if (!relay) return;
    const e = m.event;
    const step = 'nodeId' in e ? relay.tracker.nodes[e.nodeId]?.step : undefined;
    if (m.afterStep !== undefined && (step ?? 0) < m.afterStep) {
      relay.held = [...(relay.held ?? []), { step: m.afterStep, event: e }];
      return;
    }
    relay.tracker.onEngineEvent(e);
  }

  /** Send the held previews whose progress has now been applied. */
  #release(relay: Relay): void {
    if (!relay.held?.length) return;
    const due = relay.held.filter(
      (h) => 'nodeId' in h.event && (relay.tracker.nodes[h.event.nodeId]?.step ?? 0) >= h.step,
    );
    relay.held = relay.held.filter((h) => !due.includes(h));
    for (const h of due) relay.tracker.onEngineEvent(h.event);
  }

  #onMessage(m: WorkerMessage): void | Promise<void> {
    const job = this.store.getJob(m.jobId);
    // A job this front never saw (the log was trimmed past it), or one already settled here (a cancel
    // that raced the worker).
    if (!job) return;
    if (TERMINAL.has(job.state)) {
      if (m.t === 'start' && job.state === 'cancelled')
        this.#background('cancel', this.pub.publish(CANCEL_CHANNEL, job.id));
      return;
    }
    switch (m.t) {
      case 'start':
        this.#onStart(job, m.worker);
        return;
      case 'event':
        return this.#onEvent(job, m.event, m.sha256 ?? {});
      case 'end': {
        const relay = this.#relay(job);
        const fresh = this.store.getJob(job.id)!;
        const end = settle(fresh, relay.tracker, this.opts.catalog(), m.outcome, {
          cancelRequested: m.cancelled || relay.cancelRequested,
          timedOut: m.timedOut,
          timeoutMs: fresh.timeoutMs ?? this.opts.jobTimeoutMs,
          durationMs: m.durationMs,
        });
        finishJob(this.store, this.hub, relay.tracker, fresh, end);
        this.#relays.delete(job.id);
        return;
      }
    }
  }

  #onStart(job: JobRecord, worker: string): void {
    const old = this.#relays.get(job.id);
    if (old) {
      // A second start: the first worker was lost (stalled) and another picked the job up.
      old.tracker.flushAll();
      old.tracker.close();
      this.#relays.delete(job.id);
    }
    if (job.state === 'running') this.store.requeue(job.id);
    this.store.markRunning(job.id, Date.now());
    const fresh = this.store.getJob(job.id)!;
    const relay: Relay = {
      tracker: this.#tracker(job.id),
      worker,
      cancelRequested: old?.cancelRequested ?? false,
    };
    this.#relays.set(job.id, relay);
    relay.tracker.emit({
      type: 'job:state',
      jobId: job.id,
      at: Date.now(),
      state: 'running',
      priority: fresh.priority,
      attempts: fresh.attempts,
    });
    if (relay.cancelRequested) this.#background('cancel', this.pub.publish(CANCEL_CHANNEL, job.id));
  }

  #onEvent(job: JobRecord, event: EngineEvent, sha256: Record<string, string>): void | Promise<void> {
    const relay = this.#relay(job);
    if (event.type !== 'node:done' && event.type !== 'node:cached') {
      relay.tracker.onEngineEvent(event);
      this.#release(relay);
      return;
    }
    // The worker uploaded its files here first; their paths are relative to the outputs folder. A file
    // missing here (this front was down or behind during the upload) is fetched from another front.
    const rels = event.artifacts.flatMap((a) =>
      a.kind === 'file' && !path.isAbsolute(a.path) ? [a.path] : [],
    );
    event.artifacts = event.artifacts.map((a) =>
      a.kind === 'file' && !path.isAbsolute(a.path)
        ? { ...a, path: path.join(this.opts.outputsDir, a.path) }
        : a,
    );
    const missing = rels.filter((rel) => !existsSync(path.join(this.opts.outputsDir, rel)));
    if (!missing.length || !this.opts.workerSecret) return relay.tracker.onEngineEvent(event);
    return this.#fetchMissing(job.id, missing, sha256).then(() => relay.tracker.onEngineEvent(event));
  }

  async #fetchMissing(jobId: string, rels: string[], sha256: Record<string, string>): Promise<void> {
    const fronts = await readAnnounced<FrontInfo>(this.pub, FRONT_KEY_PREFIX).catch(() => []);
    const peers = fronts.filter((f) => f.id !== this.#front).map((f) => f.url);
    for (const rel of rels) {
      const got = await fetchFromPeers({
        peers,
        jobId,
        rel,
        sha256: sha256[rel],
        outputsDir: this.opts.outputsDir,
        secret: this.opts.workerSecret ?? '',
      });
      if (!got.ok)
        this.opts.log(
          'warn',
          `job ${jobId}: output ${rel} is on no other live front (${got.reasons.join('; ') || 'none is live'})`,
        );
    }
  }

  /** The relay of a running job; made on first sight when this front (re)started while it ran. */
  #relay(job: JobRecord): Relay {
    let relay = this.#relays.get(job.id);
    if (!relay) {
      relay = { tracker: this.#tracker(job.id), worker: 'unknown', cancelRequested: false };
      this.#relays.set(job.id, relay);
    }
    return relay;
  }

  /** BullMQ gave up on the job (its worker was lost more often than allowed, or the processor threw). */
  #onFailed(jobId: string, reason: string): void {
    const job = this.store.getJob(jobId);
    if (!job || TERMINAL.has(job.state)) return;
    const relay = this.#relays.get(jobId);
    const error: JobError = { code: 'interrupted', message: `the job's worker was lost: ${reason}` };
    finishJob(this.store, this.hub, relay?.tracker ?? this.#tracker(jobId), job, {
      state: 'failed',
      durationMs: null,
      error,
    });
    this.#relays.delete(jobId);
  }

  #tracker(jobId: string): JobTracker {
    return newTracker(this.#book, jobId);
  }

  #background(what: string, p: Promise<unknown>): void {
    p.catch((err: Error) => this.opts.log('error', `${what} in Redis failed: ${err.message}`));
  }
}

/** A worker's announcement as a `Capability`. */
export function workerCapability(w: WorkerInfo): Capability {
  const packs: Record<string, string> = {};
  for (const p of w.packs) if (p.version !== undefined) packs[p.name] = p.version;
  return { nodeTypes: w.nodeTypes, models: w.models ?? [], packs };
}
