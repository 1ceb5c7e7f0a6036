/** The two ComfyUI JSON formats, as far as the importer relies on them. */

/** A link in an API prompt: `[originNodeId, originOutputIndex]`. */
export type ApiLink = [node: string, slot: number];

export interface ApiNode {
  class_type: string;
  inputs: Record<string, unknown>;
  _meta?: { title?: string };
}

/** An API-format prompt: what `POST /prompt` takes, keyed by node id. */
export type ApiPrompt = Record<string, ApiNode>;

/** A link in the normalized form: an origin node and its output index. */
export interface ComfyRef {
  ref: string;
  slot: number;
}

export function isRef(v: unknown): v is ComfyRef {
  return typeof v === 'object' && v !== null && 'ref' in v && 'slot' in v;
}

export interface ComfySocket {
  name: string;
  type: string;
}

/**
 * One executable ComfyUI node after the format is read: inputs by name (links as `ComfyRef`), virtual
 * nodes (reroutes, primitives, notes) already resolved, subgraphs flattened.
 */
export interface ComfyNode {
  id: string;
  class: string;
  inputs: Record<string, unknown>;
  mode: 'active' | 'muted' | 'bypassed';
  /** UI widget values whose names the tables do not know. */
  widgets?: unknown[];
  /** Socket lists as the UI file declares them (absent for API prompts). */
  inputSockets?: ComfySocket[];
  outputs?: ComfySocket[];
  title?: string;
  position?: { x: number; y: number };
  size?: { width: number; height: number };
  color?: string;
  collapsed?: boolean;
}

export interface ComfyGroup {
  id: string;
  title: string;
  color?: string;
  bounds: { x: number; y: number; width: number; height: number };
}

export interface ComfyNote {
  id: string;
  text: string;
  position: { x: number; y: number };
  size?: { width: number; height: number };
  color?: string;
}

/** A subgraph instance of a UI workflow, whose interior the reader flattened (ids `path:inner`). */
export interface ComfySubgraphInstance {
  /** The instance's flattened id (`12`, or `12:5` inside instance 12). */
  path: string;
  /** The ComfyUI definition it instances (`definitions.subgraphs[].id`). */
  definition: string;
  name: string;
  mode: ComfyNode['mode'];
  /** Interior nodes whose mode is the instance's, not their own. */
  inherited: string[];
  /**
   * Its sockets by name, with a ComfyUI node outside that feeds (input) or reads (output) each, and for
   * an output the input of that node it reads into (`at`).
   */
  sockets: { name: string; input: boolean; node: string; at?: string }[];
  title?: string;
  position?: { x: number; y: number };
  size?: { width: number; height: number };
  color?: string;
  collapsed?: boolean;
}

/** Either format, read: the input of `toGraph`. */
export interface ComfyGraph {
  format: 'workflow' | 'prompt';
  nodes: ComfyNode[];
  groups: ComfyGroup[];
  notes: ComfyNote[];
  viewport?: { x: number; y: number; zoom: number };
  /** Subgraph instances, flattened: `toGraph` nests their nodes into Reelgraph subgraphs again. */
  subgraphs?: ComfySubgraphInstance[];
  /** Virtual nodes resolved away (reroutes, primitives), for the report. */
  absorbed: { id: string; class: string; why: string }[];
  warnings: string[];
}

/** Which format a parsed JSON value is in, or undefined when it is neither. */
export function detectFormat(v: unknown): 'workflow' | 'prompt' | undefined {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
  const o = v as Record<string, unknown>;
  if (Array.isArray(o.nodes) && Array.isArray(o.links)) return 'workflow';
  const values = Object.values(o);
  if (
    values.length > 0 &&
    values.every((n) => typeof n === 'object' && n !== null && typeof (n as ApiNode).class_type === 'string')
  )
    return 'prompt';
  return undefined;
}
