/**
 * ComfyUI's UI ("workflow") format → the normalized form: subgraphs flattened (interior ids become
 * "instance:inner"; `toGraph` nests them again), reroutes followed to their source, primitive nodes' values moved into the inputs
 * they feed, widget values named by the class tables, notes and groups kept.
 */
import type { ComfyGraph, ComfyNode, ComfyRef, ComfySocket, ComfySubgraphInstance } from './format';
import type { ComfyMappings } from './mapping';

interface UiSlot {
  name?: unknown;
  type?: unknown;
  link?: unknown;
  widget?: { name?: unknown };
}
interface UiNode {
  id: number | string;
  type: string;
  pos?: unknown;
  size?: unknown;
  flags?: { collapsed?: unknown };
  mode?: unknown;
  inputs?: UiSlot[];
  outputs?: UiSlot[];
  title?: unknown;
  widgets_values?: unknown;
  color?: unknown;
  properties?: { proxyWidgets?: unknown };
}
interface UiGraph {
  nodes?: unknown;
  links?: unknown;
  groups?: unknown;
  inputs?: { name?: unknown }[];
  outputs?: { name?: unknown }[];
  id?: unknown;
  name?: unknown;
}
interface Edge {
  origin: string;
  originSlot: number;
  target: string;
  targetSlot: number;
}

const VIRTUAL_NOTES = new Set(['Note', 'MarkdownNote']);
const CONTROL = new Set(['fixed', 'increment', 'decrement', 'randomize']);
const MODES = { 2: 'muted', 4: 'bypassed' } as Record<number, ComfyNode['mode']>;
/** Subgraphs nest; a definition that (indirectly) contains itself is cut off here. */
const MAX_DEPTH = 16;

const obj = (v: unknown): Record<string, unknown> | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** `[x, y]`, or the `{"0": x, "1": y}` older files write. */
function pair(v: unknown): [number, number] | undefined {
  const a = Array.isArray(v)
    ? v
    : obj(v)
      ? [(v as Record<string, unknown>)['0'], (v as Record<string, unknown>)['1']]
      : undefined;
  const x = num(a?.[0]);
  const y = num(a?.[1]);
  return x !== undefined && y !== undefined ? [x, y] : undefined;
}

function readLinks(v: unknown): Edge[] {
  const edges: Edge[] = [];
  for (const l of Array.isArray(v) ? v : []) {
    const e = Array.isArray(l)
      ? { origin: l[1], originSlot: l[2], target: l[3], targetSlot: l[4] }
      : {
          origin: obj(l)?.origin_id,
          originSlot: obj(l)?.origin_slot,
          target: obj(l)?.target_id,
          targetSlot: obj(l)?.target_slot,
        };
    if (
      e.origin === undefined ||
      e.target === undefined ||
      typeof e.originSlot !== 'number' ||
      typeof e.targetSlot !== 'number'
    )
      continue;
    edges.push({
      origin: String(e.origin),
      originSlot: e.originSlot,
      target: String(e.target),
      targetSlot: e.targetSlot,
    });
  }
  return edges;
}

const nodesOf = (g: UiGraph): UiNode[] =>
  (Array.isArray(g.nodes) ? g.nodes : []).filter(
    (n): n is UiNode => !!obj(n) && typeof (n as UiNode).type === 'string' && (n as UiNode).id !== undefined,
  );

interface Flat {
  nodes: { id: string; raw: UiNode; mode?: ComfyNode['mode'] }[];
  edges: Edge[];
  /** Subgraph boundary: definition input index → interior targets; output index → interior origin. */
  ins: Map<number, { target: string; targetSlot: number }[]>;
  outs: Map<number, { origin: string; originSlot: number }>;
  /** Values a subgraph instance's promoted widgets give interior inputs ("node#slot"); a link wins. */
  values: Map<string, unknown>;
  /** Promoted widgets that name an interior node's widget directly: node id → widget name → value. */
  widgets: Map<string, Record<string, unknown>>;
  /** Groups drawn inside subgraph definitions, in interior coordinates like the flattened nodes. */
  groups: { prefix: string; raw: unknown }[];
  /** The subgraph instances expanded (nested ones too). */
  instances: ComfySubgraphInstance[];
}

/** One graph level with its subgraph instances expanded; ids prefixed with the instance path. */
function flatten(
  g: UiGraph,
  defs: Map<string, UiGraph>,
  prefix: string,
  depth: number,
  warnings: string[],
): Flat {
  const flat: Flat = {
    nodes: [],
    edges: [],
    ins: new Map(),
    outs: new Map(),
    values: new Map(),
    widgets: new Map(),
    groups: [],
    instances: [],
  };
  const inner = new Map<string, { def: UiGraph; sub: Flat; raw: UiNode }>();
  for (const raw of nodesOf(g)) {
    const id = `${prefix}${raw.id}`;
    const def = defs.get(raw.type);
    if (def && depth < MAX_DEPTH) {
      const sub = flatten(def, defs, `${id}:`, depth + 1, warnings);
      const mode = MODES[raw.mode as number];
      const inherited: string[] = [];
      for (const n of sub.nodes) {
        if (mode && !n.mode) inherited.push(n.id);
        flat.nodes.push(mode && !n.mode ? { ...n, mode } : n);
      }
      flat.instances.push(instanceOf(raw, id, def, mode ?? 'active', inherited), ...sub.instances);
      flat.edges.push(...sub.edges);
      for (const [k, v] of sub.values) flat.values.set(k, v);
      for (const [k, v] of sub.widgets) flat.widgets.set(k, v);
      for (const g of Array.isArray(def.groups) ? def.groups : [])
        flat.groups.push({ prefix: `${id}:`, raw: g });
      flat.groups.push(...sub.groups);
      inner.set(id, { def, sub, raw });
    } else {
      if (def) warnings.push(`subgraph ${raw.type} nests deeper than ${MAX_DEPTH} levels: kept as a node`);
      flat.nodes.push({ id, raw });
    }
  }
  const slotName = (slots: UiSlot[] | undefined, i: number) => slots?.[i]?.name;
  const portIndex = (ports: { name?: unknown }[] | undefined, name: unknown) =>
    (ports ?? []).findIndex((p) => p.name === name);
  for (const [id, { def, sub, raw }] of inner) promote(raw, def, sub, id);
  // Which ComfyUI nodes feed each instance input and read each instance output: nesting names the
  // Reelgraph subgraph's sockets after them.
  const socketsOf = new Map(flat.instances.map((i) => [i.path, i]));
  for (const e of readLinks(g.links)) {
    const into = socketsOf.get(`${prefix}${e.target}`);
    const name = (slots: UiSlot[] | undefined, i: number) =>
      typeof slots?.[i]?.name === 'string' ? (slots[i]?.name as string) : undefined;
    const inName = into && name(inner.get(into.path)?.raw.inputs, e.targetSlot);
    if (into && inName && Number(e.origin) !== -10)
      into.sockets.push({ name: inName, input: true, node: `${prefix}${e.origin}` });
    const from = socketsOf.get(`${prefix}${e.origin}`);
    const outName = from && name(inner.get(from.path)?.raw.outputs, e.originSlot);
    const reader = nodesOf(g).find((n) => String(n.id) === e.target);
    const at = name(reader?.inputs, e.targetSlot);
    if (from && outName && Number(e.target) !== -20)
      from.sockets.push({ name: outName, input: false, node: `${prefix}${e.target}`, ...(at ? { at } : {}) });
  }

  // Origins through instances' outputs (which may be instances themselves, already resolved below).
  const origin = (o: string, slot: number): { origin: string; originSlot: number } | undefined => {
    const sub = inner.get(o);
    if (!sub) return { origin: o, originSlot: slot };
    return sub.sub.outs.get(portIndex(sub.def.outputs, slotName(sub.raw.outputs, slot)));
  };
  for (const e of readLinks(g.links)) {
    const rawOrigin = Number(e.origin);
    const rawTarget = Number(e.target);
    if (rawOrigin === -10 && rawTarget === -20) continue; // input wired straight to output: rare, dropped
    if (rawOrigin === -10) {
      const list = flat.ins.get(e.originSlot) ?? [];
      for (const t of targets(`${prefix}${e.target}`, e.targetSlot)) list.push(t);
      flat.ins.set(e.originSlot, list);
      continue;
    }
    const from = origin(`${prefix}${e.origin}`, e.originSlot);
    if (!from) continue;
    if (rawTarget === -20) {
      flat.outs.set(e.targetSlot, from);
      continue;
    }
    for (const t of targets(`${prefix}${e.target}`, e.targetSlot)) flat.edges.push({ ...from, ...t });
  }
  return flat;

  /**
   * ComfyUI's frontend shows chosen interior widgets on the instance (`properties.proxyWidgets`, one
   * `[interior id, widget]` pair per entry of the instance's `widgets_values`; `"-1"` names a
   * definition input). Those instance values are what ComfyUI runs, not the interior nodes' copies.
   */
  function promote(raw: UiNode, def: UiGraph, sub: Pick<Flat, 'ins'>, id: string): void {
    const proxies = raw.properties?.proxyWidgets;
    const wv = raw.widgets_values;
    if (!Array.isArray(proxies) || !Array.isArray(wv)) return;
    proxies.forEach((p, k) => {
      if (!Array.isArray(p) || typeof p[1] !== 'string' || k >= wv.length) return;
      const [inner, widget] = [String(p[0]), p[1]];
      if (inner === '-1') {
        const port = portIndex(def.inputs, widget);
        for (const t of sub.ins.get(port) ?? []) flat.values.set(`${t.target}#${t.targetSlot}`, wv[k]);
      } else {
        const key = `${id}:${inner}`;
        flat.widgets.set(key, { ...flat.widgets.get(key), [widget]: wv[k] });
      }
    });
  }

  function targets(t: string, slot: number): { target: string; targetSlot: number }[] {
    const sub = inner.get(t);
    if (!sub) return [{ target: t, targetSlot: slot }];
    return sub.sub.ins.get(portIndex(sub.def.inputs, slotName(sub.raw.inputs, slot))) ?? [];
  }
}

function instanceOf(
  raw: UiNode,
  path: string,
  def: UiGraph,
  mode: ComfyNode['mode'],
  inherited: string[],
): ComfySubgraphInstance {
  const pos = pair(raw.pos);
  const size = pair(raw.size);
  return {
    path,
    definition: String(def.id),
    name: typeof def.name === 'string' && def.name ? def.name : raw.type,
    mode,
    inherited,
    sockets: [],
    ...(typeof raw.title === 'string' ? { title: raw.title } : {}),
    ...(pos ? { position: { x: pos[0], y: pos[1] } } : {}),
    ...(size ? { size: { width: size[0], height: size[1] } } : {}),
    ...(typeof raw.color === 'string' ? { color: raw.color } : {}),
    ...(raw.flags?.collapsed === true ? { collapsed: true } : {}),
  };
}

export function readWorkflow(json: Record<string, unknown>, mappings: ComfyMappings): ComfyGraph {
  const graph: ComfyGraph = {
    format: 'workflow',
    nodes: [],
    groups: [],
    notes: [],
    absorbed: [],
    warnings: [],
  };
  const defs = new Map<string, UiGraph>();
  const subgraphs = obj(json.definitions)?.subgraphs;
  for (const d of Array.isArray(subgraphs) ? subgraphs : []) {
    if (obj(d) && typeof d.id === 'string') defs.set(d.id, d as UiGraph);
  }
  const flat = flatten(json as UiGraph, defs, '', 0, graph.warnings);
  if (flat.instances.length) graph.subgraphs = flat.instances;
  const byId = new Map(flat.nodes.map((n) => [n.id, n]));
  const incoming = new Map<string, Edge>();
  for (const e of flat.edges) incoming.set(`${e.target}#${e.targetSlot}`, e);

  /** The real origin of what flows into (node, slot): through reroutes; a primitive's value. */
  const resolve = (target: string, slot: number): ComfyRef | { value: unknown } | undefined => {
    let e = incoming.get(`${target}#${slot}`);
    for (let hops = 0; e && hops < flat.nodes.length; hops++) {
      const src = byId.get(e.origin)?.raw;
      if (src?.type === 'Reroute') e = incoming.get(`${e.origin}#0`);
      else if (src?.type === 'PrimitiveNode') {
        const wv = src.widgets_values;
        return { value: Array.isArray(wv) ? wv[0] : undefined };
      } else return { ref: e.origin, slot: e.originSlot };
    }
    if (!e && flat.values.has(`${target}#${slot}`)) return { value: flat.values.get(`${target}#${slot}`) };
    return undefined;
  };

  for (const { id, raw, mode } of flat.nodes) {
    const pos = pair(raw.pos);
    const size = pair(raw.size);
    const color = typeof raw.color === 'string' ? raw.color : undefined;
    if (VIRTUAL_NOTES.has(raw.type)) {
      const wv = raw.widgets_values;
      const text = Array.isArray(wv) && typeof wv[0] === 'string' ? wv[0] : '';
      const title = typeof raw.title === 'string' ? `${raw.title}\n\n` : '';
      graph.notes.push({
        id: `note-${id}`,
        text: title + text,
        position: { x: pos?.[0] ?? 0, y: pos?.[1] ?? 0 },
        ...(size ? { size: { width: size[0], height: size[1] } } : {}),
        ...(color ? { color } : {}),
      });
      continue;
    }
    if (raw.type === 'Reroute' || raw.type === 'PrimitiveNode') {
      graph.absorbed.push({
        id,
        class: raw.type,
        why: raw.type === 'Reroute' ? 'links pass through it' : 'its value moved into the inputs it feeds',
      });
      continue;
    }
    const node: ComfyNode = {
      id,
      class: raw.type,
      inputs: {},
      mode: mode ?? MODES[raw.mode as number] ?? 'active',
    };
    readWidgets(node, raw.widgets_values, mappings, graph.warnings, widgetSlots(raw));
    Object.assign(node.inputs, flat.widgets.get(id));
    const sockets: ComfySocket[] = [];
    (raw.inputs ?? []).forEach((slot, i) => {
      const name = typeof slot.name === 'string' ? slot.name : String(i);
      sockets.push({ name, type: typeof slot.type === 'string' ? slot.type : '*' });
      const r = resolve(id, i);
      if (r && 'value' in r) node.inputs[name] = r.value;
      else if (r) node.inputs[name] = r; // a linked widget: the link wins over its stale value
    });
    node.inputSockets = sockets;
    node.outputs = (raw.outputs ?? []).map((slot, i) => ({
      name: typeof slot.name === 'string' && slot.name !== '' ? slot.name : String(i),
      type: typeof slot.type === 'string' ? slot.type : '*',
    }));
    if (typeof raw.title === 'string') node.title = raw.title;
    if (pos) node.position = { x: pos[0], y: pos[1] };
    if (size) node.size = { width: size[0], height: size[1] };
    if (color) node.color = color;
    if (raw.flags?.collapsed === true) node.collapsed = true;
    graph.nodes.push(node);
  }

  const groups = [
    ...(Array.isArray(json.groups) ? json.groups : []).map((raw) => ({ prefix: '', raw })),
    ...flat.groups,
  ];
  for (const { prefix, raw: g } of groups) {
    const b = obj(g)?.bounding;
    if (!Array.isArray(b) || b.length < 4 || !b.every((x) => num(x) !== undefined)) continue;
    const group = obj(g) as Record<string, unknown>;
    graph.groups.push({
      id: `group-${prefix}${String(group.id ?? graph.groups.length)}`,
      title: typeof group.title === 'string' ? group.title : '',
      ...(typeof group.color === 'string' ? { color: group.color } : {}),
      bounds: { x: b[0], y: b[1], width: Math.max(0, b[2]), height: Math.max(0, b[3]) },
    });
  }
  const ds = obj(obj(json.extra)?.ds);
  const offset = pair(ds?.offset);
  const scale = num(ds?.scale);
  if (offset && scale && scale > 0) graph.viewport = { x: offset[0], y: offset[1], zoom: scale };
  return graph;
}

/** Names `widgets_values` by the class table: seeds' control values and UI-only widgets are read past. */
/** Names of the input slots that stand for widgets (`widget.name`), in slot order. */
function widgetSlots(raw: UiNode): string[] {
  return (raw.inputs ?? []).flatMap((s) => (typeof s.widget?.name === 'string' ? [s.widget.name] : []));
}

function readWidgets(
  node: ComfyNode,
  wv: unknown,
  mappings: ComfyMappings,
  warnings: string[],
  slots: string[] = [],
): void {
  if (wv === undefined) return;
  const table = mappings.classes.get(node.class);
  if (!Array.isArray(wv)) {
    // Some custom nodes store their widgets by name.
    const named = obj(wv);
    if (named) Object.assign(node.inputs, named);
    return;
  }
  if (!table) {
    // An unknown class whose every widget the frontend lists as a slot: the slots name the values.
    if (wv.length && slots.length === wv.length) {
      wv.forEach((v, k) => {
        node.inputs[slots[k] as string] = v;
      });
    } else if (wv.length) node.widgets = wv;
    return;
  }
  let i = 0;
  for (const spec of table.widgets) {
    if (i >= wv.length) break; // an older version of the class: the rest take their defaults
    const v = wv[i++];
    if (spec.control && typeof wv[i] === 'string' && CONTROL.has(wv[i] as string)) i++;
    if (!spec.uiOnly) node.inputs[spec.name] = v;
  }
  if (i < wv.length) {
    node.widgets = wv.slice(i);
    warnings.push(
      `${node.class} ${node.id}: ${wv.length - i} widget value(s) more than this importer knows, kept unnamed`,
    );
  }
}
