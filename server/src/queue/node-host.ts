import type { EngineEvent, NodeFailure } from '@reelgraph/executor';
import type { GraphDocument, ValidationError } from '@reelgraph/graph';
import type { MarkSpec } from '@reelgraph/media';
import type { PackCatalog } from '@reelgraph/packs';
import type { PolicyFinding } from '@reelgraph/protocol';
import type { SigningFiles } from '../c2pa/keys';
import type { TextInput } from '../policy/check-graph';
import type { PolicyClassifier } from '../policy/rules';

/** What the queue needs from "the thing that runs graphs": the catalog, and runs. */
export interface NodeHost {
  /** Catalog plus pack statuses, as served by `GET /api/catalog`. */
  readonly catalog: PackCatalog;
  /** Execution providers, onnxruntime version, models found (for `GET /api/system`). */
  readonly system: Record<string, unknown>;
  run(req: RunRequest): Promise<RunOutcome>;
  /** The policy's text classifiers (`HostConfig.classifiers`) over these texts: their refusals. */
  classifyTexts(texts: TextInput[]): Promise<PolicyFinding[]>;
  /**
   * Stop the job now, including code that ignores its AbortSignal, without touching other jobs; its
   * run settles as `crashed` with `reason`. Returns false when this host cannot (inline: a hung node
   * can only be abandoned).
   */
  kill(jobId: string, reason: string): Promise<boolean>;
  /** Hot reload: load the packs again from disk and update `catalog`; running jobs keep their code. */
  reload?(): Promise<void>;
  close(): Promise<void>;
}

export interface RunRequest {
  jobId: string;
  graph: GraphDocument;
  targets?: string[];
  signal: AbortSignal;
  onEvent(event: EngineEvent): void;
}

export type RunOutcome =
  | {
      kind: 'result';
      status: 'success' | 'failed' | 'cancelled';
      durationMs: number;
      errors: Record<string, NodeFailure>;
    }
  /** The document did not validate against the catalog at run time (packs changed since submit). */
  | { kind: 'invalid'; errors: ValidationError[] }
  /** The host died or failed outside any node (child process exit, internal bug). */
  | { kind: 'crashed'; message: string };

export interface HostConfig {
  nodesDirs: string[];
  modelsDirs: string[];
  outputsDir: string;
  uploadsDir: string;
  /**
   * Start loading every model's sessions and warming the C2PA signer in the background, so the first
   * job does not wait for them.
   */
  warmModels?: boolean;
  /** Sign output nodes' files with these (C2PA); absent: outputs are not signed. */
  credentials?: SigningFiles;
  /** A visible mark save nodes draw on every output (`services.mark`). */
  mark?: MarkSpec;
  /** The policy's classifiers (`serve --policy`): text ones at submit, frame ones before outputs are written. */
  classifiers?: PolicyClassifier[];
}
