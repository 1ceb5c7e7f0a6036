/**
 * The normalized ComfyUI graph → a Reelgraph graph document and an import report. Each class table's
 * builder emits Reelgraph nodes or folds its settings into what consumes it; a class with no table (or
 * an occurrence its builder cannot map) is kept as a foreign node. Nothing is dropped silently.
 */
import {
  type Catalog,
  type ComfyOrigin,
  FOREIGN_TYPE,
  GRAPH_VERSION,
  type GraphDocument,
  type GraphNode,
  type InputValue,
  type Link,
} from '@reelgraph/graph';
import { scalar } from './classes/values';
import { type ComfyGraph, type ComfyNode, type ComfySocket, isRef } from './format';
import { comfyLinks, lostLinks } from './links';
import { type BuildContext, type ComfyMappings, type Flow, NotMappable } from './mapping';
import { matchModel } from './model-names';
import { nestSubgraphs } from './nest';

export interface ImportReport {
  format: 'workflow' | 'prompt';
  /** ComfyUI nodes that became Reelgraph nodes (ids of what they became). */
  mapped: { id: string; class: string; nodes: string[] }[];
  /** ComfyUI nodes whose settings went into the nodes they feed (guiders, schedulers, model patches …). */
  folded: { id: string; class: string }[];
  /** Kept as foreign nodes: the graph cannot run until they are replaced or removed. */
  foreign: { id: string; class: string; reason: string }[];
  /** Model files no local model matches (the node keeps the file name). */
  missingModels: { node: string; class: string; input: string; name: string }[];
  /** Reroutes and primitive nodes, resolved away. */
  absorbed: { id: string; class: string; why: string }[];
  /** ComfyUI links between executable nodes, and how many of them the graph still carries. */
  links: { comfy: number; kept: number };
  warnings: string[];
}

export interface ToGraphOptions {
  /** Local model ids (the load_model combo): ComfyUI model files are matched against them by name. */
  models?: readonly string[];
  /** The node catalog: the socket types of subgraph inputs and outputs come from it (else `*`). */
  catalog?: Catalog;
}

export function toGraph(
  g: ComfyGraph,
  mappings: ComfyMappings,
  options: ToGraphOptions = {},
): { doc: GraphDocument; report: ImportReport } {
  const order = topoOrder(g.nodes);
  const byId = new Map(g.nodes.map((n) => [n.id, n]));
  // A folding node whose output must be a real link somewhere becomes foreign, and so does a node that
  // a link would be lost at (an input its Reelgraph equivalent does not model); repeat until stable.
  const forced = new Map<string, string>();
  for (;;) {
    const attempt = build(g, order, mappings, options, forced);
    const before = forced.size;
    for (const id of attempt.needLink)
      if (!forced.has(id)) forced.set(id, 'what it feeds needs it as a node of its own');
    for (const id of attempt.bypassedFolds)
      if (!forced.has(id))
        forced.set(id, 'bypassed: kept as a node of its own, so that its mode is not lost');
    const { report, doc } = attempt.result;
    const foreign = new Set(report.foreign.map((f) => f.id));
    const lost = lostLinks(g, doc, {
      became: new Map<string, readonly string[]>([
        ...report.mapped.map((m): [string, string[]] => [m.id, m.nodes]),
        ...report.foreign.map((f): [string, string[]] => [f.id, [f.id]]),
      ]),
      folded: new Set(report.folded.map((f) => f.id)),
      carried: new Map(
        [...attempt.flows].flatMap(([key, f]) =>
          f
            ? [[key, [...(f.link ? [f.link[0]] : []), ...Object.values(f.links ?? {}).map((l) => l[0])]]]
            : [],
        ),
      ),
    });
    for (const l of lost) {
      const origin = byId.get(l.origin);
      const atOrigin = origin?.mode === 'muted' || foreign.has(l.target);
      const id = atOrigin ? l.origin : l.target;
      if (forced.has(id) || foreign.has(id)) continue;
      forced.set(
        id,
        atOrigin
          ? `its output ${l.slot} feeds ${byId.get(l.target)?.class} ${l.target}, which needs it as a node`
          : `its input ${l.input} (from ${origin?.class} ${l.origin}) has no place in the Reelgraph equivalent`,
      );
    }
    if (forced.size === before) {
      const links = comfyLinks(g).length;
      report.links = { comfy: links, kept: links - lost.length };
      for (const l of lost)
        report.warnings.push(
          `the link from ${l.origin} (output ${l.slot}) to ${l.target}.${l.input} could not be kept`,
        );
      const doc = g.subgraphs
        ? nestSubgraphs(attempt.result.doc, g.subgraphs, options.catalog)
        : attempt.result.doc;
      return { doc, report };
    }
  }
}

function topoOrder(nodes: ComfyNode[]): ComfyNode[] {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const done = new Set<string>();
  const onPath = new Set<string>();
  const order: ComfyNode[] = [];
  const visit = (n: ComfyNode) => {
    if (done.has(n.id) || onPath.has(n.id)) return;
    onPath.add(n.id);
    for (const v of Object.values(n.inputs)) {
      const src = isRef(v) ? byId.get(v.ref) : undefined;
      if (src) visit(src);
    }
    onPath.delete(n.id);
    done.add(n.id);
    order.push(n);
  };
  for (const n of nodes) visit(n);
  return order;
}

function build(
  g: ComfyGraph,
  order: ComfyNode[],
  mappings: ComfyMappings,
  options: ToGraphOptions,
  forced: ReadonlyMap<string, string>,
) {
  const byId = new Map(g.nodes.map((n) => [n.id, n]));
  const report: ImportReport = {
    format: g.format,
    mapped: [],
    folded: [],
    foreign: [],
    missingModels: [],
    absorbed: [...g.absorbed],
    links: { comfy: 0, kept: 0 },
    warnings: [...g.warnings],
  };
  const nodes: Record<string, GraphNode> = {};
  const flows = new Map<string, Flow | undefined>();
  const needLink = new Set<string>();
  const bypassedFolds = new Set<string>();
  const pendingVae: [string, string][] = [];

  // Highest output index anything reads, per node: the outputs a foreign node from a prompt must have.
  const maxSlot = new Map<string, number>();
  const consumed: { ref: string; slot: number }[] = [];
  for (const n of order)
    for (const v of Object.values(n.inputs))
      if (isRef(v)) {
        maxSlot.set(v.ref, Math.max(maxSlot.get(v.ref) ?? -1, v.slot));
        consumed.push(v);
      }

  // The VAE for nodes that need one only in Reelgraph: the first VAE output something reads, else the first.
  const vaeOutputs = order.flatMap((n) =>
    (mappings.classes.get(n.class)?.outputs ?? [])
      .map((o, slot) => ({ ref: n.id, slot, type: o.type }))
      .filter((o) => o.type === 'VAE' && mappings.classes.get(n.class)?.build && !forced.has(n.id)),
  );
  const vaeSource =
    vaeOutputs.find((o) => consumed.some((c) => c.ref === o.ref && c.slot === o.slot)) ?? vaeOutputs[0];

  const flowOf = (v: unknown): Flow | undefined => {
    if (!isRef(v)) return undefined;
    if (!byId.has(v.ref)) return undefined;
    return flows.get(`${v.ref}#${v.slot}`);
  };
  const linkOf = (v: unknown): Link | undefined => {
    const f = flowOf(v);
    if (f && !f.link && isRef(v)) needLink.add(v.ref); // settings only: its producer must stay a node
    return f?.link;
  };

  const metaOf = (n: ComfyNode, shift = 0): GraphNode['meta'] => {
    const meta: NonNullable<GraphNode['meta']> = {};
    if (n.title !== undefined && shift === 0) meta.title = n.title;
    if (n.position)
      meta.position = { x: n.position.x, y: n.position.y + shift * ((n.size?.height ?? 100) + 40) };
    if (n.size && shift === 0) meta.size = n.size;
    if (n.color && shift === 0) meta.color = n.color;
    if (n.collapsed && shift === 0) meta.collapsed = true;
    return Object.keys(meta).length ? meta : undefined;
  };

  for (const n of order) {
    for (const [name, v] of Object.entries(n.inputs))
      if (isRef(v) && !byId.has(v.ref))
        report.warnings.push(
          `${n.class} ${n.id}: input ${name} links to node ${v.ref}, which is not in the file`,
        );

    const table = mappings.classes.get(n.class);
    const emitted: string[] = [];
    let reason = table ? 'no Reelgraph equivalent' : 'unknown ComfyUI class';
    if (table?.build && !forced.has(n.id)) {
      const read = new Set<string>();
      // Model files matched to a local model: export writes the original name back while it still matches.
      const files: Record<string, string> = {};
      const kept: Record<string, Link> = {};
      const ctx: BuildContext = {
        id: n.id,
        node: n,
        value: (name) => {
          read.add(name);
          return isRef(n.inputs[name]) ? undefined : n.inputs[name];
        },
        flow: (name) => {
          read.add(name);
          return flowOf(n.inputs[name]);
        },
        link: (name) => {
          read.add(name);
          return linkOf(n.inputs[name]);
        },
        keepLink: (name) => {
          const link = ctx.link(name);
          if (link) kept[name] = link;
        },
        emit: (suffix, type, inputs) => {
          const id = n.id + suffix;
          const node: GraphNode = { type, inputs: defined(inputs) };
          if (suffix === '' && n.mode !== 'active') node.mode = n.mode;
          const meta = metaOf(n, suffix === '' ? 0 : emitted.length + 1);
          if (meta) node.meta = meta;
          nodes[id] = node;
          emitted.push(id);
          return id;
        },
        model: (name) => {
          const file = ctx.value(name);
          if (typeof file !== 'string') return file as string;
          if (!options.models) return file;
          const found = matchModel(file, options.models);
          if (!found) report.missingModels.push({ node: n.id, class: n.class, input: name, name: file });
          else if (found !== file) files[name] = file;
          return found ?? file;
        },
        vae: () => {
          pendingVae.push([n.id, 'vae']);
          return undefined;
        },
        warn: (message) => report.warnings.push(`${n.class} ${n.id}: ${message}`),
      };
      try {
        const outs = table.build(ctx);
        const passing = emitted.length === 0;
        // Folded away, a bypassed node would vanish with its mode: it is kept as a (bypassed) node.
        if (passing && n.mode === 'bypassed') bypassedFolds.add(n.id);
        for (let slot = 0; slot < Math.max(outs.length, table.outputs.length); slot++) {
          let f = outs[slot];
          // A folding node that is muted gives nothing; bypassed, it passes its first input of the type.
          if (passing && n.mode === 'muted') f = undefined;
          if (passing && n.mode === 'bypassed') {
            const type = table.outputs[slot]?.type;
            const input = Object.entries(table.sockets).find(([k, t]) => t === type && isRef(n.inputs[k]));
            f = input ? flowOf(n.inputs[input[0]]) : undefined;
          }
          // What a folded node set, for export to write it back where it was.
          if (passing && f && n.mode === 'active')
            f = { ...f, via: { ...origin(n, new Set()), ...viaOf(n) } };
          flows.set(`${n.id}#${slot}`, f);
        }
        if (passing) report.folded.push({ id: n.id, class: n.class });
        else report.mapped.push({ id: n.id, class: n.class, nodes: emitted });
        const own = nodes[n.id];
        if (own)
          own.meta = {
            ...own.meta,
            comfy: {
              ...origin(n, read, files),
              ...viaOf(n),
              ...(Object.keys(kept).length ? { links: kept } : {}),
            },
          };
        continue;
      } catch (e) {
        if (!(e instanceof NotMappable)) throw e;
        for (const id of emitted) delete nodes[id];
        emitted.length = 0;
        reason = e.message;
      }
    } else reason = forced.get(n.id) ?? reason;
    foreign(n, reason);
  }

  for (const [id, input] of pendingVae) {
    const node = nodes[id];
    const link = vaeSource ? flows.get(`${vaeSource.ref}#${vaeSource.slot}`)?.link : undefined;
    if (node && link) node.inputs[input] = link;
    else if (node) report.warnings.push(`${id}: no VAE in the graph to size the latent with`);
  }

  const doc: GraphDocument = { version: GRAPH_VERSION, nodes };
  const meta: NonNullable<GraphDocument['meta']> = {};
  if (g.groups.length) meta.groups = g.groups;
  if (g.notes.length) meta.notes = g.notes;
  if (g.viewport) meta.viewport = g.viewport;
  if (Object.keys(meta).length) doc.meta = meta;
  return { result: { doc, report }, needLink, bypassedFolds, flows };

  /** The folded nodes a node's inputs came through, by input. */
  function viaOf(n: ComfyNode): Pick<ComfyOrigin, 'via'> {
    const via: Record<string, ComfyOrigin> = {};
    for (const [name, v] of Object.entries(n.inputs)) {
      const f = flowOf(v);
      if (f?.via) via[name] = f.via;
    }
    return Object.keys(via).length ? { via } : {};
  }

  function foreign(n: ComfyNode, reason: string): void {
    const table = mappings.classes.get(n.class);
    const inputs: Record<string, InputValue> = {};
    const values: Record<string, unknown> = {};
    for (const [name, v] of Object.entries(n.inputs)) {
      if (isRef(v)) {
        const link = linkOf(v);
        if (link) inputs[name] = link; // else from a muted node: nothing arrives
        continue;
      }
      const s = scalar(v);
      if (s !== undefined) inputs[name] = s;
      else values[name] = v;
    }
    const declared: readonly ComfySocket[] =
      n.outputs ??
      (table?.outputs.length
        ? table.outputs
        : Array.from({ length: (maxSlot.get(n.id) ?? -1) + 1 }, (_, i) => ({ name: String(i), type: '*' })));
    const outputs = unique(declared);
    const sockets =
      n.inputSockets ??
      (table
        ? Object.entries(table.sockets).map(([name, type]) => ({ name, type }))
        : Object.keys(n.inputs)
            .filter((k) => isRef(n.inputs[k]))
            .map((name) => ({ name, type: '*' })));
    const node: GraphNode = {
      type: FOREIGN_TYPE,
      inputs,
      foreign: {
        class: n.class,
        inputs: sockets,
        outputs,
        ...(Object.keys(values).length ? { values } : {}),
        ...(n.widgets?.length ? { widgets: n.widgets } : {}),
      },
    };
    if (n.mode !== 'active') node.mode = n.mode;
    const meta = metaOf(n);
    if (meta) node.meta = meta;
    nodes[n.id] = node;
    for (const [slot, o] of outputs.entries()) flows.set(`${n.id}#${slot}`, { link: [n.id, o.name] });
    report.foreign.push({ id: n.id, class: n.class, reason });
  }
}

/** The class a node came from and the literal values its builder did not read (nothing else keeps them). */
function origin(n: ComfyNode, read: ReadonlySet<string>, files: Record<string, string> = {}): ComfyOrigin {
  const values = {
    ...Object.fromEntries(Object.entries(n.inputs).filter(([name, v]) => !read.has(name) && !isRef(v))),
    ...files,
  };
  return { class: n.class, ...(Object.keys(values).length ? { values } : {}) };
}

function defined(o: Record<string, InputValue | undefined>): Record<string, InputValue> {
  const r: Record<string, InputValue> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) r[k] = v as InputValue;
  return r;
}

/** Output names are link targets, so they must be unique; repeated ones get the index appended. */
function unique(sockets: readonly ComfySocket[]): ComfySocket[] {
  const seen = new Set<string>();
  return sockets.map((s, i) => {
    const name = seen.has(s.name) ? `${s.name}_${i}` : s.name;
    seen.add(name);
    return { name, type: s.type };
  });
}
