import type { Catalog, InputSchema, NodeSchema } from './catalog';
import {
  type GraphDefinitions,
  type GraphDocument,
  type GraphNode,
  type InputValue,
  isLink,
  type Link,
  type Point,
  SUBGRAPH_INPUTS,
  type SubgraphDefinition,
  type SubgraphOutput,
  type SubgraphSocket,
  subgraphIdOf,
  subgraphType,
} from './document';
import { isScalarType } from './sockets';

const definitions = (doc: GraphDocument): Record<string, SubgraphDefinition> =>
  doc.definitions?.subgraphs ?? {};

/** `base`, or `base-2`, `base-3` … : the first name `taken` does not hold. */
export function freshName(base: string, taken: (name: string) => boolean): string {
  if (!taken(base)) return base;
  for (let n = 2; ; n++) if (!taken(`${base}-${n}`)) return `${base}-${n}`;
}

function outputTypeOf(doc: GraphDocument, catalog: Catalog, [id, out]: Link): string {
  const node = doc.nodes[id];
  if (!node) return '*';
  const sub = subgraphIdOf(node.type);
  if (sub !== undefined) return definitions(doc)[sub]?.outputs.find((o) => o.name === out)?.type ?? '*';
  return catalog.nodes[node.type]?.outputs[out]?.type ?? '*';
}

function centre(nodes: GraphNode[]): Point | undefined {
  const at = nodes.map((n) => n.meta?.position).filter((p): p is Point => p !== undefined);
  if (!at.length) return undefined;
  const x = at.reduce((s, p) => s + p.x, 0) / at.length;
  const y = at.reduce((s, p) => s + p.y, 0) / at.length;
  return { x: Math.round(x), y: Math.round(y) };
}

export interface ConvertResult {
  doc: GraphDocument;
  /** The new subgraph's id in `definitions.subgraphs`. */
  subgraph: string;
  /** The node that instances it, in place of the selection. */
  instance: string;
}

/**
 * Move the selected nodes into a new subgraph and put one instance in their place. Every link that
 * crossed the selection becomes a socket of the subgraph: links into it are its inputs (one per outer
 * output read, however many inner inputs read it), links out of it its outputs. Constants stay inside.
 * Pure: `doc` is not changed. Returns undefined when nothing selected is in the graph.
 */
export function convertToSubgraph(
  doc: GraphDocument,
  selection: readonly string[],
  catalog: Catalog,
  name = 'Subgraph',
): ConvertResult | undefined {
  const chosen = new Set(selection.filter((id) => Object.hasOwn(doc.nodes, id)));
  if (!chosen.size) return undefined;
  const defs = definitions(doc);
  const subgraph = freshName(name.toLowerCase().replace(/[^a-z0-9]+/g, '-') || 'subgraph', (n) =>
    Object.hasOwn(defs, n),
  );
  const instance = freshName(subgraph, (n) => Object.hasOwn(doc.nodes, n));

  const inputs: SubgraphSocket[] = [];
  const instanceInputs: Record<string, InputValue> = {};
  const inputFor = new Map<string, string>(); // outer `id\0out` → socket name
  const inner: Record<string, GraphNode> = {};
  for (const id of chosen) {
    const node = doc.nodes[id]!;
    const rewritten: Record<string, InputValue> = {};
    for (const [input, value] of Object.entries(node.inputs)) {
      if (!isLink(value) || chosen.has(value[0])) {
        rewritten[input] = value;
        continue;
      }
      const key = `${value[0]}\u0000${value[1]}`;
      let socket = inputFor.get(key);
      if (socket === undefined) {
        socket = freshName(input, (n) => Object.hasOwn(instanceInputs, n));
        inputFor.set(key, socket);
        inputs.push({ name: socket, type: outputTypeOf(doc, catalog, value) });
        instanceInputs[socket] = value;
      }
      rewritten[input] = [SUBGRAPH_INPUTS, socket];
    }
    inner[id] = { ...node, inputs: rewritten };
  }

  const outputs: SubgraphOutput[] = [];
  const outputFor = new Map<string, string>();
  const nodes: Record<string, GraphNode> = {};
  for (const [id, node] of Object.entries(doc.nodes)) {
    if (chosen.has(id)) {
      if (!Object.hasOwn(nodes, instance)) {
        nodes[instance] = {
          type: subgraphType(subgraph),
          inputs: instanceInputs,
          meta: { title: name, ...withPosition(centre(Object.values(inner))) },
        };
      }
      continue;
    }
    let inputsOut: Record<string, InputValue> | undefined;
    for (const [input, value] of Object.entries(node.inputs)) {
      if (!isLink(value) || !chosen.has(value[0])) continue;
      const key = `${value[0]}\u0000${value[1]}`;
      let socket = outputFor.get(key);
      if (socket === undefined) {
        socket = freshName(value[1], (n) => outputs.some((o) => o.name === n));
        outputFor.set(key, socket);
        outputs.push({ name: socket, type: outputTypeOf(doc, catalog, value), from: value });
      }
      inputsOut ??= { ...node.inputs };
      inputsOut[input] = [instance, socket];
    }
    nodes[id] = inputsOut ? { ...node, inputs: inputsOut } : node;
  }

  const def: SubgraphDefinition = { name, nodes: inner, inputs, outputs };
  const out: GraphDocument = {
    ...doc,
    version: 2,
    nodes,
    definitions: { ...doc.definitions, subgraphs: { ...defs, [subgraph]: def } },
  };
  return { doc: out, subgraph, instance };
}

const withPosition = (p: Point | undefined) => (p ? { position: p } : {});

/**
 * Put an instance's inner nodes back in its place (ids kept where free, else suffixed), reconnecting
 * what fed its inputs and what read its outputs; the definition goes when no other node instances it.
 * Inner nodes keep their own positions, moved so that their centre is where the instance was.
 * Pure. Returns undefined when `instanceId` is not a subgraph instance.
 */
export function unpackSubgraph(
  doc: GraphDocument,
  instanceId: string,
): { doc: GraphDocument; nodes: string[] } | undefined {
  const instance = doc.nodes[instanceId];
  const sub = instance && subgraphIdOf(instance.type);
  const def = sub === undefined ? undefined : definitions(doc)[sub];
  if (!instance || sub === undefined || !def) return undefined;

  const taken = new Set(Object.keys(doc.nodes));
  const idOf = new Map<string, string>();
  for (const id of Object.keys(def.nodes)) {
    const to = freshName(id, (n) => taken.has(n) && n !== instanceId);
    taken.add(to);
    idOf.set(id, to);
  }
  /** An inner link in the outer graph: through `$inputs` to what fed the instance. */
  const outward = (v: InputValue): InputValue | undefined => {
    if (!isLink(v)) return v;
    if (v[0] === SUBGRAPH_INPUTS) return instance.inputs[v[1]];
    return [idOf.get(v[0]) ?? v[0], v[1]];
  };

  const from = centre(Object.values(def.nodes));
  const to = instance.meta?.position;
  const shift = (p: Point | undefined): Point | undefined =>
    p && from && to ? { x: p.x - from.x + to.x, y: p.y - from.y + to.y } : p;

  const nodes: Record<string, GraphNode> = {};
  for (const [id, node] of Object.entries(doc.nodes)) {
    if (id === instanceId) {
      for (const [innerId, n] of Object.entries(def.nodes)) {
        const inputs: Record<string, InputValue> = {};
        for (const [input, v] of Object.entries(n.inputs)) {
          const w = outward(v);
          if (w !== undefined) inputs[input] = w;
        }
        const position = shift(n.meta?.position);
        const meta = n.meta || position ? { ...n.meta, ...withPosition(position) } : undefined;
        const mode = n.mode ?? instance.mode;
        nodes[idOf.get(innerId)!] = {
          ...n,
          inputs,
          ...(mode && mode !== 'active' ? { mode } : {}),
          ...(meta ? { meta } : {}),
        };
      }
      continue;
    }
    let inputs: Record<string, InputValue> | undefined;
    for (const [input, v] of Object.entries(node.inputs)) {
      if (!isLink(v) || v[0] !== instanceId) continue;
      const o = def.outputs.find((x) => x.name === v[1]);
      const w = o ? outward(o.from) : undefined;
      inputs ??= { ...node.inputs };
      if (w === undefined) delete inputs[input];
      else inputs[input] = w;
    }
    nodes[id] = inputs ? { ...node, inputs } : node;
  }

  const stillUsed = Object.values(nodes).some((n) => n.type === instance.type);
  const { [sub]: _, ...rest } = definitions(doc);
  const subgraphs = stillUsed ? definitions(doc) : rest;
  const { definitions: __, ...base } = doc;
  const out: GraphDocument = Object.keys(subgraphs).length
    ? { ...base, nodes, definitions: { ...doc.definitions, subgraphs } }
    : { ...base, nodes };
  return { doc: out, nodes: [...idOf.values()] };
}

/**
 * The schema an instance of `def` shows in the editor: its inputs take the widget of the first inner
 * input they feed (so a seed stays a seed widget), its outputs their declared types. A subgraph is an
 * output node when an inner node is.
 */
export function subgraphSchema(id: string, def: SubgraphDefinition, catalog: Catalog): NodeSchema {
  const inputs: Record<string, InputSchema> = {};
  for (const socket of def.inputs) {
    let decl: InputSchema | undefined;
    for (const n of Object.values(def.nodes)) {
      for (const [name, v] of Object.entries(n.inputs)) {
        if (isLink(v) && v[0] === SUBGRAPH_INPUTS && v[1] === socket.name) {
          decl = catalog.nodes[n.type]?.inputs[name];
          if (decl) break;
        }
      }
      if (decl) break;
    }
    // Optional: an input left open is judged where it is used (an inner default, or `missing_input`).
    inputs[socket.name] = decl
      ? { ...decl, type: socket.type, optional: true }
      : { type: socket.type, widget: isScalarType(socket.type) ? 'text' : 'socket', optional: true };
  }
  const outputs: NodeSchema['outputs'] = {};
  for (const o of def.outputs) outputs[o.name] = { type: o.type };
  const output = Object.values(def.nodes).some((n) => catalog.nodes[n.type]?.output === true);
  return {
    type: subgraphType(id),
    version: 1,
    title: def.name,
    category: 'Subgraphs',
    description: def.description ?? `Subgraph ${def.name}: ${Object.keys(def.nodes).length} nodes`,
    inputs,
    outputs,
    output,
    cache: 'pure',
  };
}

/** The catalog with a schema for each subgraph a document defines, so the editor can draw instances. */
export function catalogWithSubgraphs(catalog: Catalog, defined: GraphDefinitions | undefined): Catalog {
  const defs = defined?.subgraphs ?? {};
  const ids = Object.keys(defs);
  if (!ids.length) return catalog;
  const nodes = { ...catalog.nodes };
  for (const id of ids) nodes[subgraphType(id)] = subgraphSchema(id, defs[id]!, catalog);
  return { ...catalog, nodes };
}
