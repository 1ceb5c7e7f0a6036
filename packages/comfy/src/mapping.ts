/**
 * The shape of the mapping tables: one `ClassTable` per ComfyUI class (how to read it) and one
 * `TypeExporter` per Reelgraph node type (how to write it back). Packs add their own through
 * `ComfyMappings.register`.
 */
import type { ComfyOrigin, ConstantValue, GraphNode, InputValue, Link } from '@reelgraph/graph';
import type { ApiLink, ApiNode, ComfyNode, ComfySocket } from './format';

/** What one ComfyUI output carries once mapped. */
export interface Flow {
  /** The Reelgraph output it became. */
  link?: Link;
  /** Settings folded into whatever consumes it (ModelSamplingSD3's shift, a guider's cfg …). */
  params?: Record<string, ConstantValue>;
  /** Links folded into whatever consumes it (a guider's model and conditioning). */
  links?: Record<string, Link>;
  /** The folded ComfyUI node this came through, for export to write it back. */
  via?: ComfyOrigin;
}

export type WidgetType = 'INT' | 'FLOAT' | 'STRING' | 'BOOLEAN' | 'COMBO';

/** One entry of a class's `widgets_values`, in order. */
export interface WidgetSpec {
  name: string;
  type: WidgetType;
  default?: ConstantValue;
  options?: readonly string[];
  min?: number;
  max?: number;
  multiline?: boolean;
  /** The UI stores a `control_after_generate` value right after it (seeds). */
  control?: boolean;
  /** Only in the UI (LoadImage's upload button): read past, never sent in a prompt. */
  uiOnly?: boolean;
}

/** Thrown by a builder when this occurrence of the class cannot be mapped: the node is kept as foreign. */
export class NotMappable extends Error {}

export interface BuildContext {
  readonly id: string;
  readonly node: ComfyNode;
  /** A literal (widget) input, or undefined when absent or linked. */
  value(name: string): unknown;
  /** The flow of a linked input, or undefined when it is not linked. */
  flow(name: string): Flow | undefined;
  /** The Reelgraph link of a linked input; a flow of settings only (no link) is not mappable here. */
  link(name: string): Link | undefined;
  /** Keeps input `name`'s link on this node's ComfyUI origin, for export, where no Reelgraph input takes it. */
  keepLink(name: string): void;
  /** Adds a Reelgraph node: suffix '' is this node (it gets the title, position and mode). Returns its id. */
  emit(suffix: string, type: string, inputs: Record<string, InputValue | undefined>): string;
  /** The local model id for the model file named by input `name`; a name with no match is reported missing. */
  model(name: string): string;
  /** The graph's VAE output, for Reelgraph nodes that need one where ComfyUI's do not. */
  vae(): Link | undefined;
  warn(message: string): void;
}

export interface ClassTable {
  class: string;
  /** `widgets_values` order, i.e. the class's widget inputs (required, then optional). */
  widgets: readonly WidgetSpec[];
  /** Socket inputs in order: name → ComfyUI type. */
  sockets: Readonly<Record<string, string>>;
  /** Socket inputs that may be left unconnected. */
  optional?: readonly string[];
  outputs: readonly ComfySocket[];
  /** An output node (what a prompt is run for). */
  output?: boolean;
  category?: string;
  /**
   * Maps one node to Reelgraph nodes and returns what each output carries, by output index.
   * Absent: a known class with no Reelgraph equivalent, always kept as a foreign node.
   */
  build?: (ctx: BuildContext) => (Flow | undefined)[];
}

export interface ExportContext {
  readonly id: string;
  readonly node: GraphNode;
  /** The ComfyUI class the node was imported from, when it was: an exporter writes that one back. */
  readonly origin: string | undefined;
  /** The node's input value, or the catalog's default when absent. */
  value(name: string): ConstantValue | undefined;
  /** The ComfyUI link for a linked input (through bypassed nodes; undefined from muted ones). */
  link(name: string): ApiLink | undefined;
  /** The ComfyUI form of any Reelgraph input value: links mapped, constants as they are. */
  convert(value: InputValue | undefined): unknown;
  /** The node a linked input comes from. */
  source(name: string): { id: string; node: GraphNode } | undefined;
  /** Another node of the graph, by id. */
  peer(id: string): GraphNode | undefined;
  /** How many inputs in the graph link to node `id`. */
  consumers(id: string): number;
  /** Leaves node `id` out: this exporter wrote it into its own ComfyUI nodes. */
  absorb(id: string): void;
  warn(message: string): void;
}

export type OutputMap = Readonly<Record<string, readonly [string, number]>>;

export interface TypeExporter {
  type: string;
  /**
   * Reelgraph output name → [id suffix of the ComfyUI node that has it, its output index]; by node when
   * the class written depends on it (a model loader's outputs are those of the class it came from).
   */
  outputs: OutputMap | ((node: GraphNode) => OutputMap);
  /** The ComfyUI nodes by id suffix ('' is the node's own id). */
  emit(ctx: ExportContext): Record<string, ApiNode>;
}

/** The mapping tables in use: the built-in ones plus what packs register. */
export class ComfyMappings {
  readonly classes = new Map<string, ClassTable>();
  readonly exporters = new Map<string, TypeExporter>();

  constructor(classes: readonly ClassTable[] = [], exporters: readonly TypeExporter[] = []) {
    for (const c of classes) this.classes.set(c.class, c);
    for (const e of exporters) this.exporters.set(e.type, e);
  }

  /** A pack claims ComfyUI classes (and/or writes its node types back); later registrations win. */
  register(m: { classes?: readonly ClassTable[]; exporters?: readonly TypeExporter[] }): this {
    for (const c of m.classes ?? []) this.classes.set(c.class, c);
    for (const e of m.exporters ?? []) this.exporters.set(e.type, e);
    return this;
  }
}

// Widget declarations, short.
export const w = {
  int: (name: string, d?: number, extra: Partial<WidgetSpec> = {}): WidgetSpec => ({
    name,
    type: 'INT',
    ...(d !== undefined ? { default: d } : {}),
    ...extra,
  }),
  float: (name: string, d?: number, extra: Partial<WidgetSpec> = {}): WidgetSpec => ({
    name,
    type: 'FLOAT',
    ...(d !== undefined ? { default: d } : {}),
    ...extra,
  }),
  string: (name: string, d = '', extra: Partial<WidgetSpec> = {}): WidgetSpec => ({
    name,
    type: 'STRING',
    default: d,
    ...extra,
  }),
  bool: (name: string, d: boolean): WidgetSpec => ({ name, type: 'BOOLEAN', default: d }),
  combo: (name: string, options: readonly string[], extra: Partial<WidgetSpec> = {}): WidgetSpec => ({
    name,
    type: 'COMBO',
    options,
    ...(options[0] !== undefined ? { default: options[0] } : {}),
    ...extra,
  }),
  seed: (name: string): WidgetSpec => ({ name, type: 'INT', default: 0, min: 0, control: true }),
};

export const out = (...pairs: [string, string][]): ComfySocket[] =>
  pairs.map(([name, type]) => ({ name, type }));
