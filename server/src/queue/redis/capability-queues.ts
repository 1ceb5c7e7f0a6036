import { Queue, QueueEvents } from 'bullmq';
import type { RedisPair } from './connect';
import type { WireJob } from './wire';

/**
 * The front's side of per-capability routing: one BullMQ queue per capability set (`queueOf` in
 * capability.ts) that workers announce, opened when first needed. A job goes to a queue whose workers can
 * run it, so no worker ever takes a job it would have to refuse. Pause and resume reach every queue,
 * also one opened while the fronts are paused.
 */
export class CapabilityQueues {
  readonly #open = new Map<string, { queue: Queue<WireJob>; events: QueueEvents }>();
  #paused = false;
  /** The last pause/resume sent to Redis: a job added after it waits until it has landed. */
  #control: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly connection: RedisPair['connection'],
    private readonly on: {
      failed: (jobId: string, reason: string) => void;
      stalled: (jobId: string) => void;
    },
  ) {}

  /** The queue named `name`, opened (and paused, while the fronts are) on first use. */
  get(name: string): Queue<WireJob> {
    let q = this.#open.get(name);
    if (!q) {
      const queue = new Queue<WireJob>(name, { connection: this.connection });
      const events = new QueueEvents(name, { connection: this.connection });
      events.on('failed', ({ jobId, failedReason }) => this.on.failed(jobId, failedReason));
      events.on('stalled', ({ jobId }) => this.on.stalled(jobId));
      q = { queue, events };
      this.#open.set(name, q);
      if (this.#paused) this.#control = Promise.all([this.#control, queue.pause()]);
    }
    return q.queue;
  }

  /** Add a job once any pause sent before has landed (a worker could take it first). */
  async add(name: string, jobId: string, data: WireJob, priority: number): Promise<void> {
    const queue = this.get(name);
    await this.#control.catch(() => {});
    await queue.add('run', data, { jobId, priority, removeOnComplete: true, removeOnFail: 1000 });
  }

  setPaused(paused: boolean): Promise<unknown> {
    this.#paused = paused;
    const queues = [...this.#open.values()].map((q) => q.queue);
    this.#control = Promise.all(queues.map((q) => (paused ? q.pause() : q.resume())));
    return this.#control;
  }

  /** Take a waiting job out of whichever queue holds it; false when none does (a worker has it). */
  async remove(jobId: string): Promise<boolean> {
    const removed = await Promise.all([...this.#open.values()].map((q) => q.queue.remove(jobId)));
    return removed.some((n) => n > 0);
  }

  async changePriority(jobId: string, priority: number): Promise<void> {
    for (const { queue } of this.#open.values()) {
      const job = await queue.getJob(jobId);
      if (job) await job.changePriority({ priority });
    }
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.#open.values()].flatMap((q) => [q.events.close(), q.queue.close()]));
  }
}
