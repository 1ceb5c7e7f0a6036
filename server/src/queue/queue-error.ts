import type { JobState } from '@reelgraph/protocol';

/** Why the queue refused an operation; the HTTP layer picks the status and body (`routes/queue-errors.ts`). */
export type QueueFault =
  | { kind: 'queue_full'; limit: number }
  | { kind: 'not_found'; jobId: string }
  | { kind: 'conflict'; jobId: string; state: JobState; operation: 'reprioritise' | 'delete' }
  /** Scale-out: no live worker has every node type the graph uses (`missing`: types none of them has). */
  | { kind: 'no_worker'; workers: number; missing: string[] };

function describe(f: QueueFault): string {
  switch (f.kind) {
    case 'queue_full':
      return `the queue already holds ${f.limit} jobs`;
    case 'not_found':
      return `job ${f.jobId} not found`;
    case 'no_worker':
      if (f.workers === 0) return 'no worker is running to take this job (start one: reelgraph worker)';
      return f.missing.length > 0
        ? `no running worker has the node type(s) ${f.missing.join(', ')}`
        : 'no single running worker has every node type this graph uses';
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
