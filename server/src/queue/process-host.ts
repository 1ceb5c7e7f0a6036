import type { PackCatalog } from '@reelgraph/packs';
import type { PolicyFinding } from '@reelgraph/protocol';
import type { TextInput } from '../policy/check-graph';
import { HostProcess } from './host-process';
import type { HostConfig, NodeHost, RunOutcome, RunRequest } from './node-host';

export interface ProcessHostOptions {
  /** Idle children kept loaded and ready (at least 1): one per job that may run at once. */
  warm?: number;
}

/**
 * Runs nodes in child processes, one job per child at a time, from a small pool of warm children. The
 * server stays responsive whatever a node does: a node that blocks or ignores cancellation is stopped
 * by killing its job's child, a stray exception ends only that child, and only that job fails. A child
 * that finishes its job goes back to the pool (its loaded models with it); a lost one is replaced in
 * the background so that the next job finds one ready.
 */
export class ProcessNodeHost implements NodeHost {
  #catalog!: PackCatalog;
  #system: Record<string, unknown> = {};
  readonly #idle: HostProcess[] = [];
  readonly #busy = new Map<string, HostProcess>();
  readonly #starting = new Set<Promise<HostProcess>>();
  readonly #warm: number;
  #closed = false;

  private constructor(
    readonly config: HostConfig,
    options: ProcessHostOptions,
  ) {
    this.#warm = Math.max(1, Math.floor(options.warm ?? 1));
  }

  static async start(config: HostConfig, options: ProcessHostOptions = {}): Promise<ProcessNodeHost> {
    const host = new ProcessNodeHost(config, options);
    const first = await host.#spawn();
    host.#system = first.system;
    host.#idle.push(first);
    host.#topUp();
    return host;
  }

  get catalog(): PackCatalog {
    return this.#catalog;
  }

  get system(): Record<string, unknown> {
    return this.#system;
  }

  /** Process ids of the children, idle and busy. */
  get pids(): number[] {
    return [...this.#idle, ...this.#busy.values()].flatMap((c) => (c.pid ? [c.pid] : []));
  }

  #spawn(): Promise<HostProcess> {
    const p = HostProcess.spawn(this.config).then((child) => {
      this.#catalog = child.catalog; // the newest load of the packs
      return child;
    });
    this.#starting.add(p);
    void p.catch(() => {}).finally(() => this.#starting.delete(p));
    return p;
  }

  /** Start children in the background until `warm` are idle or starting. */
  #topUp(): void {
    while (!this.#closed && this.#idle.length + this.#starting.size < this.#warm) {
      this.#spawn().then(
        (child) => {
          if (this.#closed || this.#idle.length >= this.#warm) void child.close();
          else this.#idle.push(child);
        },
        (err: unknown) =>
          console.warn(
            `[reelgraph] a spare node host failed to start: ${err instanceof Error ? err.message : err}`,
          ),
      );
    }
  }

  async #take(): Promise<HostProcess> {
    for (let child = this.#idle.pop(); child; child = this.#idle.pop()) if (child.alive) return child;
    return this.#spawn();
  }

  #release(child: HostProcess): void {
    if (!this.#closed && child.alive && this.#idle.length < this.#warm) this.#idle.push(child);
    else void child.close();
    this.#topUp();
  }

  async run(req: RunRequest): Promise<RunOutcome> {
    if (this.#closed) return { kind: 'crashed', message: 'server is shutting down' };
    let child: HostProcess;
    try {
      child = await this.#take();
    } catch (err) {
      return { kind: 'crashed', message: err instanceof Error ? err.message : String(err) };
    }
    // Stopped while it waited for a child (kill() found nothing to kill): run nothing.
    if (req.signal.aborted) {
      this.#release(child);
      return { kind: 'crashed', message: 'stopped before it started' };
    }
    this.#busy.set(req.jobId, child);
    try {
      return await child.run(req);
    } finally {
      this.#busy.delete(req.jobId);
      this.#release(child);
    }
  }

  /**
   * Text classifiers run in a child, as every pack's code does: an idle one, else a busy one (beside
   * its job: no new child for a submit). A child lost meanwhile refuses (the policy fails closed).
   */
  async classifyTexts(texts: TextInput[]): Promise<PolicyFinding[]> {
    if (!this.config.classifiers?.length || texts.length === 0) return [];
    const running = [...this.#idle, ...this.#busy.values()].find((c) => c.alive);
    const child = running ?? (await this.#take());
    try {
      const found = await child.classifyTexts(texts);
      if (found) return found;
    } finally {
      if (!running) this.#release(child);
    }
    return this.config.classifiers.map((c) => ({
      ruleId: `classifier:${c.node}`,
      category: 'classifier unavailable',
      action: 'refuse',
      match: 'the node host running the classifier stopped',
      nodeId: texts[0]?.nodeId ?? '',
      input: texts[0]?.input ?? '',
    }));
  }

  /** Hot reload in every child (running jobs keep their code); children started later load afresh. */
  async reload(): Promise<void> {
    if (this.#closed) return;
    const children = [...this.#idle, ...this.#busy.values()];
    if (children.length === 0) {
      await this.#take().then(
        (c) => this.#release(c),
        () => {},
      );
      return;
    }
    const catalogs = await Promise.all(children.map((c) => c.reload()));
    const catalog = catalogs.find((c) => c !== undefined);
    if (catalog) this.#catalog = catalog;
  }

  /** Kills only the child running `jobId`; other jobs run on. */
  async kill(jobId: string, reason: string): Promise<boolean> {
    await this.#busy.get(jobId)?.kill(reason);
    return true;
  }

  async close(): Promise<void> {
    this.#closed = true;
    const starting = await Promise.allSettled([...this.#starting]);
    const children = [
      ...this.#idle.splice(0),
      ...this.#busy.values(),
      ...starting.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : [])),
    ];
    await Promise.all(children.map((c) => c.close()));
  }
}
