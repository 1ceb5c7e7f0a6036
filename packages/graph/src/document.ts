/** Graph document, version 1: the one format shared by the editor, the HTTP API and the CLI. */

export const GRAPH_VERSION = 1 as const;

/** A link to another node's output: `[nodeId, outputName]`. Any array in `inputs` is a link. */
export type Link = [nodeId: string, output: string];

/** A constant widget value. Scalars only: arrays are reserved for links. */
export type ConstantValue = string | number | boolean;

export type InputValue = ConstantValue | Link;

/**
 * How a node takes part in execution. `muted` nodes never run (nor anything that needs them);
 * `bypassed` nodes pass each output through from the first linked input of the same type.
 */
export type NodeMode = 'active' | 'muted' | 'bypassed';

export interface Point {
  x: number;
  y: number;
}

export interface Size {
  width: number;
  height: number;
}

/** Editor-only data: never affects execution or cache keys. */
export interface NodeMeta {
  title?: string;
  position?: Point;
  size?: Size;
  color?: string;
  collapsed?: boolean;
  /**
   * Reroute points of the links INTO this node, by input name: the canvas draws the link from its source
   * through these points, in order. Layout only; a point whose input has no link is ignored.
   */
  reroutes?: Record<string, Point[]>;
}

/** The reserved node type of a foreign node; such a node must carry `foreign`. */
export const FOREIGN_TYPE = 'comfy/foreign' as const;

/** A socket of a foreign node, as the other system declares it. */
export interface ForeignSocket {
  name: string;
  /** The other system's socket type (`MODEL`, `LATENT`, `*` …). */
  type: string;
}

/**
 * A node from another system (a ComfyUI class) with no Reelgraph equivalent, kept so that nothing is
 * dropped and it is written back unchanged on export. It never runs: the graph is refused until it is
 * replaced or removed. Its links and scalar values live in the node's `inputs` as usual; links into it
 * are by `outputs[].name`.
 */
export interface ForeignNode {
  /** The class name in the other system, e.g. `LoraLoader`. */
  class: string;
  inputs: ForeignSocket[];
  outputs: ForeignSocket[];
  /** Values `inputs` cannot hold (arrays, objects, null), by input name, as the other system gave them. */
  values?: Record<string, unknown>;
  /** UI-format widget values whose names are unknown, in their original order. */
  widgets?: unknown[];
}

export interface GraphNode {
  type: string;
  inputs: Record<string, InputValue>;
  mode?: NodeMode;
  meta?: NodeMeta;
  /** Present exactly when `type` is `FOREIGN_TYPE`. */
  foreign?: ForeignNode;
}

export interface GraphGroup {
  id: string;
  title: string;
  color?: string;
  bounds: Point & Size;
}

export interface GraphNote {
  id: string;
  text: string;
  position: Point;
  size?: Size;
  color?: string;
}

export interface GraphMeta {
  title?: string;
  description?: string;
  groups?: GraphGroup[];
  notes?: GraphNote[];
  viewport?: Point & { zoom: number };
}

/** Which version of a pack (and which npm package) provided a graph's node types when it was saved. */
export interface PackRef {
  version: string;
  /** The npm package to install it from, when the pack is one. */
  package?: string;
}

export interface GraphDocument {
  version: typeof GRAPH_VERSION;
  nodes: Record<string, GraphNode>;
  meta?: GraphMeta;
  /** By pack name (the namespace of its node types): what the graph was made with. */
  packs?: Record<string, PackRef>;
}

export function isLink(value: unknown): value is Link {
  return (
    Array.isArray(value) && value.length === 2 && typeof value[0] === 'string' && typeof value[1] === 'string'
  );
}
