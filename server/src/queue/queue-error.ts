import type { JobState } from '@reelgraph/protocol';

/** Why the queue refused an operation; the HTTP layer picks the status and body (`routes/queue-errors.ts`). */
export type QueueFault =
  | { kind: 'queue_full'; limit: number }
  | { kind: 'not_found'; jobId: string }
  | { kind: 'conflict'; jobId: string; state: JobState; operation: 'reprioritise' | 'delete' }
  /**
   * Scale-out: no live worker can run the graph. `missing`: node types none of them has; `models`: model
   * ids none has; `packs`: `name@version` of the graph's packs no worker has in that version.
   */
  | { kind: 'no_worker'; workers: number; missing: string[]; models: string[]; packs: string[] };

function describe(f: QueueFault): string {
  switch (f.kind) {
    case 'queue_full':
      return `the queue already holds ${f.limit} jobs`;
    case 'not_found':
      return `job ${f.jobId} not found`;
    case 'no_worker':
      if (f.workers === 0) return 'no worker is running to take this job (start one: reelgraph worker)';
      return f.missing.length + f.models.length + f.packs.length > 0
        ? `no running worker has ${[
            f.missing.length ? `the node type(s) ${f.missing.join(', ')}` : '',
            f.models.length ? `the model(s) ${f.models.join(', ')}` : '',
            f.packs.length ? `the pack version(s) ${f.packs.join(', ')}` : '',
          ]
            .filter(Boolean)
            .join('; ')}`
        : 'no single running worker has every node type, model and pack version this graph needs';
    case 'conflict':
      return f.operation === 'reprioritise'
        ? `only queued jobs can be reprioritised; this one is ${f.state}`
        : `a ${f.state} job cannot be deleted; cancel it first`;
  }
}

/** A domain error of the queue: speaks of jobs, not of HTTP. */
export class QueueError extends Error {
  constructor(readonly fault: QueueFault) {
    super(describe(fault));
    this.name = 'QueueError';
  }
}
