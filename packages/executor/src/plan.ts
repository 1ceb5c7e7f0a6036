import {
  type Catalog,
  type ConstantValue,
  canConnect,
  type GraphDocument,
  type GraphNode,
  isLink,
  type NodeSchema,
  SocketRegistry,
  type ValidationError,
} from '@reelgraph/graph';
import { GraphValidationError } from './errors';

type Convert = (value: unknown) => unknown;

export interface PlanLink {
  input: string;
  /** Index of the producing node in `Plan.nodes`. */
  source: number;
  output: string;
  /** Coercion to the consuming input's type (INT→FLOAT …), composed through bypassed nodes. */
  convert: Convert | undefined;
  /** Types a value passed through bypassed nodes on its way (part of the cache key); '' when direct. */
  via: string;
}

export interface PlannedNode {
  index: number;
  id: string;
  type: string;
  schema: NodeSchema;
  /** Constant inputs with catalog defaults filled in for omitted widgets. */
  constants: Record<string, ConstantValue>;
  links: PlanLink[];
  /** Indices of nodes reading this one's outputs, once per link. */
  dependents: number[];
  /** An output node (or requested target): its values are what the run is for. */
  root: boolean;
}

export interface SkippedNode {
  id: string;
  type: string;
  /** The muted (or unpassable bypassed) node that keeps it from running; itself when it is muted. */
  blockedBy: string;
}

export interface Plan {
  /** Nodes that can run, in topological order (producers before consumers). */
  nodes: PlannedNode[];
  /** Indices of root nodes in `nodes`. */
  roots: number[];
  /** Nodes on the way to an output that are statically kept from running by `mode`. */
  skipped: SkippedNode[];
}

export interface PlanOptions {
  /** Restrict the run to these nodes (and their ancestors) instead of every active output node. */
  targets?: readonly string[];
  /** Coercion functions for linked inputs; defaults to the built-in registry. */
  sockets?: SocketRegistry;
}

/** Where a link's value really comes from once bypassed nodes are seen through. */
type Source =
  | { node: string; output: string; type: string; convert: Convert | undefined; via: string }
  | { blocked: string };

interface Visit {
  id: string;
  node: GraphNode;
  schema: NodeSchema;
  constants: Record<string, ConstantValue>;
  links: { input: string; from: string; output: string; convert: Convert | undefined; via: string }[];
  /** A required input fed by a muted/unavailable source. */
  blockedBy: string | undefined;
  order: number;
}

const defaultSockets = new SocketRegistry();

function compose(first: Convert | undefined, second: Convert | undefined): Convert | undefined {
  if (!first) return second;
  if (!second) return first;
  return (v) => second(first(v));
}

function modeOf(node: GraphNode): string {
  return node.mode ?? 'active';
}

/**
 * Plan a run from a validated document: only the output nodes (or `targets`) and their ancestors,
 * in topological order, with `muted` and `bypassed` nodes resolved. Pure and synchronous.
 * Defensive against unvalidated input: structural problems throw `GraphValidationError`.
 */
export function planGraph(doc: GraphDocument, catalog: Catalog, options: PlanOptions = {}): Plan {
  const sockets = options.sockets ?? defaultSockets;
  const types = catalog.types;
  const docNodes = doc.nodes;
  const errors: ValidationError[] = [];
  const has = (id: string) => Object.hasOwn(docNodes, id);

  const rootIds: string[] = [];
  if (options.targets) {
    for (const id of options.targets) {
      const node = has(id) ? docNodes[id] : undefined;
      if (!node) {
        errors.push({
          nodeId: id,
          code: 'invalid_document',
          message: `Target node "${id}" is not in the graph`,
        });
      } else if (modeOf(node) === 'active') rootIds.push(id);
    }
  } else {
    for (const id in docNodes) {
      const node = docNodes[id]!;
      if (modeOf(node) === 'active' && catalog.nodes[node.type]?.output) rootIds.push(id);
    }
  }

  const muted = new Set<string>();
  const bypassMemo = new Map<string, Source>();

  const coerce = (from: string, to: string): Convert | undefined =>
    from === to ? undefined : sockets.get(to)?.coerceFrom?.[from];

  const nodeCount = Object.keys(docNodes).length;

  /** Follow a link through bypassed nodes (iteratively: bypass chains can be long). */
  const resolve = (nodeId: string, output: string): Source | undefined => {
    const hops: { memo: string; inType: string; outType: string }[] = [];
    let id = nodeId;
    let out = output;
    let result: Source;
    for (;;) {
      const node = has(id) ? docNodes[id] : undefined;
      if (!node) {
        errors.push({ nodeId: id, code: 'link_missing_node', message: `Linked node "${id}" does not exist` });
        return undefined;
      }
      const schema = catalog.nodes[node.type];
      if (!schema) {
        errors.push({ nodeId: id, code: 'unknown_node_type', message: `Unknown node type "${node.type}"` });
        return undefined;
      }
      const outSchema = schema.outputs[out];
      if (!outSchema) {
        errors.push({
          nodeId: id,
          code: 'link_missing_output',
          message: `Node "${id}" has no output "${out}"`,
        });
        return undefined;
      }
      const mode = modeOf(node);
      if (mode === 'muted') {
        muted.add(id);
        result = { blocked: id };
        break;
      }
      if (mode !== 'bypassed') {
        result = { node: id, output: out, type: outSchema.type, convert: undefined, via: '' };
        break;
      }
      const memo = `${id}\u0000${out}`;
      const known = bypassMemo.get(memo);
      if (known) {
        result = known;
        break;
      }
      if (hops.length > nodeCount) {
        errors.push({ nodeId: id, code: 'cycle', message: `Bypassed nodes form a cycle through "${id}"` });
        return undefined;
      }
      // Pass through the first linked input whose type fits this output.
      let next: [string, string] | undefined;
      let inType = '';
      for (const name in schema.inputs) {
        const value = node.inputs[name];
        inType = schema.inputs[name]!.type;
        if (isLink(value) && canConnect(types, inType, outSchema.type)) {
          next = value;
          break;
        }
      }
      if (!next) {
        result = { blocked: id };
        bypassMemo.set(memo, result);
        break;
      }
      hops.push({ memo, inType, outType: outSchema.type });
      id = next[0];
      out = next[1];
    }
    // Unwind from the real source outwards, composing coercions and memoising each bypassed output.
    for (let h = hops.length - 1; h >= 0; h--) {
      const hop = hops[h]!;
      if (!('blocked' in result)) {
        const step = `${result.type}>${hop.inType}>${hop.outType}`;
        result = {
          node: result.node,
          output: result.output,
          type: hop.outType,
          convert: compose(
            compose(result.convert, coerce(result.type, hop.inType)),
            coerce(hop.inType, hop.outType),
          ),
          via: result.via ? `${result.via}|${step}` : step,
        };
      }
      bypassMemo.set(hop.memo, result);
    }
    return result;
  };

  // 1. Walk back from the roots over active nodes.
  const visits = new Map<string, Visit>();
  const stack: string[] = [];
  const visit = (id: string): void => {
    if (visits.has(id)) return;
    const node = docNodes[id]!;
    const schema = catalog.nodes[node.type];
    if (!schema) {
      errors.push({ nodeId: id, code: 'unknown_node_type', message: `Unknown node type "${node.type}"` });
      return;
    }
    visits.set(id, {
      id,
      node,
      schema,
      constants: {},
      links: [],
      blockedBy: undefined,
      order: -1,
    });
    stack.push(id);
  };
  for (const id of rootIds) visit(id);
  while (stack.length > 0) {
    const v = visits.get(stack.pop()!)!;
    const inputs = v.node.inputs;
    for (const name in v.schema.inputs) {
      const inSchema = v.schema.inputs[name]!;
      const value = Object.hasOwn(inputs, name) ? inputs[name] : undefined;
      if (isLink(value)) {
        const src = resolve(value[0], value[1]);
        if (!src) continue;
        if ('blocked' in src) {
          // An optional input whose producer is muted is simply left out, like an unlinked one.
          if (!inSchema.optional) v.blockedBy ??= src.blocked;
          else if (inSchema.default !== undefined) v.constants[name] = inSchema.default;
          continue;
        }
        const convert = compose(src.convert, coerce(src.type, inSchema.type));
        v.links.push({ input: name, from: src.node, output: src.output, convert, via: src.via });
        visit(src.node);
      } else if (value !== undefined && value !== null) {
        v.constants[name] = value as ConstantValue;
      } else if (inSchema.default !== undefined) {
        v.constants[name] = inSchema.default;
      }
    }
  }
  if (errors.length > 0) throw new GraphValidationError(errors);

  // 2. Kahn's algorithm over the visited set.
  const all = [...visits.values()];
  const pending = new Map<string, number>();
  const consumers = new Map<string, string[]>();
  for (const v of all) {
    pending.set(v.id, v.links.length);
    for (const l of v.links) {
      const list = consumers.get(l.from);
      if (list) list.push(v.id);
      else consumers.set(l.from, [v.id]);
    }
  }
  const order: Visit[] = [];
  for (const v of all) if (v.links.length === 0) order.push(v);
  for (let head = 0; head < order.length; head++) {
    const v = order[head]!;
    v.order = head;
    const list = consumers.get(v.id);
    if (!list) continue;
    for (const c of list) {
      const left = pending.get(c)! - 1;
      pending.set(c, left);
      if (left === 0) order.push(visits.get(c)!);
    }
  }
  if (order.length < all.length) {
    const inCycle = all.filter((v) => v.order < 0).map((v) => v.id);
    throw new GraphValidationError([
      { nodeId: inCycle[0] ?? null, code: 'cycle', message: `Nodes form a cycle: ${inCycle.join(' → ')}` },
    ]);
  }

  // 3. Static skips flow forward: a node needing a muted/unavailable value is skipped.
  const blocked = new Map<string, string>();
  for (const v of order) {
    let by = v.blockedBy;
    if (by === undefined) {
      for (const l of v.links) {
        by = blocked.get(l.from);
        if (by !== undefined) break;
      }
    }
    if (by !== undefined) blocked.set(v.id, by);
  }

  // 4. Keep only what unblocked roots need; a skipped output's private ancestors never run.
  const needed = new Set<string>();
  const rootSet = new Set<string>();
  for (const id of rootIds) {
    if (!visits.has(id) || blocked.has(id)) continue;
    rootSet.add(id);
    if (!needed.has(id)) {
      needed.add(id);
      stack.push(id);
    }
  }
  while (stack.length > 0) {
    for (const l of visits.get(stack.pop()!)!.links) {
      if (!needed.has(l.from)) {
        needed.add(l.from);
        stack.push(l.from);
      }
    }
  }

  const index = new Map<string, number>();
  const nodes: PlannedNode[] = [];
  for (const v of order) {
    if (!needed.has(v.id)) continue;
    index.set(v.id, nodes.length);
    nodes.push({
      index: nodes.length,
      id: v.id,
      type: v.node.type,
      schema: v.schema,
      constants: v.constants,
      links: [],
      dependents: [],
      root: rootSet.has(v.id),
    });
  }
  const roots: number[] = [];
  for (const n of nodes) {
    for (const l of visits.get(n.id)!.links) {
      const source = index.get(l.from)!;
      n.links.push({ input: l.input, source, output: l.output, convert: l.convert, via: l.via });
      nodes[source]!.dependents.push(n.index);
    }
    if (n.root) roots.push(n.index);
  }

  const skipped: SkippedNode[] = [];
  for (const id of muted) skipped.push({ id, type: docNodes[id]!.type, blockedBy: id });
  for (const v of order) {
    const by = blocked.get(v.id);
    if (by !== undefined) skipped.push({ id: v.id, type: v.node.type, blockedBy: by });
  }
  return { nodes, roots, skipped };
}
