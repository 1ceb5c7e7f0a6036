import {
  type Catalog,
  type ConstantValue,
  canConnect,
  type GraphDocument,
  type GraphNode,
  type InputSchema,
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

const entriesOf = new WeakMap<NodeSchema, [string, InputSchema][]>();
function inputEntries(schema: NodeSchema): [string, InputSchema][] {
  let entries = entriesOf.get(schema);
  if (!entries) {
    entries = Object.entries(schema.inputs);
    entriesOf.set(schema, entries);
  }
  return entries;
}

const defaultSockets = new SocketRegistry();

function compose(first: Convert | undefined, second: Convert | undefined): Convert | undefined {
  if (!first) return second;
  if (!second) return first;
  return (v) => second(first(v));
}

/**
 * A constant input's value, or its default when it is left out. -0 is taken as 0: a document is its
 * JSON text (plans are reused by it), and JSON writes -0 as 0.
 */
function setConstant(
  constants: Record<string, ConstantValue>,
  name: string,
  value: unknown,
  decl: InputSchema,
): void {
  if (value !== undefined && value !== null) constants[name] = value === 0 ? 0 : (value as ConstantValue);
  else if (decl.default !== undefined) constants[name] = decl.default;
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

  // 1. Walk back from the roots over active nodes, numbering them as they are found.
  const indexOf = new Map<string, number>();
  // Visited nodes are PlannedNodes from the start (index and root set at the end): one object per node.
  const visits: PlannedNode[] = [];
  const graphNodes: GraphNode[] = [];
  const blockedBy: (string | undefined)[] = [];
  const stack: number[] = [];
  const visit = (id: string, node: GraphNode, schema: NodeSchema): number => {
    let at = indexOf.get(id);
    if (at === undefined) {
      at = visits.length;
      indexOf.set(id, at);
      visits.push({
        index: -1,
        id,
        type: node.type,
        schema,
        constants: {},
        links: [],
        dependents: [],
        root: false,
      });
      graphNodes.push(node);
      blockedBy.push(undefined);
      stack.push(at);
    }
    return at;
  };
  for (const id of rootIds) {
    const node = docNodes[id]!;
    const schema = catalog.nodes[node.type];
    if (schema) visit(id, node, schema);
    else errors.push({ nodeId: id, code: 'unknown_node_type', message: `Unknown node type "${node.type}"` });
  }
  while (stack.length > 0) {
    const at = stack.pop()!;
    const v = visits[at]!;
    const inputs = graphNodes[at]!.inputs;
    for (const [name, inSchema] of inputEntries(v.schema)) {
      const value = Object.hasOwn(inputs, name) ? inputs[name] : undefined;
      if (isLink(value)) {
        const [fromId, output] = value;
        // Fast path: an active producer needs no resolution.
        const from = has(fromId) ? docNodes[fromId]! : undefined;
        const fromSchema = from && catalog.nodes[from.type];
        const outSchema = fromSchema?.outputs[output];
        if (from && fromSchema && outSchema && (from.mode === undefined || from.mode === 'active')) {
          const source = visit(fromId, from, fromSchema);
          v.links.push({
            input: name,
            source,
            output,
            convert: coerce(outSchema.type, inSchema.type),
            via: '',
          });
          continue;
        }
        const src = resolve(fromId, output);
        if (!src) continue;
        if ('blocked' in src) {
          // An optional input whose producer is muted is simply left out, like an unlinked one.
          if (!inSchema.optional) blockedBy[at] ??= src.blocked;
          else if (inSchema.default !== undefined) v.constants[name] = inSchema.default;
          continue;
        }
        const srcNode = docNodes[src.node]!;
        const source = visit(src.node, srcNode, catalog.nodes[srcNode.type]!);
        const convert = compose(src.convert, coerce(src.type, inSchema.type));
        v.links.push({ input: name, source, output: src.output, convert, via: src.via });
      } else setConstant(v.constants, name, value, inSchema);
    }
  }
  if (errors.length > 0) throw new GraphValidationError(errors);

  // 2. Kahn's algorithm over the visited set.
  const count = visits.length;
  const pending = new Int32Array(count);
  const consumers: (number[] | undefined)[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const links = visits[i]!.links;
    pending[i] = links.length;
    for (const l of links) {
      const list = consumers[l.source];
      if (list) list.push(i);
      else consumers[l.source] = [i];
    }
  }
  const order: number[] = [];
  for (let i = 0; i < count; i++) if (pending[i] === 0) order.push(i);
  for (let head = 0; head < order.length; head++) {
    const list = consumers[order[head]!];
    if (!list) continue;
    for (const c of list) if (--pending[c]! === 0) order.push(c);
  }
  if (order.length < count) {
    const inCycle = visits.filter((_, i) => pending[i]! > 0).map((v) => v.id);
    throw new GraphValidationError([
      { nodeId: inCycle[0] ?? null, code: 'cycle', message: `Nodes form a cycle: ${inCycle.join(' → ')}` },
    ]);
  }

  // 3. Static skips flow forward: a node needing a muted/unavailable value is skipped.
  const blocked: (string | undefined)[] = new Array(count);
  let anyBlocked = false;
  for (const i of order) {
    const v = visits[i]!;
    let by = blockedBy[i];
    if (by === undefined && anyBlocked) {
      for (const l of v.links) {
        by = blocked[l.source];
        if (by !== undefined) break;
      }
    }
    if (by !== undefined) {
      blocked[i] = by;
      anyBlocked = true;
    }
  }

  // 4. Keep only what unblocked roots need; a skipped output's private ancestors never run.
  const needed = new Uint8Array(count);
  const isRoot = new Uint8Array(count);
  for (const id of rootIds) {
    const i = indexOf.get(id);
    if (i === undefined || blocked[i] !== undefined) continue;
    isRoot[i] = 1;
    if (!needed[i]) {
      needed[i] = 1;
      stack.push(i);
    }
  }
  while (stack.length > 0) {
    for (const l of visits[stack.pop()!]!.links) {
      if (!needed[l.source]) {
        needed[l.source] = 1;
        stack.push(l.source);
      }
    }
  }

  const planIndex = new Int32Array(count);
  const nodes: PlannedNode[] = [];
  const roots: number[] = [];
  for (const i of order) {
    if (!needed[i]) continue;
    const v = visits[i]!;
    const index = nodes.length;
    planIndex[i] = index;
    v.index = index;
    v.root = isRoot[i] === 1;
    // Links were numbered in visit order while planning; renumber them in plan order.
    for (const l of v.links) {
      l.source = planIndex[l.source]!;
      nodes[l.source]!.dependents.push(index);
    }
    nodes.push(v);
    if (v.root) roots.push(index);
  }

  const skipped: SkippedNode[] = [];
  for (const id of muted) skipped.push({ id, type: docNodes[id]!.type, blockedBy: id });
  if (anyBlocked) {
    for (const i of order) {
      const by = blocked[i];
      if (by !== undefined) skipped.push({ id: visits[i]!.id, type: visits[i]!.type, blockedBy: by });
    }
  }
  return { nodes, roots, skipped };
}

const positionsOf = new WeakMap<Plan, Map<string, number>>();

/** Where each node id sits in a plan, built once per plan structure (a replanned plan shares it). */
function positions(plan: Plan): Map<string, number> {
  let at = positionsOf.get(plan);
  if (!at) {
    at = new Map(plan.nodes.map((n, i) => [n.id, i]));
    positionsOf.set(plan, at);
  }
  return at;
}

/**
 * The plan of `doc` when it differs from the document `prev` was planned from only in constant input
 * values of the `changed` nodes (same nodes in the same order, same types, modes and links; see
 * `GraphValidator.takeChanges`): `prev` with those nodes' constants read again, everything else shared.
 * Equal to `planGraph` on `doc` (same targets and catalog); `prev` is not changed.
 */
export function replanConstants(prev: Plan, doc: GraphDocument, changed: Iterable<string>): Plan {
  const at = positions(prev);
  let nodes: PlannedNode[] | undefined;
  for (const id of changed) {
    const i = at.get(id);
    if (i === undefined) continue; // not run (muted, bypassed or not needed): its constants do not matter
    const old = prev.nodes[i]!;
    const inputs = doc.nodes[id]!.inputs;
    const constants: Record<string, ConstantValue> = {};
    for (const [name, decl] of inputEntries(old.schema)) {
      const value = Object.hasOwn(inputs, name) ? inputs[name] : undefined;
      // A linked input's constant (a muted optional producer's default) depends on links and modes alone.
      if (isLink(value)) {
        if (Object.hasOwn(old.constants, name)) constants[name] = old.constants[name]!;
      } else setConstant(constants, name, value, decl);
    }
    nodes ??= prev.nodes.slice();
    nodes[i] = { ...old, constants };
  }
  if (!nodes) return prev;
  const plan: Plan = { nodes, roots: prev.roots, skipped: prev.skipped };
  positionsOf.set(plan, at);
  return plan;
}
