/**
 * Graph document, version 2: the one format shared by the editor, the HTTP API and the CLI. Version 2
 * added `definitions` (subgraphs); a version-1 document is a version-2 one without them, and
 * `migrateGraph` rewrites it.
 */

export const GRAPH_VERSION = 2 as const;

/**
 * Versions a `GraphDocument` value may carry: version 1 is accepted wherever a document is read
 * (validation and the executor migrate it first), so documents written before version 2 keep working.
 */
export type GraphVersion = 1 | typeof GRAPH_VERSION;

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
  /** The ComfyUI node this one was imported from: export writes that class back, with its values. */
  comfy?: ComfyOrigin;
  /**
   * Reroute points of the links INTO this node, by input name: the canvas draws the link from its source
   * through these points, in order. Layout only; a point whose input has no link is ignored.
   */
  reroutes?: Record<string, Point[]>;
}

export interface ComfyOrigin {
  /** Its ComfyUI class, e.g. `EmptyLTXVLatentVideo` (Reelgraph's `video.empty_latent` has several). */
  class: string;
  /** Its widget values Reelgraph has no input for (`weight_dtype`, `tile_size` …), by name. */
  values?: Record<string, unknown>;
  /**
   * By input: the ComfyUI node folded into this one on the way (LTXVScheduler into a sampler's
   * sigmas …), with what was folded into that in turn.
   */
  via?: Record<string, ComfyOrigin>;
  /**
   * Its links Reelgraph's equivalent has no input for, as Reelgraph links (WanImageToVideo's conditioning,
   * which goes straight to the samplers in Reelgraph): export wires them back.
   */
  links?: Record<string, Link>;
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

/** The node type that instances subgraph `id`: `subgraph:<id>`. */
export const SUBGRAPH_TYPE_PREFIX = 'subgraph:' as const;

/**
 * Inside a subgraph definition, the pseudo node whose outputs are the instance's inputs: an inner input
 * `["$inputs", "seed"]` reads whatever the instance node's input `seed` holds (a link or a constant).
 */
export const SUBGRAPH_INPUTS = '$inputs' as const;

/** One socket of a subgraph, as its instances show it. */
export interface SubgraphSocket {
  name: string;
  /** A socket type (`IMAGE`, `INT` …): what may connect to or from it. */
  type: string;
}

export interface SubgraphOutput extends SubgraphSocket {
  /** The inner output it exposes: `[innerNodeId, outputName]` (or `["$inputs", name]`, a pass-through). */
  from: Link;
}

/**
 * A reusable graph fragment. Its nodes are a graph of their own (ids are local to it; links between
 * them as usual); instances (`type: "subgraph:<id>"`) feed its `inputs` and read its `outputs`.
 */
export interface SubgraphDefinition {
  name: string;
  description?: string;
  nodes: Record<string, GraphNode>;
  inputs: SubgraphSocket[];
  outputs: SubgraphOutput[];
  /** Editor-only: groups, notes and viewport inside it. */
  meta?: GraphMeta;
}

export interface GraphDefinitions {
  /** By subgraph id (the part after `subgraph:` in its instances' type). */
  subgraphs?: Record<string, SubgraphDefinition>;
}

export interface GraphDocument {
  version: GraphVersion;
  nodes: Record<string, GraphNode>;
  /** What the graph's nodes may instance (version 2). */
  definitions?: GraphDefinitions;
  meta?: GraphMeta;
  /** By pack name (the namespace of its node types): what the graph was made with. */
  packs?: Record<string, PackRef>;
}

export function isLink(value: unknown): value is Link {
  return (
    Array.isArray(value) && value.length === 2 && typeof value[0] === 'string' && typeof value[1] === 'string'
  );
}

/** The subgraph id a node type instances, or undefined when it is not a `subgraph:` type. */
export function subgraphIdOf(type: unknown): string | undefined {
  return typeof type === 'string' &&
    type.startsWith(SUBGRAPH_TYPE_PREFIX) &&
    type.length > SUBGRAPH_TYPE_PREFIX.length
    ? type.slice(SUBGRAPH_TYPE_PREFIX.length)
    : undefined;
}

export function subgraphType(id: string): string {
  return `${SUBGRAPH_TYPE_PREFIX}${id}`;
}
