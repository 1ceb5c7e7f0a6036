import { type GraphDocument, INNER_SEPARATOR, instanceOf, type ValidationError } from '@reelgraph/graph';
import {
  type JobSummary,
  type NodeRunState,
  type NodeStatus,
  type Output,
  type PreviewFrame,
  type ServerEvent,
  TERMINAL_STATES,
} from '@reelgraph/protocol';
import { createStore } from 'zustand/vanilla';

/** A node of the job the canvas shows: the protocol's node status, with its outputs and error text. */
export type NodeRun = Omit<NodeStatus, 'error'> & {
  error?: string;
  /** Failed because the job's time limit stopped it while it ran (it hung), or its process crashed. */
  stopped?: 'timeout' | 'crashed';
  outputs?: Output[];
};

/** A job in the queue panel: the protocol's summary fields it shows, its outputs, the error text. */
export type JobView = Pick<JobSummary, 'id' | 'state' | 'createdAt'> &
  Partial<Pick<JobSummary, 'position' | 'title' | 'durationMs' | 'outputCount'>> & {
    error?: string | null;
    outputs: Output[];
    /** The graph as submitted (for re-run); only for jobs this tab submitted. */
    graph?: GraphDocument;
  };

export interface RunState {
  connected: boolean;
  jobs: Record<string, JobView>;
  /** The job whose progress the canvas shows (the latest that started). */
  activeJob?: string;
  nodes: Record<string, NodeRun>;
  /** Live previews (object URLs) by node id. */
  previews: Record<string, { url: string; step?: number; total?: number; frames: number }>;
  /** Validation problems by node id (`''` for document-level ones). */
  problems: Record<string, ValidationError[]>;
}

export const runStore = createStore<RunState>()(() => ({
  connected: false,
  jobs: {},
  nodes: {},
  previews: {},
  problems: {},
}));

export function setProblems(errors: ValidationError[]): void {
  const problems: Record<string, ValidationError[]> = {};
  for (const e of errors) {
    const key = e.nodeId ?? '';
    problems[key] = [...(problems[key] ?? []), e];
  }
  runStore.setState({ problems });
}

export function trackJob(id: string, graph: GraphDocument, position: number): void {
  const jobs = runStore.getState().jobs;
  runStore.setState({
    jobs: {
      ...jobs,
      [id]: {
        id,
        state: 'queued',
        position,
        title: graph.meta?.title ?? null,
        createdAt: Date.now(),
        outputs: [],
        graph,
      },
    },
  });
}

export function mergeJobs(list: JobSummary[]): void {
  const jobs = { ...runStore.getState().jobs };
  for (const j of list) {
    const prev = jobs[j.id];
    // A list fetched before a job's last event must not undo it: terminal states are final.
    const state = prev && TERMINAL_STATES.includes(prev.state) ? prev.state : j.state;
    jobs[j.id] = {
      ...prev,
      id: j.id,
      state,
      position: j.position,
      title: j.title,
      createdAt: j.createdAt,
      durationMs: j.durationMs,
      error: j.error?.message ?? null,
      outputs: prev?.outputs ?? [],
      outputCount: j.outputCount,
    };
  }
  runStore.setState({ jobs });
}

/** After the server cleared its history: forget the finished jobs here too. */
export function forgetFinished(): void {
  const jobs = Object.fromEntries(
    Object.entries(runStore.getState().jobs).filter(([, j]) => !TERMINAL_STATES.includes(j.state)),
  );
  runStore.setState({ jobs });
}

function patchJob(id: string, patch: Partial<JobView>): Record<string, JobView> {
  const jobs = runStore.getState().jobs;
  const prev = jobs[id] ?? { id, state: 'queued' as const, createdAt: Date.now(), outputs: [] };
  return { ...jobs, [id]: { ...prev, ...patch } };
}

function patchNode(id: string, patch: Partial<NodeRun> & { state: NodeRunState }): Record<string, NodeRun> {
  const nodes = runStore.getState().nodes;
  const next = { ...nodes, [id]: { ...nodes[id], ...patch } };
  const instance = instanceOf(id);
  if (instance !== id) next[instance] = rollUp(next, instance);
  return next;
}

/** A subgraph instance's state, from its inner nodes' (`instance/…`): it shows their progress and outputs. */
function rollUp(nodes: Record<string, NodeRun>, instance: string): NodeRun {
  const prefix = `${instance}${INNER_SEPARATOR}`;
  const inner = Object.entries(nodes)
    .filter(([id]) => id.startsWith(prefix))
    .map(([, n]) => n);
  const running = inner.find((n) => n.state === 'running');
  const failed = inner.find((n) => n.state === 'failed');
  const ended = inner.every((n) => n.state === 'done' || n.state === 'cached' || n.state === 'skipped');
  const state: NodeRunState = failed
    ? 'failed'
    : running || !ended
      ? 'running'
      : inner.every((n) => n.state === 'cached')
        ? 'cached'
        : 'done';
  const outputs = inner.flatMap((n) => n.outputs ?? []);
  return {
    state,
    ...(running?.step !== undefined ? { step: running.step, total: running.total } : {}),
    ...(failed?.error ? { error: failed.error } : {}),
    ...(outputs.length ? { outputs } : {}),
  };
}

/** Fold one server event into the run state. */
export function applyEvent(e: ServerEvent): void {
  const s = runStore.getState();
  const active = s.activeJob === e.jobId;
  switch (e.type) {
    case 'job:queued':
      runStore.setState({ jobs: patchJob(e.jobId, { state: 'queued', position: e.position }) });
      return;
    case 'job:state': {
      const patch: Partial<JobView> = { state: e.state, position: e.position ?? null };
      if (e.outputs) patch.outputs = e.outputs;
      if (e.error) patch.error = e.error.message;
      // The node that was running when the time limit (or a crash) stopped the job is the one at fault.
      const code = e.error?.code;
      const nodeId = e.error?.nodeId;
      const nodes =
        active && nodeId && (code === 'timeout' || code === 'crashed')
          ? patchNode(nodeId, { state: 'failed', error: e.error?.message ?? code, stopped: code })
          : undefined;
      runStore.setState({ jobs: patchJob(e.jobId, patch), ...(nodes ? { nodes } : {}) });
      return;
    }
    case 'job:snapshot': {
      const j = e.job;
      const nodes: Record<string, NodeRun> = {};
      for (const [id, n] of Object.entries(j.nodes)) {
        nodes[id] = {
          state: n.state,
          ...(n.step !== undefined ? { step: n.step } : {}),
          ...(n.total !== undefined ? { total: n.total } : {}),
          ...(n.durationMs !== undefined ? { durationMs: n.durationMs } : {}),
          ...(n.error ? { error: n.error.message } : {}),
          ...(n.error?.name === 'Timeout' ? { stopped: 'timeout' as const } : {}),
          ...(n.error?.name === 'Crashed' ? { stopped: 'crashed' as const } : {}),
        };
      }
      runStore.setState({
        jobs: patchJob(j.id, { state: j.state, position: j.position, outputs: j.outputs }),
        ...(j.state === 'running' ? { activeJob: j.id, nodes } : {}),
      });
      return;
    }
    case 'job:started': {
      const nodes: Record<string, NodeRun> = {};
      for (const id of e.planned) nodes[id] = { state: 'pending' };
      for (const p of Object.values(s.previews)) URL.revokeObjectURL(p.url);
      runStore.setState({
        activeJob: e.jobId,
        nodes,
        previews: {},
        jobs: patchJob(e.jobId, { state: 'running' }),
      });
      return;
    }
    case 'job:finished':
    case 'job:cancelled':
      runStore.setState({
        jobs: patchJob(e.jobId, {
          state: e.type === 'job:cancelled' ? 'cancelled' : e.status,
          durationMs: e.durationMs,
        }),
      });
      return;
  }
  if (!active) return;
  switch (e.type) {
    case 'node:started':
      runStore.setState({ nodes: patchNode(e.nodeId, { state: 'running' }) });
      return;
    case 'node:progress':
      runStore.setState({ nodes: patchNode(e.nodeId, { state: 'running', step: e.step, total: e.total }) });
      return;
    case 'node:cached':
      runStore.setState({ nodes: patchNode(e.nodeId, { state: 'cached', outputs: e.artifacts }) });
      return;
    case 'node:done':
      runStore.setState({
        nodes: patchNode(e.nodeId, { state: 'done', durationMs: e.durationMs, outputs: e.artifacts }),
      });
      return;
    case 'node:failed':
      runStore.setState({
        nodes: patchNode(e.nodeId, { state: 'failed', error: e.error.message, durationMs: e.durationMs }),
      });
      return;
    case 'node:skipped':
      runStore.setState({
        nodes: patchNode(e.nodeId, { state: 'skipped', error: `Blocked by ${e.blockedBy}` }),
      });
      return;
  }
}

export function applyPreview(p: PreviewFrame): void {
  const s = runStore.getState();
  if (s.activeJob && p.jobId !== s.activeJob) return;
  const prev = s.previews[p.nodeId];
  if (prev) URL.revokeObjectURL(prev.url);
  const url = URL.createObjectURL(new Blob([p.data as Uint8Array<ArrayBuffer>], { type: p.mime }));
  runStore.setState({
    previews: {
      ...s.previews,
      [p.nodeId]: {
        url,
        frames: p.frames,
        ...(p.step !== undefined ? { step: p.step } : {}),
        ...(p.total !== undefined ? { total: p.total } : {}),
      },
    },
  });
}
