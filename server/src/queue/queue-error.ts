import type { JobState } from '@reelgraph/protocol';

/** Why the queue refused an operation; the HTTP layer picks the status and body (`routes/queue-errors.ts`). */
export type QueueFault =
  | { kind: 'queue_full'; limit: number }
  | { kind: 'not_found'; jobId: string }
  | { kind: 'conflict'; jobId: string; state: JobState; operation: 'reprioritise' | 'delete' };

function describe(f: QueueFault): string {
  switch (f.kind) {
    case 'queue_full':
      return `the queue already holds ${f.limit} jobs`;
    case 'not_found':
      return `job ${f.jobId} not found`;
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
