import {
  type Catalog,
  canConnect,
  feeds,
  GRAPH_VERSION,
  type GraphDocument,
  connectionProblem as sharedRule,
} from '@reelgraph/graph';
import type { Item } from './types';

export type ConnectionCode = 'self' | 'unknown_node' | 'unknown_socket' | 'type_mismatch' | 'cycle';

export interface ConnectionProblem {
  code: ConnectionCode;
  message: string;
}

export interface ConnectionRequest {
  source: string;
  output: string;
  target: string;
  input: string;
}

/**
 * Why `source.output → target.input` may not be drawn, or null when it may. The verdict and message are
 * `@reelgraph/graph`'s `connectionProblem` (the validator's own rule, over the items as document nodes);
 * the code is added so callers can tell the kinds apart.
 */
export function connectionProblem(
  catalog: Catalog | undefined,
  items: Record<string, Item>,
  c: ConnectionRequest,
): ConnectionProblem | null {
  const doc = { version: GRAPH_VERSION, nodes: items } as unknown as GraphDocument;
  const message = sharedRule(
    catalog ?? { types: {}, nodes: {} },
    doc,
    { nodeId: c.source, output: c.output },
    { nodeId: c.target, input: c.input },
  );
  if (!message) return null;
  const from = items[c.source];
  const to = items[c.target];
  let code: ConnectionCode = 'type_mismatch';
  if (c.source === c.target) code = 'self';
  else if (from?.kind !== 'node' || to?.kind !== 'node') code = 'unknown_node';
  else if (!catalog?.nodes[from.type]?.outputs[c.output] || !catalog?.nodes[to.type]?.inputs[c.input]) {
    code = 'unknown_socket';
  } else if (feeds(doc.nodes, c.target, c.source)) code = 'cycle';
  return { code, message };
}

export interface CompatibleSocket {
  /** The new node's socket to wire. */
  socket: string;
}

/**
 * For a link dragged from `fromType` (an output when `fromSide` is 'source'), the first socket of node
 * type `type` it can attach to, or null. Drives the "compatible nodes" palette and auto-connect.
 */
export function firstCompatibleSocket(
  catalog: Catalog,
  type: string,
  fromType: string,
  fromSide: 'source' | 'target',
): string | null {
  const schema = catalog.nodes[type];
  if (!schema) return null;
  if (fromSide === 'source') {
    // Prefer sockets (must-link inputs) over widgets that could also take the link.
    const entries = Object.entries(schema.inputs);
    const sockets = entries.filter(([, i]) => i.widget === 'socket');
    const widgets = entries.filter(([, i]) => i.widget !== 'socket');
    for (const [name, i] of [...sockets, ...widgets])
      if (canConnect(catalog.types, fromType, i.type)) return name;
    return null;
  }
  for (const [name, o] of Object.entries(schema.outputs))
    if (canConnect(catalog.types, o.type, fromType)) return name;
  return null;
}

/**
 * Links that wire nodes in the given order (left to right on the canvas): each node's first output into
 * the next node's first free input that takes it. What the keyboard's "connect selection" draws.
 */
export function chainLinks(
  catalog: Catalog,
  items: Record<string, Item>,
  ordered: readonly string[],
): ConnectionRequest[] {
  const out: ConnectionRequest[] = [];
  for (let i = 0; i + 1 < ordered.length; i++) {
    const a = items[ordered[i]!];
    const b = items[ordered[i + 1]!];
    if (a?.kind !== 'node' || b?.kind !== 'node') continue;
    const outputs = Object.keys(catalog.nodes[a.type]?.outputs ?? {});
    const inputs = Object.entries(catalog.nodes[b.type]?.inputs ?? {});
    // Sockets (must-link inputs) before widgets, as when a link is dropped on a node.
    const free = [
      ...inputs.filter(([, d]) => d.widget === 'socket'),
      ...inputs.filter(([, d]) => d.widget !== 'socket'),
    ]
      .map(([name]) => name)
      .filter((name) => !Array.isArray(b.inputs[name]));
    found: for (const output of outputs)
      for (const input of free) {
        const c = { source: ordered[i]!, output, target: ordered[i + 1]!, input };
        if (!connectionProblem(catalog, items, c)) {
          out.push(c);
          break found;
        }
      }
  }
  return out;
}

/** One end of a link to be: a node's output (`source`) or input (`target`). */
export interface SocketEnd {
  node: string;
  socket: string;
  side: 'source' | 'target';
}

/**
 * Every link `from` may make with a socket on another node, sockets before widget inputs, nodes in the
 * items' order: what the keyboard's socket-to-socket connect offers.
 */
export function connectTargets(
  catalog: Catalog,
  items: Record<string, Item>,
  from: SocketEnd,
): ConnectionRequest[] {
  const out: ConnectionRequest[] = [];
  const later: ConnectionRequest[] = [];
  for (const [id, item] of Object.entries(items)) {
    if (id === from.node || item.kind !== 'node') continue;
    const schema = catalog.nodes[item.type];
    if (!schema) continue;
    if (from.side === 'source') {
      for (const [input, d] of Object.entries(schema.inputs)) {
        const c = { source: from.node, output: from.socket, target: id, input };
        if (!connectionProblem(catalog, items, c)) (d.widget === 'socket' ? out : later).push(c);
      }
    } else {
      for (const output of Object.keys(schema.outputs)) {
        const c = { source: id, output, target: from.node, input: from.socket };
        if (!connectionProblem(catalog, items, c)) out.push(c);
      }
    }
  }
  return [...out, ...later];
}
