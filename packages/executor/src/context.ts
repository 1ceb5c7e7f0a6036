import type { Artifact, Logger, NodeContext, NodeServices, Preview } from '@reelgraph/sdk';

/** What a node context needs from the running job. Kept narrow so the context stays a cheap object. */
export interface ContextHost {
  readonly jobId: string;
  readonly signal: AbortSignal;
  readonly services: Partial<NodeServices>;
  readonly logger: Logger;
  nodeProgress(index: number, step: number, total: number): void;
  nodePreview(index: number, preview: Preview): void;
  nodeArtifact(index: number, artifact: Artifact): void;
}

/**
 * The `ctx` a node's `run` receives. One small object per executed node, methods on the prototype
 * (no per-node closures); the prefixed logger is only built if the node asks for it.
 */
export class RunContext implements NodeContext {
  readonly #host: ContextHost;
  readonly #index: number;
  readonly nodeId: string;
  #log: Logger | undefined;

  constructor(host: ContextHost, index: number, nodeId: string) {
    this.#host = host;
    this.#index = index;
    this.nodeId = nodeId;
  }

  get jobId(): string {
    return this.#host.jobId;
  }

  get signal(): AbortSignal {
    return this.#host.signal;
  }

  get services(): Partial<NodeServices> {
    return this.#host.services;
  }

  get log(): Logger {
    this.#log ??= prefixLogger(this.#host.logger, `[job ${this.#host.jobId}] [node ${this.nodeId}] `);
    return this.#log;
  }

  progress(step: number, total: number): void {
    this.#host.nodeProgress(this.#index, step, total);
  }

  preview(preview: Preview): void {
    this.#host.nodePreview(this.#index, preview);
  }

  artifact(artifact: Artifact): void {
    this.#host.nodeArtifact(this.#index, artifact);
  }
}

export function prefixLogger(base: Logger, prefix: string): Logger {
  return {
    debug: (m, d) => base.debug(prefix + m, d),
    info: (m, d) => base.info(prefix + m, d),
    warn: (m, d) => base.warn(prefix + m, d),
    error: (m, d) => base.error(prefix + m, d),
  };
}

const args = (m: string, d: unknown): unknown[] => (d === undefined ? [m] : [m, d]);

/** Console-backed logger used when the host gives none. */
export const consoleLogger: Logger = {
  debug: (m, d) => console.debug(...args(m, d)),
  info: (m, d) => console.info(...args(m, d)),
  warn: (m, d) => console.warn(...args(m, d)),
  error: (m, d) => console.error(...args(m, d)),
};
