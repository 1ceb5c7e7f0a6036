/**
 * The node catalog: the JSON the server publishes and the editor and validator draw from.
 * Produced from node definitions by `@reelgraph/sdk`'s `toCatalog`.
 */

import type { ModelConstraints, ModelRule } from './model-rules';

export type CachePolicyKind = 'pure' | 'volatile' | 'fingerprint';

export type WidgetKind = 'number' | 'slider' | 'combo' | 'text' | 'toggle' | 'seed' | 'image' | 'socket';

/** One declared input. Scalar-typed inputs are widgets by default and can also take a link. */
export interface InputSchema {
  type: string;
  /** Editor widget; `socket` for inputs that must be linked. */
  widget: WidgetKind;
  optional?: boolean;
  default?: string | number | boolean;
  min?: number;
  max?: number;
  step?: number;
  /** Combo choices (values are strings). */
  options?: string[];
  multiline?: boolean;
  /** Seed widgets: offer fixed / increment / decrement / randomize after each run. */
  controlAfterGenerate?: boolean;
  /** A model combo: each option's constraints, from its manifest. */
  models?: Record<string, ModelConstraints>;
  /** The value must suit the model that arrives through another input (validated, snapped in the editor). */
  modelRule?: ModelRule;
  label?: string;
  tooltip?: string;
}

export interface OutputSchema {
  type: string;
  label?: string;
  tooltip?: string;
}

/**
 * A ComfyUI class a node stands for, declared by its pack: importing a ComfyUI file maps that class onto
 * the node, and export writes the node back as it. Plain data, so it travels in the catalog.
 */
export interface ComfyClaim {
  /** The ComfyUI class name (`class_type`). */
  class: string;
  /** Its `widgets_values` order, as ComfyUI input names (default: the node's widget inputs in order). */
  widgets?: string[];
  /** ComfyUI input name → this node's input name, where they differ. */
  inputs?: Record<string, string>;
  /** Its outputs in ComfyUI's order, as this node's output names (default: the node's outputs in order). */
  outputs?: string[];
}

export interface NodeSchema {
  type: string;
  version: number;
  title: string;
  category: string;
  description: string;
  /** Declaration order is display order. */
  inputs: Record<string, InputSchema>;
  outputs: Record<string, OutputSchema>;
  /** Output nodes are what a run is for: only they and their ancestors are planned. */
  output: boolean;
  cache: CachePolicyKind;
  /** The pack that provides the node. */
  pack?: string;
  /** The ComfyUI class it claims, if any. */
  comfy?: ComfyClaim;
}

export interface SocketTypeSchema {
  color: string;
  description?: string;
  /** Source types accepted besides itself (coercions). */
  accepts: string[];
}

export interface Catalog {
  types: Record<string, SocketTypeSchema>;
  nodes: Record<string, NodeSchema>;
}
