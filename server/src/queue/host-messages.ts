import type { EngineEvent } from '@reelgraph/executor';
import type { GraphDocument } from '@reelgraph/graph';
import type { PackCatalog } from '@reelgraph/packs';
import type { PolicyFinding } from '@reelgraph/protocol';
import type { TextInput } from '../policy/check-graph';
import type { HostConfig, RunOutcome } from './node-host';

/** IPC between the server and its node-host child process (advanced serialisation: Uint8Array travels). */
export type ToChild =
  | { t: 'init'; config: HostConfig }
  | { t: 'run'; jobId: string; graph: GraphDocument; targets?: string[] }
  | { t: 'abort'; jobId: string; reason: string }
  /** Hot reload: load the packs again; running jobs finish with the code they started with. */
  | { t: 'reload' }
  | { t: 'classify'; id: number; texts: TextInput[] };

export type ToParent =
  | { t: 'ready'; catalog: PackCatalog; system: Record<string, unknown> }
  | { t: 'init-failed'; message: string }
  /** A tick's worth of engine events in one message: one IPC write and one wake-up, not one per event. */
  | { t: 'events'; events: EngineEvent[] }
  | { t: 'outcome'; jobId: string; outcome: RunOutcome }
  | { t: 'fatal'; message: string }
  | { t: 'reloaded'; catalog: PackCatalog }
  | { t: 'classified'; id: number; findings: PolicyFinding[] };
