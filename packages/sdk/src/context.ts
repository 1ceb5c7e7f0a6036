/** What a running node can see and do. */

export type JsonValue = string | number | boolean | null | JsonValue[] | { [k: string]: JsonValue };

/** A small animated (or still) preview image, e.g. the sampler's latent preview at a step. */
export interface Preview {
  mime: 'image/webp' | 'image/png' | 'image/jpeg' | 'image/gif';
  data: Uint8Array;
  width: number;
  height: number;
  frames: number;
  step?: number;
}

/** Something an output node produced for the user: a file it wrote or a value to show. */
export type Artifact =
  | { kind: 'file'; path: string; mime: string; name?: string; meta?: Record<string, JsonValue> }
  | { kind: 'value'; value: JsonValue; label?: string };

export interface Logger {
  debug(message: string, data?: unknown): void;
  info(message: string, data?: unknown): void;
  warn(message: string, data?: unknown): void;
  error(message: string, data?: unknown): void;
}

/**
 * Services the host provides (model runtime, storage folders …). Packages add theirs by augmentation:
 * `declare module '@reelgraph/sdk' { interface NodeServices { models: ModelRuntime } }`.
 */
export interface NodeServices {
  /** Absolute folder where output nodes write their files (every host provides one). */
  outputDir: string;
  /** Folder of uploaded files that load nodes may read (the server sets it). */
  uploadDir: string;
}

export interface NodeContext {
  readonly jobId: string;
  readonly nodeId: string;
  /** Aborted when the job is cancelled; long-running nodes must check or pass it on. */
  readonly signal: AbortSignal;
  progress(step: number, total: number): void;
  preview(preview: Preview): void;
  artifact(artifact: Artifact): void;
  readonly log: Logger;
  readonly services: Partial<NodeServices>;
}
