import {
  GRAPH_VERSION,
  type GraphDocument,
  type GraphNode,
  type InputValue,
  isLink,
  type Point,
  type SubgraphDefinition,
  subgraphIdOf,
  subgraphType,
} from './document';
import { freshName } from './subgraph-edit';

/**
 * Reusable components: a subgraph saved on its own (the server's workflow library, kind `component`)
 * as a document holding one instance and the definitions it needs, and inserted into another graph
 * with those definitions copied in.
 */

const definitions = (doc: GraphDocument): Record<string, SubgraphDefinition> =>
  doc.definitions?.subgraphs ?? {};

/** `id` and the ids of every subgraph its nodes instance, nested ones too (each once). */
function closure(defs: Record<string, SubgraphDefinition>, id: string, out = new Set<string>()): Set<string> {
  if (out.has(id) || !Object.hasOwn(defs, id)) return out;
  out.add(id);
  for (const n of Object.values(defs[id]!.nodes)) {
    const sub = subgraphIdOf(n.type);
    if (sub !== undefined) closure(defs, sub, out);
  }
  return out;
}

/**
 * The component an instance makes: the instance (its constant inputs kept, links dropped) and the
 * definitions it needs. Undefined when `instanceId` is not an instance of a defined subgraph.
 */
export function componentOf(doc: GraphDocument, instanceId: string): GraphDocument | undefined {
  const node = doc.nodes[instanceId];
  const sub = node && subgraphIdOf(node.type);
  const defs = definitions(doc);
  if (!node || sub === undefined || !Object.hasOwn(defs, sub)) return undefined;
  const subgraphs: Record<string, SubgraphDefinition> = {};
  for (const id of closure(defs, sub)) subgraphs[id] = defs[id]!;
  const inputs: Record<string, InputValue> = {};
  for (const [k, v] of Object.entries(node.inputs)) if (!isLink(v)) inputs[k] = v;
  const title = node.meta?.title ?? defs[sub]!.name;
  return {
    version: GRAPH_VERSION,
    nodes: { [sub]: { type: node.type, inputs, meta: { title } } },
    definitions: { subgraphs },
    meta: { title },
  };
}

/** The one instance a component document holds, or undefined when it is not a component. */
export function componentInstance(component: GraphDocument): [string, GraphNode] | undefined {
  const entries = Object.entries(component.nodes ?? {});
  if (entries.length !== 1) return undefined;
  const sub = subgraphIdOf(entries[0]![1].type);
  return sub !== undefined && Object.hasOwn(definitions(component), sub) ? entries[0] : undefined;
}

/** `def` with its nested instances pointing at the renamed definitions. */
function renamed(def: SubgraphDefinition, ids: ReadonlyMap<string, string>): SubgraphDefinition {
  let nodes: Record<string, GraphNode> | undefined;
  for (const [id, n] of Object.entries(def.nodes)) {
    const sub = subgraphIdOf(n.type);
    const to = sub === undefined ? undefined : ids.get(sub);
    if (to === undefined || to === sub) continue;
    nodes ??= { ...def.nodes };
    nodes[id] = { ...n, type: subgraphType(to) };
  }
  return nodes ? { ...def, nodes } : def;
}

export interface InsertResult {
  doc: GraphDocument;
  /** The new instance's node id. */
  instance: string;
  /** Component subgraph id → its id in the document (a copy is renamed when the id is taken by another). */
  subgraphs: Record<string, string>;
}

/**
 * Add an instance of `component` to `doc`, its definitions copied in. A definition the document already
 * holds unchanged under the same id is shared; one whose id is taken by a different definition is
 * copied under a fresh id (`id-2` …), nested references following. Pure; undefined when `component`
 * holds no single instance.
 */
export function insertComponent(
  doc: GraphDocument,
  component: GraphDocument,
  position?: Point,
): InsertResult | undefined {
  const found = componentInstance(component);
  if (!found) return undefined;
  const [baseId, node] = found;
  const from = definitions(component);
  const into = { ...definitions(doc) };
  const ids = new Map<string, string>();
  // Leaves first, so a definition is compared with its nested references already renamed.
  const place = (id: string, visiting: Set<string>): string => {
    const known = ids.get(id);
    if (known !== undefined) return known;
    const def = from[id];
    if (!def || visiting.has(id)) return id;
    visiting.add(id);
    for (const n of Object.values(def.nodes)) {
      const sub = subgraphIdOf(n.type);
      if (sub !== undefined) place(sub, visiting);
    }
    const copy = renamed(def, ids);
    const same = (k: string) => Object.hasOwn(into, k) && JSON.stringify(into[k]) === JSON.stringify(copy);
    const to = same(id) ? id : freshName(id, (k) => Object.hasOwn(into, k) && !same(k));
    into[to] = copy;
    ids.set(id, to);
    return to;
  };
  const root = place(subgraphIdOf(node.type)!, new Set());
  const instance = freshName(baseId, (k) => Object.hasOwn(doc.nodes, k));
  const meta = { ...node.meta, ...(position ? { position: { x: position.x, y: position.y } } : {}) };
  const out: GraphDocument = {
    ...doc,
    version: GRAPH_VERSION,
    nodes: { ...doc.nodes, [instance]: { ...node, type: subgraphType(root), meta } },
    definitions: { ...doc.definitions, subgraphs: into },
  };
  return { doc: out, instance, subgraphs: Object.fromEntries(ids) };
}
