import { type ChildProcess, fork } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { PackCatalog } from '@reelgraph/packs';
import type { PolicyFinding } from '@reelgraph/protocol';
import type { TextInput } from '../policy/check-graph';
import type { ToChild, ToParent } from './host-messages';
import type { HostConfig, RunOutcome, RunRequest } from './node-host';

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
 * One node-host child process, seen from the server: it loads the packs once and runs the jobs it is
 * given. When it exits (killed, crashed) every job it was running settles as `crashed`; it is never
 * restarted, the pool starts another.
 */
export class HostProcess {
  catalog!: PackCatalog;
  system: Record<string, unknown> = {};
  readonly #child: ChildProcess;
  readonly #pending = new Map<string, Pending>();
  readonly #exited: Promise<void>;
  #lastFatal: string | undefined;
  #reloads: ((catalog: PackCatalog | undefined) => void)[] = [];
  readonly #classifying = new Map<number, (findings: PolicyFinding[] | undefined) => void>();
  #nextClassify = 0;

  private constructor(config: HostConfig, ready: (err?: Error) => void) {
    const child = fork(CHILD_ENTRY, [], {
      execArgv: CHILD_EXEC_ARGV,
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      env: { ...process.env, REELGRAPH_NODE_HOST: '1' },
    });
    this.#child = child;
    let started = false;
    child.on('message', (m: ToParent) => {
      if (m.t === 'ready') {
        started = true;
        this.catalog = m.catalog;
        this.system = m.system;
        ready();
      } else if (m.t === 'init-failed') {
        ready(new Error(`node host failed to start: ${m.message}`));
        child.kill('SIGKILL');
      } else if (m.t === 'events') {
        for (const event of m.events) this.#pending.get(event.jobId)?.req.onEvent(event);
      } else if (m.t === 'outcome') {
        this.#settle(m.jobId, m.outcome);
      } else if (m.t === 'fatal') {
        this.#lastFatal = m.message;
      } else if (m.t === 'classified') {
        this.#classifying.get(m.id)?.(m.findings);
        this.#classifying.delete(m.id);
      } else if (m.t === 'reloaded') {
        this.catalog = m.catalog;
        for (const done of this.#reloads.splice(0)) done(m.catalog);
      }
    });
    child.on('error', (err) => {
      if (!started) ready(err);
    });
    this.#exited = new Promise((resolve) => {
      child.on('exit', (code, signal) => {
        if (!started) ready(new Error(`node host exited during start (code ${code}, signal ${signal})`));
        const why = this.#lastFatal ?? `node host process exited (code ${code}, signal ${signal})`;
        for (const id of [...this.#pending.keys()]) this.#settle(id, { kind: 'crashed', message: why });
        for (const done of this.#reloads.splice(0)) done(undefined);
        for (const done of this.#classifying.values()) done(undefined);
        this.#classifying.clear();
        resolve();
      });
    });
    child.send({ t: 'init', config } satisfies ToChild);
  }

  /** A child that has loaded its packs and is ready to run. */
  static spawn(config: HostConfig): Promise<HostProcess> {
    return new Promise((resolve, reject) => {
      const host: HostProcess = new HostProcess(config, (err) => (err ? reject(err) : resolve(host)));
    });
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  get alive(): boolean {
    return this.#child.exitCode === null && this.#child.signalCode === null && this.#child.connected;
  }

  /** How many jobs it is running. */
  get load(): number {
    return this.#pending.size;
  }

  #settle(jobId: string, outcome: RunOutcome): void {
    const p = this.#pending.get(jobId);
    if (!p) return;
    this.#pending.delete(jobId);
    p.req.signal.removeEventListener('abort', p.onAbort);
    p.resolve(outcome);
  }

  run(req: RunRequest): Promise<RunOutcome> {
    if (!this.alive) return Promise.resolve({ kind: 'crashed', message: 'node host is not running' });
    const child = this.#child;
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

  /** The policy's text classifiers over `texts`, beside any job it runs; undefined if the child went away. */
  classifyTexts(texts: TextInput[]): Promise<PolicyFinding[] | undefined> {
    if (!this.alive) return Promise.resolve(undefined);
    const id = this.#nextClassify++;
    return new Promise((resolve) => {
      this.#classifying.set(id, resolve);
      this.#child.send({ t: 'classify', id, texts } satisfies ToChild);
    });
  }

  /** Hot reload in the child (running jobs keep their code). Undefined when the child went away. */
  reload(): Promise<PackCatalog | undefined> {
    if (!this.alive) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      this.#reloads.push(resolve);
      this.#child.send({ t: 'reload' } satisfies ToChild);
    });
  }

  /** Stop it now, whatever its nodes are doing; its jobs settle as `crashed` with `reason`. */
  async kill(reason: string): Promise<void> {
    if (this.#child.exitCode !== null || this.#child.signalCode !== null) return;
    this.#lastFatal = reason;
    this.#child.kill('SIGKILL');
    await this.#exited;
  }

  /** Let it finish and exit (it exits when the IPC channel closes); forced after `graceMs`. */
  async close(graceMs = 2000): Promise<void> {
    if (this.#child.exitCode !== null || this.#child.signalCode !== null) return;
    this.#child.disconnect?.();
    const t = setTimeout(() => this.#child.kill('SIGKILL'), graceMs);
    await this.#exited;
    clearTimeout(t);
  }
}
