/**
 * ComfyUI subgraphs → Reelgraph subgraphs. The importer maps the flattened graph (interior ids
 * `instance:inner`, so that folding and the link check see through the boundaries), then this puts each
 * instance's nodes back into a subgraph definition, deepest first, with `convertToSubgraph`: links that
 * cross the boundary become the definition's inputs and outputs. Inner ids become local again; the
 * instance keeps the ComfyUI instance's id, title, position and mode. Instances of one ComfyUI
 * definition that come out the same share one Reelgraph definition (promoted widget values that differ
 * per instance make them differ).
 */
import {
  type Catalog,
  convertToSubgraph,
  type GraphDocument,
  type GraphMeta,
  type GraphNode,
  isLink,
  type Link,
  SUBGRAPH_INPUTS,
  type SubgraphDefinition,
  subgraphType,
} from '@reelgraph/graph';
import type { ComfySubgraphInstance } from './format';

const SEP = ':';
const depth = (path: string) => path.split(SEP).length;
/** The ComfyUI node a Reelgraph node came from: its id without the importer's suffix (`3.noise`). */
const comfyIdOf = (id: string) => id.replace(/\..*$/, '');

export function nestSubgraphs(
  doc: GraphDocument,
  instances: readonly ComfySubgraphInstance[],
  catalog: Catalog = { nodes: {} } as unknown as Catalog,
): GraphDocument {
  let out: GraphDocument = { ...doc, version: 2 };
  const made: [comfy: string, reelgraph: string][] = []; // in order: inner definitions first
  // A mode an interior node has from an instance around it comes back from that instance on expansion.
  const inherited = new Set(instances.flatMap((i) => i.inherited));
  for (const inst of [...instances].sort((a, b) => depth(b.path) - depth(a.path))) {
    const prefix = inst.path + SEP;
    const selection = Object.keys(out.nodes).filter((id) => id.startsWith(prefix));
    const r = selection.length ? convertToSubgraph(out, selection, catalog, inst.name) : undefined;
    if (!r) continue; // everything inside folded into nodes outside it
    const def = r.doc.definitions?.subgraphs?.[r.subgraph] as SubgraphDefinition;
    const local = (id: string) => (id.startsWith(prefix) ? id.slice(prefix.length) : id);
    const nodes: Record<string, GraphNode> = {};
    for (const [id, node] of Object.entries(def.nodes)) {
      const mode = inherited.has(comfyIdOf(id)) ? undefined : node.mode;
      const { mode: _, ...rest } = node;
      nodes[local(id)] = {
        ...rest,
        inputs: relink(node.inputs, local),
        ...(mode && mode !== 'active' ? { mode } : {}),
      };
    }
    const meta = moveMeta(r.doc, prefix);
    const inner: SubgraphDefinition = {
      ...def,
      nodes,
      outputs: def.outputs.map((o) => ({ ...o, from: [local(o.from[0]), o.from[1]] as Link })),
      ...(meta.inner ? { meta: meta.inner } : {}),
    };
    const subgraphs = { ...r.doc.definitions?.subgraphs, [r.subgraph]: inner };
    const top: Record<string, GraphNode> = {};
    for (const [id, node] of Object.entries(r.doc.nodes)) {
      const rename = (x: string) => (x === r.instance ? inst.path : x);
      top[rename(id)] =
        id === r.instance ? instanceNode(node, inst) : { ...node, inputs: relink(node.inputs, rename) };
    }
    comfyNames(top, subgraphs, r.subgraph, inst);
    out = { ...r.doc, nodes: top, definitions: { ...r.doc.definitions, subgraphs } };
    if (meta.outer) out.meta = meta.outer;
    else delete out.meta;
    made.push([inst.definition, r.subgraph]);
  }
  return shareDefinitions(out, made);
}

/**
 * Sockets take the ComfyUI instance's socket names where one ComfyUI socket is wired to the same node
 * outside (`clip` rather than the inner input's `text_encoder`); the rest keep the names they were given.
 */
function comfyNames(
  top: Record<string, GraphNode>,
  subgraphs: Record<string, SubgraphDefinition>,
  id: string,
  inst: ComfySubgraphInstance,
): void {
  const def = subgraphs[id] as SubgraphDefinition;
  const node = top[inst.path] as GraphNode;
  /** The one ComfyUI socket name wired to these outside nodes (at these inputs of theirs, for outputs). */
  const pick = (input: boolean, outside: Set<string>, taken: Set<string>, at?: Set<string>) => {
    const wired = inst.sockets.filter((x) => x.input === input && outside.has(x.node));
    const precise = at ? wired.filter((x) => x.at !== undefined && at.has(x.at)) : [];
    const names = new Set((precise.length ? precise : wired).map((x) => x.name));
    const [name] = names;
    return names.size === 1 && name !== undefined && !taken.has(name) ? name : undefined;
  };
  const inputs = new Set(def.inputs.map((x) => x.name));
  const renamedIn = new Map<string, string>();
  for (const socket of def.inputs) {
    const v = node.inputs[socket.name];
    const name = isLink(v) ? pick(true, new Set([comfyIdOf(v[0])]), inputs) : undefined;
    if (name === undefined || name === socket.name) continue;
    inputs.delete(socket.name);
    inputs.add(name);
    renamedIn.set(socket.name, name);
  }
  const outputs = new Set(def.outputs.map((x) => x.name));
  const renamedOut = new Map<string, string>();
  for (const o of def.outputs) {
    const reads = Object.entries(top).flatMap(([rid, n]) =>
      Object.entries(n.inputs).flatMap(([k, v]) =>
        isLink(v) && v[0] === inst.path && v[1] === o.name ? [[comfyIdOf(rid), k] as const] : [],
      ),
    );
    const name = pick(false, new Set(reads.map((r) => r[0])), outputs, new Set(reads.map((r) => r[1])));
    if (name === undefined || name === o.name) continue;
    outputs.delete(o.name);
    outputs.add(name);
    renamedOut.set(o.name, name);
  }
  if (!renamedIn.size && !renamedOut.size) return;
  const inName = (n: string) => renamedIn.get(n) ?? n;
  const outName = (n: string) => renamedOut.get(n) ?? n;
  const nodes: Record<string, GraphNode> = {};
  for (const [nid, n] of Object.entries(def.nodes))
    nodes[nid] = {
      ...n,
      inputs: Object.fromEntries(
        Object.entries(n.inputs).map(([k, v]) => [
          k,
          isLink(v) && v[0] === SUBGRAPH_INPUTS ? [SUBGRAPH_INPUTS, inName(v[1])] : v,
        ]),
      ),
    };
  subgraphs[id] = {
    ...def,
    nodes,
    inputs: def.inputs.map((x) => ({ ...x, name: inName(x.name) })),
    outputs: def.outputs.map((x) => ({ ...x, name: outName(x.name) })),
  };
  top[inst.path] = {
    ...node,
    inputs: Object.fromEntries(Object.entries(node.inputs).map(([k, v]) => [inName(k), v])),
  };
  for (const [rid, n] of Object.entries(top))
    if (rid !== inst.path)
      top[rid] = {
        ...n,
        inputs: Object.fromEntries(
          Object.entries(n.inputs).map(([k, v]) => [
            k,
            isLink(v) && v[0] === inst.path ? [inst.path, outName(v[1])] : v,
          ]),
        ),
      };
}

function relink(inputs: GraphNode['inputs'], rename: (id: string) => string): GraphNode['inputs'] {
  return Object.fromEntries(
    Object.entries(inputs).map(([k, v]) => [k, isLink(v) ? [rename(v[0]), v[1]] : v]),
  );
}

function instanceNode(node: GraphNode, inst: ComfySubgraphInstance): GraphNode {
  const meta: NonNullable<GraphNode['meta']> = { title: inst.title ?? inst.name };
  if (inst.position) meta.position = inst.position;
  if (inst.size) meta.size = inst.size;
  if (inst.color) meta.color = inst.color;
  if (inst.collapsed) meta.collapsed = true;
  return { ...node, meta, ...(inst.mode !== 'active' ? { mode: inst.mode } : {}) };
}

/** Groups and notes drawn inside the instance (ids `group-<path>:…`) go into its definition. */
function moveMeta(doc: GraphDocument, prefix: string): { outer?: GraphMeta; inner?: GraphMeta } {
  const split = <T extends { id: string }>(list: T[] | undefined, kind: string) => {
    const at = `${kind}-${prefix}`;
    const inside = (list ?? []).filter((x) => x.id.startsWith(at));
    return {
      inside: inside.map((x) => ({ ...x, id: `${kind}-${x.id.slice(at.length)}` })),
      outside: (list ?? []).filter((x) => !x.id.startsWith(at)),
    };
  };
  const groups = split(doc.meta?.groups, 'group');
  const notes = split(doc.meta?.notes, 'note');
  const outer: GraphMeta = { ...doc.meta };
  delete outer.groups;
  delete outer.notes;
  if (groups.outside.length) outer.groups = groups.outside;
  if (notes.outside.length) outer.notes = notes.outside;
  const inner: GraphMeta = {};
  if (groups.inside.length) inner.groups = groups.inside;
  if (notes.inside.length) inner.notes = notes.inside;
  return {
    ...(Object.keys(outer).length ? { outer } : {}),
    ...(Object.keys(inner).length ? { inner } : {}),
  };
}

/**
 * Instances whose definitions came out identical (from one ComfyUI definition) share the first; inner
 * definitions go first, so that outer ones compare with their instances already shared.
 */
function shareDefinitions(doc: GraphDocument, made: readonly [string, string][]): GraphDocument {
  const subgraphs = { ...doc.definitions?.subgraphs };
  const to = new Map<string, string>();
  const retype = (nodes: Record<string, GraphNode>) =>
    Object.fromEntries(
      Object.entries(nodes).map(([id, n]) => [id, to.has(n.type) ? { ...n, type: to.get(n.type)! } : n]),
    );
  const kept = new Map<string, string[]>();
  for (const [comfy, id] of made) {
    const def = { ...subgraphs[id]!, nodes: retype(subgraphs[id]!.nodes) };
    subgraphs[id] = def;
    const text = JSON.stringify(def);
    const same = (kept.get(comfy) ?? []).find((k) => JSON.stringify(subgraphs[k]) === text);
    if (same === undefined) kept.set(comfy, [...(kept.get(comfy) ?? []), id]);
    else {
      to.set(subgraphType(id), subgraphType(same));
      delete subgraphs[id];
    }
  }
  if (!to.size) return doc;
  return { ...doc, nodes: retype(doc.nodes), definitions: { ...doc.definitions, subgraphs } };
}
