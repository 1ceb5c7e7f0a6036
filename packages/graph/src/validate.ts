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
import { GRAPH_VERSION, type GraphDocument, isLink, SUBGRAPH_INPUTS, subgraphIdOf } from './document';
import type { ValidationError } from './errors';
import { measureJson } from './json-size';
import { migrateGraph } from './migrate';
import { checkInputs, type NodeInfo, RESERVED_IDS, readNode } from './node-checks';
import { attributeError, expandSubgraphs, hasSubgraphInstances, INNER_SEPARATOR } from './subgraphs';

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

const TOP_KEYS = new Set(['version', 'nodes', 'meta', 'packs', 'definitions']);
const SUBGRAPH_KEYS = new Set(['name', 'description', 'nodes', 'inputs', 'outputs', 'meta']);
const MAX_CYCLE_NAMED = 24;

/**
 * Validate a graph document against a catalog. Pure and total: never throws, reports every problem at
 * once, `[]` means valid. Semantics worth knowing:
 * - a widget input with a `default` may be omitted; optional inputs may be omitted; sockets must be linked;
 * - values are strictly typed (no "5" for INT, no 1 for BOOLEAN), numbers must be finite, INT values
 *   safe integers; `min`/`max`/`step`/`options` are enforced (step on the grid `min + k·step`);
 * - links may come from muted or bypassed nodes (the executor skips what a muted node feeds); only an
 *   active output node counts as an output;
 * - every loop of links is reported once, on its first node in document order, naming its nodes;
 * - an older version is migrated first (`migrateGraph`); subgraph instances are expanded
 *   (`expandSubgraphs`) and their inner nodes checked like any other, each problem reported on the
 *   instance with the inner node in `inner`.
 */
export function validateGraph(
  doc: unknown,
  catalog: Catalog,
  options: ValidateOptions = {},
): ValidationError[] {
  const c = new Collector();
  try {
    check(migrateGraph(doc), catalog, options ?? {}, c);
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
  const before = c.errors.length;
  checkDefinitions(own(doc as Obj, 'definitions'), c);
  if (c.errors.length > before || !parts.nodes || !hasSubgraphInstances(doc as GraphDocument)) {
    const defs = own(doc as Obj, 'definitions');
    const subgraphs = isPlainObject(defs) ? own(defs, 'subgraphs') : undefined;
    const defined = new Set(isPlainObject(subgraphs) ? Object.keys(subgraphs) : []);
    const nodeErrors = new Collector();
    checkNodes(doc, parts.nodes, parts.ids, catalog, nodeErrors);
    // An instance of a definition reported malformed above is not also of an unknown type.
    const typeOf = (id: string | null) => {
      const node = id === null ? undefined : parts.nodes?.[id];
      return isPlainObject(node) ? own(node, 'type') : undefined;
    };
    c.errors.push(
      ...nodeErrors.errors.filter(
        (e) => e.code !== 'unknown_node_type' || !defined.has(subgraphIdOf(typeOf(e.nodeId)) ?? ''),
      ),
    );
    return;
  }
  // Subgraph instances: check the expanded graph, then put each inner problem back on its instance.
  const maxNodes = positiveOr(options.maxNodes, DEFAULT_MAX_NODES);
  const expanded = expandSubgraphs(doc as GraphDocument, maxNodes);
  const inner = new Collector();
  inner.errors.push(...expanded.errors);
  if (!expanded.errors.some((e) => e.code === 'document_too_large'))
    checkNodes(doc, expanded.nodes, Object.keys(expanded.nodes), catalog, inner, parts.ids);
  for (const e of inner.errors) {
    // A link to a subgraph output that does not exist was reported as such: not also as missing.
    if (e.code === 'missing_input' && expanded.unresolved.has(`${e.nodeId}\u0000${e.input}`)) continue;
    c.errors.push(attributeError(e, expanded.origins));
  }
}

/** The per-node checks, over `ids` of `nodes`; `metaIds` are the ids groups and notes may not reuse. */
function checkNodes(
  doc: unknown,
  nodes: Obj | undefined,
  ids: string[],
  catalog: Catalog,
  c: Collector,
  metaIds: string[] = ids,
): void {
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
  checkDocMeta(own(doc as Obj, 'meta'), metaIds, c);
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

/**
 * `definitions.subgraphs`: the shape of each definition (its inner nodes are checked once expanded,
 * where they are used). Problems are document-level: no instance is to blame for a broken definition.
 */
function checkDefinitions(defs: unknown, c: Collector): void {
  if (defs === undefined) return;
  const bad = (message: string) => c.add('invalid_document', null, message);
  if (!isPlainObject(defs)) {
    bad(`"definitions" must be an object, got ${describeValue(defs)}`);
    return;
  }
  for (const key of Object.keys(defs))
    if (key !== 'subgraphs') bad(`"definitions" has an unknown field ${quoteId(key)}`);
  const subgraphs = own(defs, 'subgraphs');
  if (subgraphs === undefined) return;
  if (!isPlainObject(subgraphs)) {
    bad(`"definitions.subgraphs" must be an object keyed by subgraph id, got ${describeValue(subgraphs)}`);
    return;
  }
  for (const [id, def] of Object.entries(subgraphs)) {
    const at = `Subgraph ${quoteId(id)}`;
    if (id === '' || RESERVED_IDS.includes(id)) bad(`${at}: the id is not allowed (empty or reserved)`);
    if (!isPlainObject(def)) {
      bad(`${at} must be an object with "name", "nodes", "inputs" and "outputs", got ${describeValue(def)}`);
      continue;
    }
    const problems: string[] = [];
    for (const key of Object.keys(def))
      if (!SUBGRAPH_KEYS.has(key)) problems.push(` has an unknown field ${quoteId(key)}`);
    if (typeof own(def, 'name') !== 'string')
      problems.push(`.name must be a string, got ${describeValue(own(def, 'name'))}`);
    optString(def, 'description', problems);
    const nodes = own(def, 'nodes');
    if (!isPlainObject(nodes))
      problems.push(`.nodes must be an object keyed by node id, got ${describeValue(nodes)}`);
    else
      for (const nodeId of Object.keys(nodes))
        if (
          nodeId === '' ||
          nodeId === SUBGRAPH_INPUTS ||
          nodeId.includes(INNER_SEPARATOR) ||
          RESERVED_IDS.includes(nodeId)
        )
          problems.push(
            `: node id ${quoteId(nodeId)} is not allowed (empty, reserved, "${SUBGRAPH_INPUTS}" or holding "${INNER_SEPARATOR}")`,
          );
    for (const key of ['inputs', 'outputs'] as const) {
      const list = own(def, key);
      if (!Array.isArray(list)) {
        problems.push(`.${key} must be an array, got ${describeValue(list)}`);
        continue;
      }
      const names = new Set<unknown>();
      for (const [i, s] of (list as unknown[]).entries()) {
        const name = own(s as Obj, 'name');
        if (
          !isPlainObject(s) ||
          typeof name !== 'string' ||
          name === '' ||
          typeof own(s, 'type') !== 'string'
        ) {
          problems.push(`.${key}[${i}] must have a non-empty "name" and a "type" string`);
          continue;
        }
        if (names.has(name)) problems.push(`.${key}: ${quoteId(name)} is declared more than once`);
        names.add(name);
        const allowed = key === 'inputs' ? ['name', 'type'] : ['name', 'type', 'from'];
        for (const k of Object.keys(s))
          if (!allowed.includes(k)) problems.push(`.${key}[${i}] has an unknown field ${quoteId(k)}`);
        if (key === 'outputs' && !isLink(own(s, 'from')))
          problems.push(
            `.outputs[${i}].from must be a link [nodeId, outputName], got ${describeValue(own(s, 'from'))}`,
          );
      }
    }
    const meta = own(def, 'meta');
    if (meta !== undefined && !isPlainObject(meta))
      problems.push(`.meta must be an object, got ${describeValue(meta)}`);
    for (const p of problems) bad(`${at}${p}`);
  }
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
