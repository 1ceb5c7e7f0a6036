import { hostname } from 'node:os';
import type { EngineEvent } from '@reelgraph/executor';
import { DelayedError, type Job, Worker } from 'bullmq';
import type { HostConfig, NodeHost, RunOutcome } from '../queue/node-host';
import { ProcessNodeHost } from '../queue/process-host';
import { readAnnounced } from '../queue/redis/announce';
import { canRun, capabilityOf, missingOn, queueOf } from '../queue/redis/capability';
import { connectRedisPair } from '../queue/redis/connect';
import { appendLog } from '../queue/redis/job-log';
import {
  CANCEL_CHANNEL,
  encodeMessage,
  FRONT_KEY_PREFIX,
  type FrontInfo,
  PREVIEW_CHANNEL,
  type WireJob,
  WORKER_KEY_PREFIX,
  type WorkerInfo,
  type WorkerMessage,
} from '../queue/redis/wire';
import { handOverFiles } from './hand-over';

export interface WorkerOptions {
  /** `redis://host:port[/db]`. */
  redis: string;
  /** The secret the fronts check on output uploads (`REELGRAPH_WORKER_SECRET`). */
  secret: string;
  /** Shown in logs and on the fronts; default `<hostname>-<pid>`. */
  name?: string;
  /** Jobs this worker runs at once (one node-host child each). */
  concurrency: number;
  host: HostConfig;
  /** After a cancel or time limit, how long a job may take to stop before its child is killed. */
  abortGraceMs: number;
  /** BullMQ lock: a worker that stops renewing it for this long is taken as lost. Default 30 s. */
  lockMs?: number;
  /** How often the worker looks for jobs whose worker was lost. Default 30 s. */
  stalledIntervalMs?: number;
  /** Times a job may lose its worker and be run again before it fails. Default 2. */
  maxStalls?: number;
  /** How often the worker announces itself (`WorkerInfo`); default 2 s. */
  heartbeatMs?: number;
  log: (level: 'info' | 'warn' | 'error', message: string) => void;
}

export interface RunningWorker {
  readonly name: string;
  close(): Promise<void>;
}

/** A job this worker refused waits this long before any worker may take it again. */
const REFUSE_DELAY_MS = 200;

interface Running {
  controller: AbortController;
  cancelled: boolean;
  timedOut: boolean;
}

/**
 * `reelgraph worker`: no HTTP API. Takes jobs from BullMQ, runs them on the node host (child process
 * isolation, cache, previews), publishes their engine events for the fronts to relay, uploads their
 * output files to the front that accepted them, and stops a job within moments of a cancel.
 */
export async function startWorker(opts: WorkerOptions): Promise<RunningWorker> {
  const name = opts.name ?? `${hostname()}-${process.pid}`;
  const { connection, pub, sub } = await connectRedisPair(opts.redis, opts.log);
  let host: NodeHost;
  try {
    host = await ProcessNodeHost.start(opts.host, { warm: opts.concurrency });
  } catch (err) {
    pub.disconnect();
    sub.disconnect();
    throw err;
  }
  const running = new Map<string, Running>();
  let closing = false;

  const stopJob = (jobId: string, r: Running, why: string) => {
    r.controller.abort(new Error(why));
    const t = setTimeout(() => {
      if (running.get(jobId) !== r) return;
      opts.log('warn', `job ${jobId} did not stop within ${opts.abortGraceMs} ms; stopping it by force`);
      void host.kill(jobId, `job ${jobId} was ${r.timedOut ? 'stopped after its time limit' : 'cancelled'}`);
    }, opts.abortGraceMs);
    t.unref();
  };

  sub.on('message', (channel: string, jobId: string) => {
    if (channel !== CANCEL_CHANNEL) return;
    const r = running.get(jobId);
    if (!r || r.cancelled) return;
    r.cancelled = true;
    opts.log('info', `job ${jobId}: cancelled`);
    stopJob(jobId, r, 'cancelled');
  });
  await sub.subscribe(CANCEL_CHANNEL);

  // Previews are not stored: pub/sub. Everything else goes to the job log that every front applies.
  const publish = (m: WorkerMessage) =>
    m.t === 'event' && m.event.type === 'node:preview'
      ? pub.publish(PREVIEW_CHANNEL, encodeMessage(m))
      : appendLog(pub, m);
  /** The live fronts' upload addresses, read at most once a second; the job's own front if none is. */
  let fronts: { at: number; urls: string[] } = { at: 0, urls: [] };
  const liveFronts = async (own: string): Promise<string[]> => {
    if (Date.now() - fronts.at > 1000) {
      const live = await readAnnounced<FrontInfo>(pub, FRONT_KEY_PREFIX);
      fronts = { at: Date.now(), urls: [...new Set(live.map((f) => f.url))] };
    }
    return fronts.urls.length ? fronts.urls : [own];
  };

  const processor = async (job: Job<WireJob>, token?: string): Promise<{ state: string }> => {
    const jobId = job.id!;
    const data = job.data;
    const missing = data.needs && missingOn(data.needs, capabilityOf(host.catalog));
    if (missing && !canRun(missing)) {
      // Fronts route by capability; a job still lands here only when this worker's packs changed under it.
      // Back to the queue, a moment later, for a worker that has what it needs.
      opts.log(
        'info',
        `job ${jobId}: refused, this worker lacks ${JSON.stringify(missing)}; it goes back to the queue`,
      );
      await job.moveToDelayed(Date.now() + REFUSE_DELAY_MS, token);
      throw new DelayedError();
    }
    const r: Running = { controller: new AbortController(), cancelled: false, timedOut: false };
    running.set(jobId, r);
    const started = performance.now();
    // Events go out in order; a node's files are uploaded before the event that names them.
    let chain: Promise<unknown> = publish({ t: 'start', jobId, worker: name, attempt: job.attemptsStarted });
    let handOverError: Error | undefined;
    /** Each node's last progress step sent: a preview names it (`afterStep`). */
    const lastStep = new Map<string, number>();
    const forward = (e: EngineEvent) => {
      chain = chain
        .then(async () => {
          const sha256: Record<string, string> = {};
          const event = handOverError
            ? e
            : await handOverFiles(e, {
                fronts: () => liveFronts(data.front),
                jobId,
                outputsDir: opts.host.outputsDir,
                secret: opts.secret,
                log: (m) => opts.log('warn', `job ${jobId}: ${m}`),
                sha256,
              });
          if (e.type === 'node:progress') lastStep.set(e.nodeId, e.step);
          const afterStep = e.type === 'node:preview' ? lastStep.get(e.nodeId) : undefined;
          await publish({
            t: 'event',
            jobId,
            event,
            ...(Object.keys(sha256).length ? { sha256 } : {}),
            ...(afterStep !== undefined ? { afterStep } : {}),
          });
        })
        .catch((err: Error) => {
          if (!handOverError) {
            handOverError = err;
            opts.log('error', `job ${jobId}: ${err.message}`);
            r.controller.abort(err);
          }
        });
    };
    const timer = setTimeout(() => {
      r.timedOut = true;
      stopJob(jobId, r, `TIMEOUT: the job ran longer than ${data.timeoutMs} ms`);
    }, data.timeoutMs);
    let outcome: RunOutcome;
    try {
      outcome = await host.run({
        jobId,
        graph: data.graph,
        ...(data.targets ? { targets: data.targets } : {}),
        signal: r.controller.signal,
        onEvent: (e) => {
          if (e.jobId === jobId) forward(e);
        },
      });
    } catch (err) {
      outcome = { kind: 'crashed', message: `the worker failed to run this job: ${(err as Error).message}` };
    } finally {
      clearTimeout(timer);
    }
    await chain;
    running.delete(jobId);
    // Shutting down: no end is reported; once its lock runs out, BullMQ hands the job to another worker.
    if (closing) throw new Error(`worker ${name} shut down while the job ran`);
    if (handOverError) {
      outcome = {
        kind: 'crashed',
        message: `output files could not be handed to the front: ${handOverError.message}`,
      };
    }
    await publish({
      t: 'end',
      jobId,
      outcome,
      cancelled: r.cancelled,
      timedOut: r.timedOut,
      durationMs: performance.now() - started,
    });
    return { state: outcome.kind === 'result' ? outcome.status : outcome.kind };
  };

  // Its own capability set's queue: fronts route only jobs it can run there.
  const queue = queueOf(capabilityOf(host.catalog));
  const worker = new Worker<WireJob>(queue, processor, {
    connection,
    concurrency: opts.concurrency,
    name,
    lockDuration: opts.lockMs ?? 30_000,
    stalledInterval: opts.stalledIntervalMs ?? 30_000,
    maxStalledCount: opts.maxStalls ?? 2,
  });
  worker.on('error', (err) => opts.log('error', `queue: ${err.message}`));
  await worker.waitUntilReady();
  const heartbeatMs = opts.heartbeatMs ?? 2000;
  const startedAt = Date.now();
  const announce = () => {
    const info: WorkerInfo = {
      name,
      concurrency: opts.concurrency,
      running: [...running.keys()],
      nodeTypes: Object.keys(host.catalog.nodes),
      models: capabilityOf(host.catalog).models,
      packs: host.catalog.packs.map((p) => ({
        name: p.name,
        ...(p.version !== undefined ? { version: p.version } : {}),
        status: p.status,
      })),
      queue,
      startedAt,
      heartbeatAt: Date.now(),
    };
    return pub.set(`${WORKER_KEY_PREFIX}${name}`, JSON.stringify(info), 'PX', heartbeatMs * 3);
  };
  await announce();
  const heartbeat = setInterval(() => {
    announce().catch((err: Error) => opts.log('warn', `heartbeat: ${err.message}`));
  }, heartbeatMs);
  opts.log('info', `worker ${name} takes jobs from ${opts.redis} (${opts.concurrency} at once)`);

  let closed = false;
  return {
    name,
    async close() {
      if (closed) return;
      closed = true;
      closing = true;
      clearInterval(heartbeat);
      await pub.del(`${WORKER_KEY_PREFIX}${name}`).catch(() => {});
      // Running jobs are dropped, not failed: BullMQ hands them to another worker once their lock runs out.
      await worker.close(true);
      await host.close();
      pub.disconnect();
      sub.disconnect();
    },
  };
}
