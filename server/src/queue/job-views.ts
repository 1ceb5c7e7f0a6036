import type { GraphDocument } from '@reelgraph/graph';
import type { JobDetail, JobSummary, NodeStatus } from '@reelgraph/protocol';
import type { JobRecord, Store } from '../store/store';

/** What only the running job's tracker knows: its latest seq and per-node status. */
export interface LiveState {
  seq: number;
  nodes: Record<string, NodeStatus>;
}

/** A job as the protocol shows it, from its stored record and, while it runs, its live state. */
export class JobViews {
  constructor(
    private readonly store: Store,
    private readonly live: (jobId: string) => LiveState | undefined,
  ) {}

  summary(job: JobRecord): JobSummary {
    return {
      id: job.id,
      state: job.state,
      priority: job.priority,
      position: job.state === 'queued' ? this.store.positionOf(job) : null,
      clientId: job.clientId,
      ...(job.owner ? { owner: job.owner } : {}),
      title: job.title,
      nodeCount: job.nodeCount,
      createdAt: job.createdAt,
      startedAt: job.startedAt,
      finishedAt: job.finishedAt,
      durationMs: job.durationMs,
      attempts: job.attempts,
      error: job.error,
      outputCount: job.outputCount,
    };
  }

  detail(job: JobRecord, opts: { events: boolean; graph: boolean }): JobDetail {
    const live = this.live(job.id);
    const detail: JobDetail = {
      ...this.summary(job),
      seq: live ? live.seq : this.store.maxSeq(job.id),
      nodes: live ? structuredClone(live.nodes) : (job.nodes ?? {}),
      outputs: this.store.outputsOf(job.id),
    };
    if (opts.graph) detail.graph = JSON.parse(job.graph) as GraphDocument;
    if (opts.events)
      detail.events = this.store.eventsAfter(job.id, 0).filter((e) => e.type !== 'node:progress');
    return detail;
  }
}
