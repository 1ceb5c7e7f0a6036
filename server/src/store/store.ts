import path from 'node:path';
import type { JobError, JobState, NodeStatus, Output, ServerEvent } from '@reelgraph/protocol';
import Database from 'better-sqlite3';
import { migrate } from './migrations';
import { UploadNames } from './upload-names';
import { WorkflowStore } from './workflows';

/** A job row as the queue sees it. */
export interface JobRecord {
  id: string;
  ord: number;
  state: JobState;
  priority: number;
  clientId: string | null;
  /** With `serve --users`: the user who submitted it. */
  owner: string | null;
  title: string | null;
  nodeCount: number;
  graph: string;
  targets: string[] | null;
  timeoutMs: number | null;
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  durationMs: number | null;
  attempts: number;
  error: JobError | null;
  nodes: Record<string, NodeStatus> | null;
  outputCount: number;
}

export interface ComfyPromptRecord {
  jobId: string;
  /** The API-format prompt as sent. */
  prompt: Record<string, unknown>;
  extraData: unknown;
  clientId: string | undefined;
}

export interface FileOutputRecord {
  id: string;
  jobId: string;
  nodeId: string;
  relPath: string;
  name: string;
  mime: string;
  size: number;
  meta: Record<string, unknown> | undefined;
}

interface JobRow {
  id: string;
  ord: number;
  state: JobState;
  priority: number;
  client_id: string | null;
  owner: string | null;
  title: string | null;
  node_count: number;
  graph: string;
  targets: string | null;
  timeout_ms: number | null;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
  duration_ms: number | null;
  attempts: number;
  error: string | null;
  nodes: string | null;
  output_count: number;
}

const SELECT_JOB = `SELECT j.*, (SELECT COUNT(*) FROM outputs o WHERE o.job_id = j.id) AS output_count FROM jobs j`;

function toRecord(r: JobRow): JobRecord {
  return {
    id: r.id,
    ord: r.ord,
    state: r.state,
    priority: r.priority,
    clientId: r.client_id,
    owner: r.owner,
    title: r.title,
    nodeCount: r.node_count,
    graph: r.graph,
    targets: r.targets ? (JSON.parse(r.targets) as string[]) : null,
    timeoutMs: r.timeout_ms,
    createdAt: r.created_at,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    durationMs: r.duration_ms,
    attempts: r.attempts,
    error: r.error ? (JSON.parse(r.error) as JobError) : null,
    nodes: r.nodes ? (JSON.parse(r.nodes) as Record<string, NodeStatus>) : null,
    outputCount: r.output_count,
  };
}

/**
 * The persistent queue and history (SQLite, WAL). Every accepted job is written before the server
 * answers 201, so a crash loses nothing accepted. Synchronous API: better-sqlite3 calls are
 * microseconds and keep the ordering of events trivially correct.
 *
 * Writes nobody waits on (events, outputs, a job's end) are queued and committed together, in order, in
 * one transaction at the end of the tick: a commit costs far more than a row, and a trivial job writes
 * a dozen rows. Every read and every write that answers commits the queue first, so the store always
 * reads its own writes; `afterCommit` holds what must only be told once it is stored (job events).
 */
export class Store {
  readonly db: Database.Database;
  /** Saved workflows and components, per user. */
  readonly workflows: WorkflowStore;
  readonly uploadNames: UploadNames;
  readonly #stmts;
  #queued: (() => void)[] = [];
  #told: (() => void)[] = [];
  #scheduled = false;

  constructor(dataDir: string) {
    this.db = new Database(path.join(dataDir, 'reelgraph.db'));
    this.db.pragma('journal_mode = WAL');
    // NORMAL in WAL mode is durable across process crashes (kill -9); only an OS crash can lose the tail.
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 5000');
    try {
      migrate(this.db);
    } catch (err) {
      this.db.close();
      throw err;
    }
    const db = this.db;
    this.workflows = new WorkflowStore(db);
    this.uploadNames = new UploadNames(db);
    this.#stmts = {
      insertJob: db.prepare(
        `INSERT INTO jobs (id, state, priority, client_id, owner, title, node_count, graph, targets, timeout_ms, created_at)
         VALUES (@id, 'queued', @priority, @clientId, @owner, @title, @nodeCount, @graph, @targets, @timeoutMs, @createdAt)`,
      ),
      getJob: db.prepare(`${SELECT_JOB} WHERE j.id = ?`),
      nextQueued: db.prepare(
        `${SELECT_JOB} WHERE j.state = 'queued' ORDER BY j.priority DESC, j.ord ASC LIMIT 1`,
      ),
      countQueued: db.prepare(`SELECT COUNT(*) AS n FROM jobs WHERE state = 'queued'`),
      position: db.prepare(
        `SELECT COUNT(*) AS n FROM jobs WHERE state = 'queued' AND (priority > @priority OR (priority = @priority AND ord < @ord))`,
      ),
      markRunning: db.prepare(
        `UPDATE jobs SET state = 'running', started_at = @at, attempts = attempts + 1, error = NULL WHERE id = @id AND state = 'queued'`,
      ),
      finish: db.prepare(
        `UPDATE jobs SET state = @state, finished_at = @at, duration_ms = @durationMs, error = @error, nodes = @nodes WHERE id = @id`,
      ),
      setPriority: db.prepare(`UPDATE jobs SET priority = @priority WHERE id = @id AND state = 'queued'`),
      running: db.prepare(`${SELECT_JOB} WHERE j.state = 'running'`),
      requeue: db.prepare(
        `UPDATE jobs SET state = 'queued', started_at = NULL, attempts = MAX(0, attempts - @refund) WHERE id = @id`,
      ),
      insertEvent: db.prepare(`INSERT INTO events (job_id, seq, type, data) VALUES (?, ?, ?, ?)`),
      maxSeq: db.prepare(`SELECT MAX(seq) AS n FROM events WHERE job_id = ?`),
      events: db.prepare(
        `SELECT seq, data FROM events WHERE job_id = ? AND seq > ? AND seq <= ? ORDER BY seq`,
      ),
      insertFile: db.prepare(
        `INSERT INTO outputs (id, job_id, node_id, kind, rel_path, name, mime, size, meta) VALUES (@id, @jobId, @nodeId, 'file', @relPath, @name, @mime, @size, @meta)`,
      ),
      insertValue: db.prepare(
        `INSERT INTO outputs (job_id, node_id, kind, value, label) VALUES (@jobId, @nodeId, 'value', @value, @label)`,
      ),
      outputsOf: db.prepare(`SELECT * FROM outputs WHERE job_id = ? ORDER BY ord`),
      fileOutput: db.prepare(`SELECT * FROM outputs WHERE id = ? AND kind = 'file'`),
      deleteJob: db.prepare(`DELETE FROM jobs WHERE id = ?`),
      deleteEvents: db.prepare(`DELETE FROM events WHERE job_id = ?`),
      deleteOutputs: db.prepare(`DELETE FROM outputs WHERE job_id = ?`),
      insertComfy: db.prepare(
        `INSERT INTO comfy_prompts (job_id, prompt, extra_data, client_id) VALUES (@jobId, @prompt, @extraData, @clientId)`,
      ),
      comfyPrompts: db.prepare(
        `SELECT c.job_id, c.prompt, c.extra_data, c.client_id FROM comfy_prompts c JOIN jobs j ON j.id = c.job_id ORDER BY j.ord`,
      ),
      deleteComfy: db.prepare(`DELETE FROM comfy_prompts WHERE job_id = ?`),
      activeOfClient: db.prepare(
        `SELECT id FROM jobs WHERE client_id = @clientId AND owner IS @owner AND state IN ('queued', 'running')`,
      ),
    };
  }

  close(): void {
    this.flush();
    this.db.close();
  }

  /** Queue a write nobody waits on; it commits with the rest of this tick's. */
  #later(write: () => void): void {
    this.#queued.push(write);
    this.#schedule();
  }

  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      this.flush();
    });
  }

  /**
   * Commit the queued writes in one transaction, with `write` last when given (its result returned, its
   * error thrown). Should that transaction fail, each queued write runs alone, so a bad row loses only itself.
   */
  #commit<T>(write?: () => T): T | undefined {
    if (this.#queued.length === 0 || !this.db.open) return write?.();
    const writes = this.#queued;
    this.#queued = [];
    try {
      return this.db.transaction(() => {
        for (const w of writes) w();
        return write?.();
      })();
    } catch {
      for (const w of writes) {
        try {
          w();
        } catch (err) {
          console.warn(`[reelgraph] a store write failed: ${err instanceof Error ? err.message : err}`);
        }
      }
      return write?.();
    }
  }

  /** Commit what is queued, then run what waited for it. */
  flush(): void {
    this.#commit();
    while (this.#told.length > 0) {
      const told = this.#told;
      this.#told = [];
      for (const f of told) f();
      this.#commit();
    }
  }

  /** Run `fn` once every write queued so far is committed: now when nothing waits. */
  afterCommit(fn: () => void): void {
    if (this.#queued.length === 0 && this.#told.length === 0) {
      fn();
      return;
    }
    this.#told.push(fn);
    this.#schedule();
  }

  insertJob(
    j: Pick<
      JobRecord,
      'id' | 'priority' | 'clientId' | 'title' | 'nodeCount' | 'graph' | 'targets' | 'timeoutMs' | 'createdAt'
    > & { owner?: string | null },
  ): void {
    const row = { ...j, owner: j.owner ?? null, targets: j.targets ? JSON.stringify(j.targets) : null };
    // Committed now, with what was queued before it: the job is stored before the server answers 201.
    this.#commit(() => this.#stmts.insertJob.run(row));
  }

  getJob(id: string): JobRecord | undefined {
    this.#commit();
    const r = this.#stmts.getJob.get(id) as JobRow | undefined;
    return r && toRecord(r);
  }

  nextQueued(): JobRecord | undefined {
    this.#commit();
    const r = this.#stmts.nextQueued.get() as JobRow | undefined;
    return r && toRecord(r);
  }

  countQueued(): number {
    this.#commit();
    return (this.#stmts.countQueued.get() as { n: number }).n;
  }

  /** 0-based place among queued jobs in run order. */
  positionOf(job: { priority: number; ord: number }): number {
    this.#commit();
    return (this.#stmts.position.get({ priority: job.priority, ord: job.ord }) as { n: number }).n;
  }

  markRunning(id: string, at: number): boolean {
    return this.#commit(() => this.#stmts.markRunning.run({ id, at }).changes === 1)!;
  }

  finish(
    id: string,
    state: JobState,
    at: number,
    durationMs: number | null,
    error: JobError | null,
    nodes: Record<string, NodeStatus> | null,
  ): void {
    const row = {
      id,
      state,
      at,
      durationMs,
      error: error ? JSON.stringify(error) : null,
      nodes: nodes ? JSON.stringify(nodes) : null,
    };
    this.#later(() => this.#stmts.finish.run(row));
  }

  setPriority(id: string, priority: number): boolean {
    return this.#commit(() => this.#stmts.setPriority.run({ id, priority }).changes === 1)!;
  }

  runningJobs(): JobRecord[] {
    this.#commit();
    return (this.#stmts.running.all() as JobRow[]).map(toRecord);
  }

  /** Back to the queue; `refund` takes back the attempt (a clean shutdown is not the job's fault). */
  requeue(id: string, refund = false): void {
    this.#later(() => this.#stmts.requeue.run({ id, refund: refund ? 1 : 0 }));
  }

  appendEvent(jobId: string, seq: number, type: string, data: string): void {
    this.#later(() => this.#stmts.insertEvent.run(jobId, seq, type, data));
  }

  maxSeq(jobId: string): number {
    this.#commit();
    return (this.#stmts.maxSeq.get(jobId) as { n: number | null }).n ?? 0;
  }

  eventsAfter(jobId: string, afterSeq: number): ServerEvent[] {
    return this.eventTextsAfter(jobId, afterSeq).map((e) => JSON.parse(e.text) as ServerEvent);
  }

  /** The stored events in (afterSeq, upTo], as they were encoded once when they happened. */
  eventTextsAfter(
    jobId: string,
    afterSeq: number,
    upTo = Number.MAX_SAFE_INTEGER,
  ): { seq: number; text: string }[] {
    this.#commit();
    return (this.#stmts.events.all(jobId, afterSeq, upTo) as { seq: number; data: string }[]).map((r) => ({
      seq: r.seq,
      text: r.data,
    }));
  }

  addFileOutput(o: FileOutputRecord): void {
    const row = { ...o, meta: o.meta ? JSON.stringify(o.meta) : null };
    this.#later(() => this.#stmts.insertFile.run(row));
  }

  addValueOutput(jobId: string, nodeId: string, value: unknown, label: string | undefined): void {
    const row = { jobId, nodeId, value: JSON.stringify(value), label: label ?? null };
    this.#later(() => this.#stmts.insertValue.run(row));
  }

  outputsOf(jobId: string): Output[] {
    this.#commit();
    const rows = this.#stmts.outputsOf.all(jobId) as Record<string, unknown>[];
    return rows.map((r) =>
      r.kind === 'file'
        ? {
            kind: 'file' as const,
            id: r.id as string,
            nodeId: r.node_id as string,
            name: r.name as string,
            mime: r.mime as string,
            size: r.size as number,
            url: `/api/outputs/${r.id as string}`,
            ...(r.meta ? { meta: JSON.parse(r.meta as string) } : {}),
          }
        : {
            kind: 'value' as const,
            nodeId: r.node_id as string,
            value: JSON.parse(r.value as string),
            ...(r.label ? { label: r.label as string } : {}),
          },
    );
  }

  fileOutput(id: string): FileOutputRecord | undefined {
    this.#commit();
    const r = this.#stmts.fileOutput.get(id) as Record<string, unknown> | undefined;
    if (!r) return undefined;
    return {
      id: r.id as string,
      jobId: r.job_id as string,
      nodeId: r.node_id as string,
      relPath: r.rel_path as string,
      name: r.name as string,
      mime: r.mime as string,
      size: r.size as number,
      meta: r.meta ? JSON.parse(r.meta as string) : undefined,
    };
  }

  deleteJob(id: string): void {
    this.#forget([{ id }]);
  }

  /**
   * Forget every finished job (with its events and output records), or only `owner`'s; output files
   * stay on disk.
   */
  clearFinished(owner?: string): number {
    this.#commit();
    const finished = `SELECT id FROM jobs WHERE state IN ('success', 'failed', 'cancelled')`;
    const ids = (
      owner === undefined
        ? this.db.prepare(finished).all()
        : this.db.prepare(`${finished} AND owner = ?`).all(owner)
    ) as { id: string }[];
    this.#forget(ids);
    return ids.length;
  }

  #forget(jobs: { id: string }[]): void {
    this.#commit();
    this.db.transaction(() => {
      for (const { id } of jobs) {
        this.#stmts.deleteEvents.run(id);
        this.#stmts.deleteOutputs.run(id);
        this.#stmts.deleteComfy.run(id);
        this.#stmts.deleteJob.run(id);
      }
    })();
  }

  /**
   * Keep the newest `keep` finished jobs; older ones (with their events and output records) go. Output
   * files stay on disk: they are the user's.
   */
  pruneHistory(keep: number): number {
    this.#commit();
    const old = this.db
      .prepare(
        `SELECT id FROM jobs WHERE state IN ('success', 'failed', 'cancelled') ORDER BY ord DESC LIMIT -1 OFFSET ?`,
      )
      .all(keep) as { id: string }[];
    this.#forget(old);
    return old.length;
  }

  /** A job came in through the ComfyUI API: what its /history entry shows besides its events. */
  addComfyPrompt(p: ComfyPromptRecord): void {
    this.#stmts.insertComfy.run({
      jobId: p.jobId,
      prompt: JSON.stringify(p.prompt),
      extraData: p.extraData === undefined ? null : JSON.stringify(p.extraData),
      clientId: p.clientId ?? null,
    });
  }

  /** The ComfyUI prompts whose jobs are still kept, oldest first. */
  comfyPrompts(): ComfyPromptRecord[] {
    const rows = this.#stmts.comfyPrompts.all() as {
      job_id: string;
      prompt: string;
      extra_data: string | null;
      client_id: string | null;
    }[];
    return rows.map((r) => ({
      jobId: r.job_id,
      prompt: JSON.parse(r.prompt) as Record<string, unknown>,
      extraData: r.extra_data === null ? undefined : (JSON.parse(r.extra_data) as unknown),
      clientId: r.client_id ?? undefined,
    }));
  }

  /** ComfyUI's "clear history": the prompt leaves /history; the job stays in Reelgraph's. */
  deleteComfyPrompt(jobId: string): void {
    this.#stmts.deleteComfy.run(jobId);
  }

  /** A client id names a client within one owner (null without named users). */
  activeJobsOfClient(clientId: string, owner: string | null = null): string[] {
    this.#commit();
    return (this.#stmts.activeOfClient.all({ clientId, owner }) as { id: string }[]).map((r) => r.id);
  }

  /** Jobs in list order: running, queued in run order, then finished newest first. */
  listJobs(q: {
    states?: JobState[];
    clientId?: string;
    /** Only this named user's jobs. */
    owner?: string;
    /** Graph titles containing this text (case-insensitive). */
    title?: string;
    /** Only jobs that wrote at least one file. */
    withFiles?: boolean;
    limit: number;
    offset: number;
  }): {
    jobs: JobRecord[];
    total: number;
  } {
    this.#commit();
    const where: string[] = [];
    const params: unknown[] = [];
    if (q.title) {
      where.push(`j.title LIKE ? ESCAPE '\\'`);
      params.push(`%${q.title.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
    }
    if (q.withFiles) where.push(`EXISTS (SELECT 1 FROM outputs o WHERE o.job_id = j.id AND o.kind = 'file')`);
    if (q.states && q.states.length > 0) {
      where.push(`j.state IN (${q.states.map(() => '?').join(',')})`);
      params.push(...q.states);
    }
    if (q.clientId) {
      where.push('j.client_id = ?');
      params.push(q.clientId);
    }
    if (q.owner !== undefined) {
      where.push('j.owner = ?');
      params.push(q.owner);
    }
    const w = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const total = (this.db.prepare(`SELECT COUNT(*) AS n FROM jobs j ${w}`).get(...params) as { n: number })
      .n;
    const rows = this.db
      .prepare(
        `${SELECT_JOB} ${w} ORDER BY CASE j.state WHEN 'running' THEN 0 WHEN 'queued' THEN 1 ELSE 2 END,
           CASE WHEN j.state = 'queued' THEN -j.priority ELSE 0 END, CASE WHEN j.state = 'queued' THEN j.ord ELSE -j.ord END
         LIMIT ? OFFSET ?`,
      )
      .all(...params, q.limit, q.offset) as JobRow[];
    return { jobs: rows.map(toRecord), total };
  }
}
