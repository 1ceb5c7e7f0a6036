import { discoverPacks, type PackCatalog, readManifest } from '@reelgraph/packs';
import type { PolicyFinding } from '@reelgraph/protocol';
import type { TextInput } from '../policy/check-graph';
import { HostCore } from './host-core';
import { inProcessTypes, runsInProcess } from './in-process-route';
import type { HostConfig, NodeHost, RunOutcome, RunRequest } from './node-host';
import { type ProcessHostOptions, ProcessNodeHost } from './process-host';

/**
 * The default host: graphs made only of the built-in pure and cheap nodes (`IN_PROCESS_TYPES`, e.g.
 * number → math → preview) run on the server's event loop, which saves the IPC round trip to a child
 * per job; every other graph (any plugin, model, waiting or file-writing node) runs in a node-host
 * child exactly as before. The children's catalog stays the one the server serves and validates
 * against; the in-process copy of the core pack only runs the types on which both agree.
 */
export class SplitNodeHost implements NodeHost {
  #types = new Set<string>();
  readonly #running = new Set<string>();

  private constructor(
    readonly children: ProcessNodeHost,
    readonly core: HostCore | undefined,
  ) {
    this.#refresh();
  }

  static async start(config: HostConfig, options: ProcessHostOptions = {}): Promise<SplitNodeHost> {
    const [children, core] = await Promise.all([ProcessNodeHost.start(config, options), loadCore(config)]);
    return new SplitNodeHost(children, core);
  }

  get catalog(): PackCatalog {
    return this.children.catalog;
  }

  get system(): Record<string, unknown> {
    return this.children.system;
  }

  /** Process ids of the node-host children. */
  get pids(): number[] {
    return this.children.pids;
  }

  /** The node types that run in the server process now. */
  get inProcessTypes(): ReadonlySet<string> {
    return this.#types;
  }

  #refresh(): void {
    this.#types = this.core ? inProcessTypes(this.children.catalog, this.core.catalog) : new Set();
  }

  async run(req: RunRequest): Promise<RunOutcome> {
    if (!this.core || !runsInProcess(req.graph, this.#types)) return this.children.run(req);
    this.#running.add(req.jobId);
    try {
      return await this.core.run(req.jobId, req.graph, req.targets, req.signal, req.onEvent);
    } finally {
      this.#running.delete(req.jobId);
    }
  }

  classifyTexts(texts: TextInput[]): Promise<PolicyFinding[]> {
    return this.children.classifyTexts(texts);
  }

  /** Until both copies have reloaded and agree again, every graph runs in a child. */
  async reload(): Promise<void> {
    this.#types = new Set();
    try {
      await this.children.reload();
      await this.core?.reload();
    } finally {
      this.#refresh();
    }
  }

  /** An in-process job cannot be killed, only abandoned (its nodes stop at their next check anyway). */
  kill(jobId: string, reason: string): Promise<boolean> {
    if (this.#running.has(jobId)) return Promise.resolve(false);
    return this.children.kill(jobId, reason);
  }

  async close(): Promise<void> {
    await Promise.all([this.children.close(), this.core?.close()]);
  }
}

/**
 * The core pack the children load (the first pack named `core` in the pack folders, as in
 * `loadPacks`), loaded here alone: no plugin code enters the server process. No model runtime, no
 * signer and no classifiers: the in-process types make no files and no frames.
 */
async function loadCore(config: HostConfig): Promise<HostCore | undefined> {
  try {
    for (const candidate of await discoverPacks(config.nodesDirs)) {
      if ('error' in candidate || (await readManifest(candidate.dir)).manifest?.name !== 'core') continue;
      const { outputsDir, uploadsDir, mark } = config;
      return await HostCore.create(
        { nodesDirs: [candidate.dir], modelsDirs: [], outputsDir, uploadsDir, ...(mark ? { mark } : {}) },
        { models: false },
      );
    }
  } catch (err) {
    console.warn(
      `[reelgraph] the core pack did not load in the server process; every job runs in a node host: ${
        err instanceof Error ? err.message : String(err)
      }`,
    );
  }
  return undefined;
}
