import { type ChildProcess, fork } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { PackCatalog } from '@reelgraph/packs';
import type { ToChild, ToParent } from './host-messages';
import type { HostConfig, NodeHost, RunOutcome, RunRequest } from './node-host';

/** Set by the build (server/build/bundle.mjs): the built child beside the built server. */
declare const __REELGRAPH_HOST_CHILD__: string | undefined;
const BUILT_CHILD = typeof __REELGRAPH_HOST_CHILD__ === 'string' ? __REELGRAPH_HOST_CHILD__ : undefined;
// From sources (development, tests), the child is TypeScript run through tsx.
const CHILD_ENTRY = BUILT_CHILD ?? fileURLToPath(new URL('./host-child.ts', import.meta.url));
const CHILD_EXEC_ARGV = BUILT_CHILD
  ? []
  : ['--import', pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href];

interface Pending {
  req: RunRequest;
  resolve(outcome: RunOutcome): void;
  onAbort(): void;
}

/**
 * Runs nodes in a child process. The server stays responsive whatever a node does: a node that
 * blocks or ignores cancellation is stopped by killing the child, a stray exception ends only the
 * child, and the running job fails with the reason. A fresh child is started for the next job.
 */
export class ProcessNodeHost implements NodeHost {
  #child: ChildProcess | undefined;
  #catalog!: PackCatalog;
  #system: Record<string, unknown> = {};
  #starting: Promise<void> | undefined;
  readonly #pending = new Map<string, Pending>();
  #closed = false;
  #lastFatal: string | undefined;
  #reloads: (() => void)[] = [];

  private constructor(readonly config: HostConfig) {}

  static async start(config: HostConfig): Promise<ProcessNodeHost> {
    const host = new ProcessNodeHost(config);
    await host.#ensureChild();
    return host;
  }

  get catalog(): PackCatalog {
    return this.#catalog;
  }

  get system(): Record<string, unknown> {
    return this.#system;
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  #ensureChild(): Promise<void> {
    if (this.#child && this.#child.exitCode === null && this.#child.signalCode === null && !this.#starting)
      return Promise.resolve();
    this.#starting ??= this.#spawn().finally(() => {
      this.#starting = undefined;
    });
    return this.#starting;
  }

  #spawn(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#lastFatal = undefined;
      const child = fork(CHILD_ENTRY, [], {
        execArgv: CHILD_EXEC_ARGV,
        serialization: 'advanced',
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        env: { ...process.env, REELGRAPH_NODE_HOST: '1' },
      });
      this.#child = child;
      let ready = false;
      child.on('message', (m: ToParent) => {
        if (m.t === 'ready') {
          ready = true;
          this.#catalog = m.catalog;
          this.#system = m.system;
          resolve();
        } else if (m.t === 'init-failed') {
          reject(new Error(`node host failed to start: ${m.message}`));
          child.kill('SIGKILL');
        } else if (m.t === 'event') {
          this.#pending.get(m.event.jobId)?.req.onEvent(m.event);
        } else if (m.t === 'outcome') {
          this.#settle(m.jobId, m.outcome);
        } else if (m.t === 'fatal') {
          this.#lastFatal = m.message;
        } else if (m.t === 'reloaded') {
          this.#catalog = m.catalog;
          for (const done of this.#reloads.splice(0)) done();
        }
      });
      child.on('error', (err) => {
        if (!ready) reject(err);
      });
      child.on('exit', (code, signal) => {
        if (this.#child === child) this.#child = undefined;
        if (!ready) reject(new Error(`node host exited during start (code ${code}, signal ${signal})`));
        const why = this.#lastFatal ?? `node host process exited (code ${code}, signal ${signal})`;
        for (const id of [...this.#pending.keys()]) this.#settle(id, { kind: 'crashed', message: why });
        for (const done of this.#reloads.splice(0)) done();
      });
      child.send({ t: 'init', config: this.config } satisfies ToChild);
    });
  }

  #settle(jobId: string, outcome: RunOutcome): void {
    const p = this.#pending.get(jobId);
    if (!p) return;
    this.#pending.delete(jobId);
    p.req.signal.removeEventListener('abort', p.onAbort);
    p.resolve(outcome);
  }

  async run(req: RunRequest): Promise<RunOutcome> {
    if (this.#closed) return { kind: 'crashed', message: 'server is shutting down' };
    try {
      await this.#ensureChild();
    } catch (err) {
      return { kind: 'crashed', message: err instanceof Error ? err.message : String(err) };
    }
    const child = this.#child;
    if (!child) return { kind: 'crashed', message: 'node host is not running' };
    return new Promise<RunOutcome>((resolve) => {
      const onAbort = () => {
        const reason = req.signal.reason instanceof Error ? req.signal.reason.message : 'cancelled';
        if (child.connected) child.send({ t: 'abort', jobId: req.jobId, reason } satisfies ToChild);
      };
      this.#pending.set(req.jobId, { req, resolve, onAbort });
      req.signal.addEventListener('abort', onAbort, { once: true });
      child.send({ t: 'run', jobId: req.jobId, graph: req.graph, targets: req.targets } satisfies ToChild);
      if (req.signal.aborted) onAbort();
    });
  }

  /** Hot reload in the child (running jobs keep their code); a child that is not running loads afresh anyway. */
  async reload(): Promise<void> {
    const child = this.#child;
    if (this.#closed || !child?.connected || this.#starting) return this.#ensureChild().catch(() => {});
    await new Promise<void>((resolve) => {
      this.#reloads.push(resolve);
      child.send({ t: 'reload' } satisfies ToChild);
    });
  }

  async kill(reason: string): Promise<boolean> {
    const child = this.#child;
    if (!child) return true;
    this.#lastFatal = reason;
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    child.kill('SIGKILL');
    await exited;
    return true;
  }

  async close(): Promise<void> {
    this.#closed = true;
    const child = this.#child;
    if (!child) return;
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    child.disconnect?.();
    const t = setTimeout(() => child.kill('SIGKILL'), 2000);
    await exited;
    clearTimeout(t);
  }
}
