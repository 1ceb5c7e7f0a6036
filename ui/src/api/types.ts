/** Wire types of docs/protocol.md (v1): the server's own declarations, plus the editor's REST shapes. */
import type { Catalog, ValidationError } from '@reelgraph/graph';

export type {
  ConnectionMessage,
  JobDetail,
  JobState,
  JobSummary,
  JsonValue,
  NodeRunState,
  NodeStatus,
  Output,
  ServerEvent,
} from '@reelgraph/protocol';
export { TERMINAL_STATES as TERMINAL } from '@reelgraph/protocol';

export interface PackStatus {
  name: string;
  version?: string;
  status: 'loaded' | 'error';
  errors: string[];
  nodes: string[];
}

export type CatalogResponse = Catalog & { packs: PackStatus[] };

export interface PresetInfo {
  name: string;
  title: string;
  description: string;
  nodeCount: number;
}

export interface Session {
  protocol: number;
  authRequired: boolean;
  authenticated: boolean;
  csrfToken?: string;
}

export interface Upload {
  name: string;
  url: string;
  mime: string;
  width: number;
  height: number;
}

export type { PreviewFrame } from '@reelgraph/protocol';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly errors: ValidationError[] = [],
  ) {
    super(message);
  }
}
