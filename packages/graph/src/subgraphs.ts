import {
  type GraphDocument,
  type GraphNode,
  type InputValue,
  isLink,
  type Link,
  SUBGRAPH_INPUTS,
  type SubgraphDefinition,
  subgraphIdOf,
} from './document';
import type { ValidationCode, ValidationError } from './errors';

/** Joins an instance id and an inner node id into the flat id the executor sees (`inst/inner`). */
export const INNER_SEPARATOR = '/';
/** Deepest nesting of subgraph instances inside subgraphs. */
export const MAX_SUBGRAPH_DEPTH = 16;

/** Where a node of an expanded graph came from. */
export interface Origin {
  /** The top-level instance it is inside. */
  instance: string;
  /** Its path from that instance (`a`, or `a/b` through a nested instance). */
  inner: string;
  /** Inner input name → the top-level instance input that feeds it (directly or through nesting). */
  fedBy: Record<string, string>;
}

export interface Expansion {
  /** Every node with subgraph instances replaced by their inner nodes (ids `instance/inner`). */
  nodes: Record<string, GraphNode>;
  /** Flat id → origin, for nodes that came from inside an instance. */
  origins: Map<string, Origin>;
  /** Problems found while expanding, on flat ids (see `attributeError`). */
  errors: ValidationError[];
  /** `nodeId\0input` of inner inputs left out because their link could not be resolved (reported). */
  unresolved: Set<string>;
}

interface Scope {
  prefix: string;
  nodes: Record<string, GraphNode>;
  /** The instance node this scope is the inside of, and the scope that node lives in. */
  parent?: { scope: Scope; node: GraphNode; id: string };
  /** Subgraph ids being expanded around this scope (a definition may not contain itself). */
  chain: readonly string[];
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const own = (o: unknown, key: string): unknown => (isObj(o) && Object.hasOwn(o, key) ? o[key] : undefined);

function definitionsOf(doc: GraphDocument): Record<string, SubgraphDefinition> {
  const subgraphs = own(doc.definitions, 'subgraphs');
  return isObj(subgraphs) ? (subgraphs as Record<string, SubgraphDefinition>) : {};
}

/** Does the document instance any subgraph (so that it must be expanded before planning)? */
export function hasSubgraphInstances(doc: GraphDocument): boolean {
  if (!isObj(doc.nodes)) return false;
  for (const id in doc.nodes) if (subgraphIdOf(own(doc.nodes[id], 'type')) !== undefined) return true;
  return false;
}

/**
 * Replace every subgraph instance by its inner nodes, recursively: inner ids become `instance/inner`,
 * links into an instance's outputs point at the inner node that produces them, and an inner input read
 * from `$inputs` takes whatever the instance's input holds (or is left out, so its default applies).
 * A muted or bypassed instance mutes or bypasses its active inner nodes. Pure and total: a node whose
 * subgraph does not exist stays as it is (the validator calls its type unknown); every other problem
 * is reported in `errors`.
 */
export function expandSubgraphs(doc: GraphDocument, maxNodes = Number.POSITIVE_INFINITY): Expansion {
  const defs = definitionsOf(doc);
  const nodes: Record<string, GraphNode> = {};
  const origins = new Map<string, Origin>();
  const errors: ValidationError[] = [];
  const unresolved = new Set<string>();
  let count = 0;
  let stopped = false;
  const fail = (code: ValidationCode, nodeId: string | null, message: string, input?: string) => {
    errors.push(input === undefined ? { nodeId, code, message } : { nodeId, input, code, message });
  };

  const defOf = (node: unknown): { id: string; def: SubgraphDefinition } | undefined => {
    const id = subgraphIdOf(own(node, 'type'));
    if (id === undefined || !Object.hasOwn(defs, id) || !isObj(defs[id])) return undefined;
    return { id, def: defs[id]! };
  };

  /** The top-level instance input that feeds `name` of the instance around `scope`, if any. */
  const topInput = (scope: Scope, name: string): string | undefined => {
    const parent = scope.parent;
    if (!parent) return undefined;
    if (!parent.scope.parent) return name;
    const v = own(parent.node.inputs, name);
    return isLink(v) && v[0] === SUBGRAPH_INPUTS ? topInput(parent.scope, v[1]) : undefined;
  };

  /** What a link `[id, out]` in `scope` really reads, after seeing through instances and `$inputs`. */
  const resolve = (scope: Scope, link: Link, at: string, input: string): InputValue | undefined => {
    let [id, out] = link;
    let s = scope;
    for (let hops = 0; hops <= MAX_SUBGRAPH_DEPTH * 2 + 2; hops++) {
      if (id === SUBGRAPH_INPUTS) {
        const parent = s.parent;
        if (!parent) return link; // `$inputs` at the top level: the validator reports a missing node
        const v = own(parent.node.inputs, out);
        if (!isLink(v)) return v as InputValue | undefined; // a constant, or nothing (the default applies)
        s = parent.scope;
        [id, out] = v;
        continue;
      }
      const node = own(s.nodes, id);
      const found = defOf(node);
      if (!found) return [s.prefix + id, out];
      const o = Array.isArray(found.def.outputs)
        ? found.def.outputs.find((x) => own(x, 'name') === out)
        : undefined;
      if (!o || !isLink(o.from)) {
        const names = Array.isArray(found.def.outputs)
          ? found.def.outputs.map((x) => JSON.stringify(own(x, 'name')))
          : [];
        fail(
          'link_missing_output',
          at,
          `Node ${JSON.stringify(at)}: input ${JSON.stringify(input)}: links to output ${JSON.stringify(out)} of subgraph node ${JSON.stringify(s.prefix + id)}, but it has ${names.join(', ') || 'none'}`,
          input,
        );
        return undefined;
      }
      s = {
        prefix: `${s.prefix}${id}${INNER_SEPARATOR}`,
        nodes: found.def.nodes,
        parent: { scope: s, node: node as GraphNode, id },
        chain: [...s.chain, found.id],
      };
      [id, out] = o.from;
    }
    fail(
      'cycle',
      at,
      `Node ${JSON.stringify(at)}: input ${JSON.stringify(input)} goes round subgraph outputs without end`,
      input,
    );
    return undefined;
  };

  const place = (scope: Scope, id: string, node: GraphNode, origin: Origin | undefined) => {
    const flatId = scope.prefix + id;
    if (Object.hasOwn(nodes, flatId)) {
      fail(
        'duplicate_id',
        flatId,
        `Node id ${JSON.stringify(flatId)} of a subgraph's inner node is already used`,
      );
      return;
    }
    if (++count > maxNodes) {
      stopped = true;
      return;
    }
    nodes[flatId] = node;
    if (origin) origins.set(flatId, origin);
  };

  const expandScope = (scope: Scope, top: string | undefined) => {
    if (!isObj(scope.nodes)) return;
    for (const id of Object.keys(scope.nodes)) {
      if (stopped) return;
      const raw = scope.nodes[id] as GraphNode;
      const found = defOf(raw);
      const flatId = scope.prefix + id;
      if (found) {
        if (top !== undefined)
          origins.set(flatId, { instance: top, inner: flatId.slice(top.length + 1), fedBy: {} });
        if (scope.chain.includes(found.id)) {
          fail(
            'cycle',
            flatId,
            `Subgraph ${JSON.stringify(found.id)} contains an instance of itself (node ${JSON.stringify(flatId)})`,
          );
          continue;
        }
        if (scope.chain.length >= MAX_SUBGRAPH_DEPTH) {
          fail(
            'invalid_document',
            flatId,
            `Subgraphs nest deeper than ${MAX_SUBGRAPH_DEPTH} levels at node ${JSON.stringify(flatId)}`,
          );
          continue;
        }
        checkInstanceInputs(flatId, raw, found.def, fail);
        const inner: Scope = {
          prefix: `${flatId}${INNER_SEPARATOR}`,
          nodes: found.def.nodes,
          parent: { scope, node: raw, id },
          chain: [...scope.chain, found.id],
        };
        expandScope(inner, top ?? id);
        continue;
      }
      if (!scope.parent) {
        // A top-level node: only links into instances change.
        place(scope, id, rewriteLinks(unresolved, scope, flatId, raw, resolve), undefined);
        continue;
      }
      const fedBy: Record<string, string> = {};
      if (isObj(raw) && isObj(raw.inputs)) {
        for (const [name, v] of Object.entries(raw.inputs)) {
          const fed = isLink(v) && v[0] === SUBGRAPH_INPUTS ? topInput(scope, v[1]) : undefined;
          if (fed !== undefined) fedBy[name] = fed;
        }
      }
      const node = rewriteLinks(unresolved, scope, flatId, raw, resolve);
      const mode = inheritedMode(scope);
      const placed = mode && (node.mode ?? 'active') === 'active' ? { ...node, mode } : node;
      place(scope, id, placed, { instance: top!, inner: flatId.slice(top!.length + 1), fedBy });
    }
  };

  expandScope({ prefix: '', nodes: doc.nodes, chain: [] }, undefined);
  if (stopped)
    fail(
      'document_too_large',
      null,
      `Expanded, the graph's subgraphs have more than ${maxNodes} nodes; the limit is ${maxNodes}`,
    );
  return { nodes, origins, errors, unresolved };
}

/** The mode the closest non-active instance around a scope passes to its inner nodes. */
function inheritedMode(scope: Scope): GraphNode['mode'] {
  for (let s: Scope | undefined = scope; s?.parent; s = s.parent.scope) {
    const mode = own(s.parent.node, 'mode');
    if (mode === 'muted' || mode === 'bypassed') return mode;
  }
  return undefined;
}

function rewriteLinks(
  unresolved: Set<string>,
  scope: Scope,
  flatId: string,
  raw: GraphNode,
  resolve: (scope: Scope, link: Link, at: string, input: string) => InputValue | undefined,
): GraphNode {
  if (!isObj(raw) || !isObj(raw.inputs)) return raw;
  let inputs: Record<string, InputValue> | undefined;
  for (const [name, v] of Object.entries(raw.inputs)) {
    if (!isLink(v)) continue;
    const r = resolve(scope, v, flatId, name);
    if (r === undefined && v[0] !== SUBGRAPH_INPUTS) unresolved.add(`${flatId}\u0000${name}`);
    if (scope.prefix === '' && r === v) continue;
    inputs ??= { ...raw.inputs };
    if (r === undefined) delete inputs[name];
    else inputs[name] = r;
  }
  return inputs ? { ...raw, inputs } : raw;
}

function checkInstanceInputs(
  flatId: string,
  node: GraphNode,
  def: SubgraphDefinition,
  fail: (code: ValidationCode, nodeId: string | null, message: string, input?: string) => void,
): void {
  const declared = new Set(Array.isArray(def.inputs) ? def.inputs.map((i) => own(i, 'name')) : []);
  const inputs = own(node, 'inputs');
  if (!isObj(inputs)) {
    fail('invalid_document', flatId, `Node ${JSON.stringify(flatId)}: "inputs" must be an object`);
    return;
  }
  for (const name of Object.keys(inputs)) {
    if (declared.has(name)) continue;
    const known = [...declared].map((n) => JSON.stringify(n)).join(', ');
    fail(
      'unknown_input',
      flatId,
      `Node ${JSON.stringify(flatId)} (${node.type}) has no input ${JSON.stringify(name)}${known ? ` (it has ${known})` : ' (it takes no inputs)'}`,
      name,
    );
  }
}

/**
 * Attribute an error on an expanded graph to the document the user sees: a problem on an inner node is
 * put on its top-level instance, with the inner node (and input) in `inner`, and `input` naming the
 * instance input that feeds it when one does.
 */
export function attributeError(e: ValidationError, origins: ReadonlyMap<string, Origin>): ValidationError {
  const origin = e.nodeId === null ? undefined : origins.get(e.nodeId);
  if (!origin) return e;
  const { input, ...rest } = e;
  const fed = input === undefined ? undefined : origin.fedBy[input];
  const inner = input === undefined ? { nodeId: origin.inner } : { nodeId: origin.inner, input };
  return fed === undefined
    ? { ...rest, nodeId: origin.instance, inner }
    : { ...rest, nodeId: origin.instance, input: fed, inner };
}

/**
 * The document the executor plans: subgraph instances expanded, `definitions` dropped. The same
 * document back when it instances no subgraph.
 */
export function flattenGraph(doc: GraphDocument): GraphDocument {
  if (!hasSubgraphInstances(doc)) return doc;
  const { definitions: _, ...rest } = doc;
  return { ...rest, nodes: expandSubgraphs(doc).nodes };
}

/** The instance a node of an expanded graph belongs to (its id up to the first separator). */
export function instanceOf(flatId: string): string {
  const at = flatId.indexOf(INNER_SEPARATOR);
  return at === -1 ? flatId : flatId.slice(0, at);
}
