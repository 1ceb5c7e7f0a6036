import type { Catalog } from './catalog';
import {
  Collector,
  describeValue,
  isPlainObject,
  type Obj,
  optShape,
  optString,
  own,
  quoteId,
} from './check-helpers';
import { findCycles } from './cycles';
import { GRAPH_VERSION } from './document';
import type { ValidationError } from './errors';
import { measureJson } from './json-size';
import { checkInputs, type NodeInfo, RESERVED_IDS, readNode } from './node-checks';

export {
  describeValue,
  isInputRequired,
  isPlainObject,
  schemaFor,
} from './check-helpers';
export { isOnStep, NODE_MODES, RESERVED_IDS } from './node-checks';

export interface ValidateOptions {
  /** Largest accepted document, in bytes of JSON (default 8 MiB). */
  maxBytes?: number;
  /** Most nodes accepted (default 20,000). */
  maxNodes?: number;
}

export const DEFAULT_MAX_BYTES = 8 * 1024 * 1024;
export const DEFAULT_MAX_NODES = 20_000;
/** Deepest nesting a document may have; real documents need 5 levels. */
export const MAX_DEPTH = 32;
export const TOO_DEEP_MESSAGE = `The document nests deeper than ${MAX_DEPTH} levels (or is circular)`;

const TOP_KEYS = new Set(['version', 'nodes', 'meta', 'packs']);
const MAX_CYCLE_NAMED = 24;

/**
 * Validate a graph document against a catalog. Pure and total: never throws, reports every problem at
 * once, `[]` means valid. Semantics worth knowing:
 * - a widget input with a `default` may be omitted; optional inputs may be omitted; sockets must be linked;
 * - values are strictly typed (no "5" for INT, no 1 for BOOLEAN), numbers must be finite, INT values
 *   safe integers; `min`/`max`/`step`/`options` are enforced (step on the grid `min + k·step`);
 * - links may come from muted or bypassed nodes (the executor skips what a muted node feeds); only an
 *   active output node counts as an output;
 * - every loop of links is reported once, on its first node in document order, naming its nodes.
 */
export function validateGraph(
  doc: unknown,
  catalog: Catalog,
  options: ValidateOptions = {},
): ValidationError[] {
  const c = new Collector();
  try {
    check(doc, catalog, options ?? {}, c);
  } catch (e) {
    internalError(c, e);
  }
  return c.errors;
}

/** Last-resort guard (e.g. a hostile getter or a malformed catalog): stay total. */
export function internalError(c: Collector, e: unknown): void {
  c.add('invalid_document', null, `Internal validator error: ${e instanceof Error ? e.message : String(e)}`);
}

/** What the document-level checks leave for the per-node ones; `undefined` when nothing more is checked. */
export interface DocumentParts {
  /** The `nodes` object when it is one. */
  nodes: Obj | undefined;
  ids: string[];
  maxBytes: number;
  /** Set when `strict` was asked: the document holds a value its JSON text does not show exactly. */
  lossy: boolean;
}

/**
 * The checks on the document as a whole that come before any node's: it is an object, within the size
 * and depth limits, of this version, with known top-level fields and a `nodes` object within the limit.
 * `strict` also tells whether the document is exactly what its JSON text says (see `measureJson`).
 */
export function checkDocument(
  doc: unknown,
  options: ValidateOptions,
  c: Collector,
  strict = false,
): DocumentParts | undefined {
  const maxBytes = positiveOr(options.maxBytes, DEFAULT_MAX_BYTES);
  const maxNodes = positiveOr(options.maxNodes, DEFAULT_MAX_NODES);

  if (!isPlainObject(doc)) {
    c.add('invalid_document', null, `A graph document must be a JSON object, got ${describeValue(doc)}`);
    return undefined;
  }
  const size = measureJson(doc, maxBytes, MAX_DEPTH, strict);
  if (size.tooLarge) {
    c.add('document_too_large', null, `The document is larger than the limit of ${maxBytes} bytes`);
    return undefined;
  }
  if (size.tooDeep) {
    c.add('invalid_document', null, TOO_DEEP_MESSAGE);
    return undefined;
  }

  const version = own(doc, 'version');
  if (version === undefined) {
    c.add('invalid_document', null, `The document has no "version" (expected ${GRAPH_VERSION})`);
  } else if (typeof version !== 'number' || !Number.isInteger(version)) {
    c.add('invalid_document', null, `"version" must be an integer, got ${describeValue(version)}`);
  } else if (version !== GRAPH_VERSION) {
    const why =
      version > GRAPH_VERSION
        ? `is newer than this Reelgraph understands (${GRAPH_VERSION}); upgrade Reelgraph`
        : `is older than ${GRAPH_VERSION} and could not be migrated`;
    c.add('unsupported_version', null, `Document version ${version} ${why}`);
    return undefined; // the rest of a document of another version means something else
  }
  for (const key of Object.keys(doc)) {
    if (!TOP_KEYS.has(key)) c.add('invalid_document', null, `Unknown top-level field ${quoteId(key)}`);
  }

  const nodes = own(doc, 'nodes');
  const ids = isPlainObject(nodes) ? Object.keys(nodes) : [];
  if (!isPlainObject(nodes)) {
    c.add(
      'invalid_document',
      null,
      `"nodes" must be an object keyed by node id, got ${describeValue(nodes)}`,
    );
  } else if (ids.length > maxNodes) {
    c.add('document_too_large', null, `The document has ${ids.length} nodes; the limit is ${maxNodes}`);
    return undefined;
  }
  return { nodes: isPlainObject(nodes) ? nodes : undefined, ids, maxBytes, lossy: size.lossy === true };
}

/** The types links are checked against. */
export function catalogTypes(catalog: Catalog): Catalog['types'] {
  return isPlainObject(catalog?.types) ? catalog.types : {};
}

function check(doc: unknown, catalog: Catalog, options: ValidateOptions, c: Collector): void {
  const parts = checkDocument(doc, options, c);
  if (!parts) return;
  const { nodes, ids } = parts;

  const n = ids.length;
  const infos = new Map<string, NodeInfo>();
  const list: NodeInfo[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const id = ids[i]!;
    const info = readNode(id, (nodes as Obj)[id], catalog, c);
    info.index = i;
    infos.set(id, info);
    list[i] = info;
  }
  checkDocMeta(own(doc as Obj, 'meta'), ids, c);
  checkDocPacks(own(doc as Obj, 'packs'), c);

  const types = catalogTypes(catalog);
  const lookup = (id: string) => infos.get(id);
  const ups: NodeInfo[] = [];
  const adj: number[][] = new Array(n);
  for (let i = 0; i < n; i++) {
    ups.length = 0;
    checkInputs(list[i]!, lookup, types, ups, c);
    adj[i] = ups.map((u) => u.index);
  }
  reportCycles(ids, adj, c);
  if (nodes) checkOutputs(list, c); // else the nodes error says it all
}

/** Every loop of links, once, on its first node in document order. */
export function reportCycles(
  ids: readonly string[],
  adj: readonly (readonly number[])[],
  c: Collector,
): void {
  for (const cycle of findCycles(ids, adj)) {
    const first = cycle.path[0]!;
    const named = cycle.path.map(quoteId);
    const path =
      named.length > MAX_CYCLE_NAMED
        ? [
            ...named.slice(0, MAX_CYCLE_NAMED - 4),
            `… ${named.length - MAX_CYCLE_NAMED} more …`,
            ...named.slice(-4),
          ]
        : named;
    const others = cycle.members.length - (cycle.path.length - 1);
    const extra = others > 0 ? ` (${others} more node(s) are caught in the same knot of links)` : '';
    c.add('cycle', first, `Cycle: ${path.join(' → ')}${extra}`);
  }
}

function positiveOr(v: unknown, fallback: number): number {
  return typeof v === 'number' && v > 0 ? v : fallback;
}

/** `packs`: pack name → { version, package? } (what provided the node types; informative only). */
export function checkDocPacks(packs: unknown, c: Collector): void {
  if (packs === undefined) return;
  if (!isPlainObject(packs)) {
    c.add(
      'invalid_document',
      null,
      `"packs" must be an object keyed by pack name, got ${describeValue(packs)}`,
    );
    return;
  }
  for (const [name, ref] of Object.entries(packs)) {
    const problems: string[] = [];
    if (!isPlainObject(ref)) problems.push(` must be an object, got ${describeValue(ref)}`);
    else {
      if (typeof own(ref, 'version') !== 'string') problems.push('.version must be a string');
      optString(ref, 'package', problems);
      for (const key of Object.keys(ref))
        if (key !== 'version' && key !== 'package') problems.push(`: unknown field ${quoteId(key)}`);
    }
    for (const p of problems) c.add('invalid_document', null, `"packs".${quoteId(name)}${p}`);
  }
}

export function checkDocMeta(meta: unknown, nodeIds: string[], c: Collector): void {
  if (meta === undefined) return;
  if (!isPlainObject(meta)) {
    c.add('invalid_document', null, `"meta" must be an object, got ${describeValue(meta)}`);
    return;
  }
  const problems: string[] = [];
  optString(meta, 'title', problems);
  optString(meta, 'description', problems);
  optShape(meta, 'viewport', ['x', 'y', 'zoom'], problems);

  const seen = new Map<string, string>();
  for (const id of nodeIds) seen.set(id, 'node');
  for (const [key, what] of [
    ['groups', 'group'],
    ['notes', 'note'],
  ] as const) {
    const list = own(meta, key);
    if (list === undefined) continue;
    if (!Array.isArray(list)) {
      problems.push(`.${key} must be an array, got ${describeValue(list)}`);
      continue;
    }
    for (let i = 0; i < list.length; i++) {
      const item: unknown = list[i];
      if (!isPlainObject(item)) {
        problems.push(`.${key}[${i}] must be an object, got ${describeValue(item)}`);
        continue;
      }
      const found: string[] = [];
      const id = own(item, 'id');
      if (typeof id !== 'string' || id === '' || RESERVED_IDS.includes(id)) {
        found.push(`.id must be a non-empty string (not reserved), got ${describeValue(id)}`);
      } else {
        const prior = seen.get(id);
        if (prior) {
          const message = `The ${what} id ${quoteId(id)} is already used by a ${prior}`;
          c.add('duplicate_id', prior === 'node' ? id : null, message);
        } else seen.set(id, what);
      }
      optString(item, 'color', found);
      const text = what === 'group' ? 'title' : 'text';
      if (typeof own(item, text) !== 'string') {
        found.push(`.${text} must be a string, got ${describeValue(own(item, text))}`);
      }
      if (what === 'group') optShape(item, 'bounds', ['x', 'y', 'width', 'height'], found, true);
      else {
        optShape(item, 'position', ['x', 'y'], found, true);
        optShape(item, 'size', ['width', 'height'], found);
      }
      for (const p of found) problems.push(`.${key}[${i}]${p}`);
    }
  }
  for (const p of problems) c.add('invalid_document', null, `meta${p}`);
}

export function checkOutputs(infos: Iterable<NodeInfo>, c: Collector): void {
  let unknown = false;
  const muted: string[] = [];
  for (const info of infos) {
    // An unreadable mode is reported already; do not pile "no output" on top of it.
    const active = info.mode === undefined || !(info.mode === 'muted' || info.mode === 'bypassed');
    if (!info.schema && active) unknown = true; // unknown or unreadable type
    if (info.schema?.output !== true) continue;
    if (active) return;
    muted.push(info.id);
  }
  if (unknown) return; // an unknown type may well be the output: its error says enough
  const why = muted.length
    ? ` (output node(s) ${muted.slice(0, 5).map(quoteId).join(', ')} are muted or bypassed)`
    : '';
  c.add('no_output_node', null, `The graph has no active output node, so nothing would run${why}`);
}
