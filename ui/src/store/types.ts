import type {
  ComfyOrigin,
  ConstantValue,
  ForeignNode,
  GraphDefinitions,
  InputValue,
  NodeMode,
  Point,
  Size,
} from '@reelgraph/graph';
import type { Edge, Node } from '@xyflow/react';

/** What a seed widget does to its value after each queued run. */
export type SeedControl = 'fixed' | 'increment' | 'decrement' | 'randomize';
export const SEED_CONTROLS: readonly SeedControl[] = ['fixed', 'increment', 'decrement', 'randomize'];

/** A graph node: the document's node plus editor-only state. Position lives on the flow node. */
export interface NodeItem {
  kind: 'node';
  type: string;
  inputs: Record<string, InputValue>;
  mode?: NodeMode;
  title?: string;
  color?: string;
  collapsed?: boolean;
  size?: Size;
  /** Widget inputs shown as sockets although not (yet) linked. */
  sockets?: string[];
  /** Constant values remembered while an input is linked, restored when the link goes. */
  stash?: Record<string, ConstantValue>;
  controls?: Record<string, SeedControl>;
  /** Reroute points of the links into this node, by input (the document's `meta.reroutes`). */
  reroutes?: Record<string, Point[]>;
  /** A node of another system (a ComfyUI class) kept from an import: it cannot run. */
  foreign?: ForeignNode;
  /** The ComfyUI node it was imported from, kept for export. */
  comfy?: ComfyOrigin;
}

/** A frame: dragging it moves the nodes inside it. `docId` is the id in the document's `meta.groups`. */
export interface GroupItem {
  kind: 'group';
  docId: string;
  title: string;
  color?: string;
}

export interface NoteItem {
  kind: 'note';
  docId: string;
  text: string;
  color?: string;
  /** Notes without a stored size keep it that way through a round trip. */
  sized?: boolean;
}

export type Item = NodeItem | GroupItem | NoteItem;

/** React Flow node types used by the editor. Flow nodes carry no semantic data: components read the store by id. */
export type FlowNode = Node<Record<string, never>, 'rg' | 'frame' | 'note'>;
export type FlowEdge = Edge<{ type: string }>;

/** The part of the editor state that undo/redo restores (all immutable, so a snapshot is three references). */
export interface GraphState {
  items: Record<string, Item>;
  flow: FlowNode[];
  edges: FlowEdge[];
  /** The document's subgraph definitions, kept as they are (undone with the rest). */
  definitions?: GraphDefinitions | undefined;
  /** The subgraphs opened to edit inside, outermost first: the canvas shows the last one's inside. */
  scopes?: Scope[] | undefined;
}

/** A subgraph opened from one of its instances; `parent` is the level it was opened from, as it was. */
export interface Scope {
  subgraph: string;
  instance: string;
  /** The breadcrumb's name for it (the instance's title). */
  title: string;
  parent: Pick<GraphState, 'items' | 'flow' | 'edges'>;
}

export const GROUP_PREFIX = '@g:';
export const NOTE_PREFIX = '@n:';

/** Edge ids name the input they feed: an input takes at most one link. */
export function edgeId(target: string, input: string): string {
  return `e:${target}:${input}`;
}
