import type { GraphDocument } from '@reelgraph/graph';
import type { PackCatalog } from '@reelgraph/packs';
import type { JobError, JobState } from '@reelgraph/protocol';
import { type Culprit, culprit, describeCulprit } from '../packs/blame';
import { POLICY_REFUSED } from '../policy/classifiers';
import type { JobRecord, Store } from '../store/store';
import type { Hub } from '../ws/hub';
import type { JobTracker } from './job-tracker';
import type { RunOutcome } from './node-host';

/** How a run ended, as the queue records it. Shared by both queue drivers. */
export interface Settlement {
  state: JobState;
  durationMs: number | null;
  error: JobError | null;
}

function culpritFields(c: Culprit | undefined): Pick<JobError, 'nodeId' | 'nodeType' | 'pack'> {
  if (!c) return {};
  return { nodeId: c.nodeId, nodeType: c.nodeType, ...(c.pack ? { pack: c.pack } : {}) };
}

/**
 * Turn a run's outcome (and whether it was cancelled or timed out from outside) into the job's final
 * state and error. A job stopped from outside (time limit, crash) is blamed on the node still running.
 */
export function settle(
  job: JobRecord,
  tracker: JobTracker,
  catalog: PackCatalog,
  outcome: RunOutcome,
  run: { cancelRequested: boolean; timedOut: boolean; timeoutMs: number; durationMs: number },
): Settlement {
  const blame = (nodeId: string) => culprit(JSON.parse(job.graph) as GraphDocument, nodeId, catalog);
  const runningEntry = Object.entries(tracker.nodes).find(([, st]) => st.state === 'running');
  const running = runningEntry ? blame(runningEntry[0]) : undefined;
  const during = running ? ` while ${describeCulprit(running)} was running` : '';
  const { durationMs } = run;
  if (run.timedOut) {
    return {
      state: 'failed',
      durationMs,
      error: {
        code: 'timeout',
        message: `the job exceeded its time limit of ${run.timeoutMs} ms and was stopped${during}`,
        ...culpritFields(running),
      },
    };
  }
  if (run.cancelRequested && outcome.kind !== 'result')
    return { state: 'cancelled', durationMs, error: null };
  switch (outcome.kind) {
    case 'result': {
      if (outcome.status === 'success')
        return { state: 'success', durationMs: outcome.durationMs, error: null };
      if (outcome.status === 'cancelled')
        return { state: 'cancelled', durationMs: outcome.durationMs, error: null };
      const [nodeId, failure] = Object.entries(outcome.errors)[0] ?? [];
      const who = nodeId ? blame(nodeId) : undefined;
      return {
        state: 'failed',
        durationMs: outcome.durationMs,
        error: {
          // an output a policy classifier refused: the server's policy, not the node, failed the job
          code: failure?.name === POLICY_REFUSED ? POLICY_REFUSED : 'node_failed',
          message: nodeId
            ? `${who ? describeCulprit(who) : `node "${nodeId}"`} failed: ${failure?.message ?? 'unknown error'}`
            : 'the job failed',
          ...(nodeId ? { nodeId } : {}),
          ...culpritFields(who),
        },
      };
    }
    case 'invalid':
      return {
        state: 'failed',
        durationMs,
        error: {
          code: 'invalid_graph',
          message: `the graph no longer validates against the loaded nodes: ${outcome.errors
            .slice(0, 3)
            .map((e) => e.message)
            .join('; ')}`,
        },
      };
    case 'crashed':
      return {
        state: 'failed',
        durationMs,
        error: { code: 'crashed', message: `${outcome.message}${during}`, ...culpritFields(running) },
      };
  }
}

/** Record a job's end: settle node statuses, store it, emit the terminal `job:state`, drop its subscribers. */
export function finishJob(
  store: Store,
  hub: Hub,
  tracker: JobTracker,
  job: JobRecord,
  end: Settlement,
): void {
  const { state, durationMs, error } = end;
  tracker.flushAll();
  // Nodes still marked running when the job ends were stopped: by the time limit or a crash, the
  // node that was running is the one that failed ("timed out"), the ones waiting were skipped.
  const stoppedBy = error?.code === 'timeout' || error?.code === 'crashed' ? error : undefined;
  for (const st of Object.values(tracker.nodes)) {
    if (st.state === 'running' && stoppedBy) {
      st.state = 'failed';
      st.error = { name: stoppedBy.code === 'timeout' ? 'Timeout' : 'Crashed', message: stoppedBy.message };
    } else if (st.state === 'running' || st.state === 'pending') {
      st.state = state === 'success' ? 'done' : 'skipped';
    }
  }
  store.finish(job.id, state, Date.now(), durationMs, error, tracker.nodes);
  tracker.emit({
    type: 'job:state',
    jobId: job.id,
    at: Date.now(),
    state,
    priority: job.priority,
    attempts: job.attempts,
    ...(error ? { error } : {}),
    outputs: tracker.outputs,
  });
  tracker.close();
  hub.dropJob(job.id);
}
