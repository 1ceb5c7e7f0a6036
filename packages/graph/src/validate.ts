import type { Catalog, InputSchema, NodeSchema } from './catalog';
import { canConnect } from './connect';
import { findCycles } from './cycles';
import { FOREIGN_TYPE, GRAPH_VERSION } from './document';
import type { ValidationCode, ValidationError } from './errors';
import { measureJson } from './json-size';
import { modelRuleProblem, resolveModel } from './model-rules';
import { ANY, isScalarType } from './sockets';

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
/** Ids refused for nodes, groups and notes: hosts key plain objects by node id. */
export const RESERVED_IDS: readonly string[] = ['__proto__', 'constructor', 'prototype'];
export const NODE_MODES = ['active', 'muted', 'bypassed'] as const;

const TOP_KEYS = new Set(['version', 'nodes', 'meta', 'packs']);
const NODE_KEYS = new Set(['type', 'inputs', 'mode', 'meta', 'foreign']);
const FOREIGN_KEYS = new Set(['class', 'inputs', 'outputs', 'values', 'widgets']);
const MAX_OPTIONS_LISTED = 20;
const MAX_CYCLE_NAMED = 24;

type Obj = Record<string, unknown>;

/** A plain (JSON-like) object: not null, not an array, not a Map/Date/class instance. */
export function isPlainObject(v: unknown): v is Obj {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function own(o: Obj, key: string): unknown {
  return Object.hasOwn(o, key) ? o[key] : undefined;
}

/** The node schema for a type id, ignoring anything inherited (`constructor`, `__proto__` …). */
export function schemaFor(catalog: Catalog, type: unknown): NodeSchema | undefined {
  if (typeof type !== 'string' || !isPlainObject(catalog?.nodes)) return undefined;
  const s = own(catalog.nodes as Obj, type);
  return isPlainObject(s) ? (s as unknown as NodeSchema) : undefined;
}

function inputSchema(schema: NodeSchema, name: string): InputSchema | undefined {
  const s = isPlainObject(schema.inputs) ? own(schema.inputs as Obj, name) : undefined;
  return isPlainObject(s) ? (s as unknown as InputSchema) : undefined;
}

function outputType(schema: NodeSchema, name: string): string | undefined {
  const s = isPlainObject(schema.outputs) ? own(schema.outputs as Obj, name) : undefined;
  return isPlainObject(s) && typeof s.type === 'string' ? s.type : undefined;
}

/**
 * Whether a declared input may be left out of a document: optional inputs, and widget inputs that
 * carry a `default` (the executor then uses the default). Socket inputs are never defaulted.
 */
export function isInputRequired(decl: InputSchema): boolean {
  if (decl.optional === true) return false;
  return decl.widget === 'socket' || decl.default === undefined;
}

/** A short, safe rendering of a received value for messages. */
export function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return `an array of ${v.length}`;
  switch (typeof v) {
    case 'string': {
      const s = v.length > 40 ? `${v.slice(0, 40)}…` : v;
      return `the string ${JSON.stringify(s)}`;
    }
    case 'number':
    case 'boolean':
      return String(v);
    case 'bigint':
      return `the bigint ${v}`;
    case 'undefined':
      return 'undefined';
    case 'object':
      return 'an object';
    default:
      return `a ${typeof v}`;
  }
}

function quoteId(id: string): string {
  return JSON.stringify(id.length > 60 ? `${id.slice(0, 60)}…` : id);
}

function inputAt(id: string, type: unknown, name: string): string {
  return `${nodeLabel(id, type)}: input ${quoteId(name)}`;
}

function nodeLabel(id: string, type?: unknown, word = 'Node'): string {
  const t = typeof type === 'string' && type !== '' ? ` (${quoteId(type).slice(1, -1)})` : '';
  return `${word} ${quoteId(id)}${t}`;
}

function positiveOr(v: unknown, fallback: number): number {
  return typeof v === 'number' && v > 0 ? v : fallback;
}

function isFiniteNumber(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

/** Is `value` on the grid `base + k·step`? Exact for integers, float-tolerant (0.1-style steps) otherwise. */
export function isOnStep(value: number, step: number, base = 0): boolean {
  if (!(step > 0) || !Number.isFinite(step)) return true;
  if (Number.isSafeInteger(value) && Number.isSafeInteger(step) && Number.isSafeInteger(base)) {
    return (value - base) % step === 0;
  }
  const q = (value - base) / step;
  if (!Number.isFinite(q)) return true;
  return Math.abs(q - Math.round(q)) <= 1e-9 * Math.max(1, Math.abs(q));
}

interface NodeInfo {
  id: string;
  type: unknown;
  schema?: NodeSchema;
  inputs?: Obj;
  mode: unknown;
  /** A foreign node's output names (links into it are checked against them). */
  foreignOutputs?: Set<string>;
}

class Collector {
  readonly errors: ValidationError[] = [];
  add(code: ValidationCode, nodeId: string | null, message: string, input?: string): void {
    this.errors.push(input === undefined ? { nodeId, code, message } : { nodeId, input, code, message });
  }
}

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
    // Last-resort guard (e.g. a hostile getter or a malformed catalog): stay total.
    c.add(
      'invalid_document',
      null,
      `Internal validator error: ${e instanceof Error ? e.message : String(e)}`,
    );
  }
  return c.errors;
}

function check(doc: unknown, catalog: Catalog, options: ValidateOptions, c: Collector): void {
  const maxBytes = positiveOr(options.maxBytes, DEFAULT_MAX_BYTES);
  const maxNodes = positiveOr(options.maxNodes, DEFAULT_MAX_NODES);

  if (!isPlainObject(doc)) {
    c.add('invalid_document', null, `A graph document must be a JSON object, got ${describeValue(doc)}`);
    return;
  }
  const size = measureJson(doc, maxBytes, MAX_DEPTH);
  if (size.tooLarge) {
    c.add('document_too_large', null, `The document is larger than the limit of ${maxBytes} bytes`);
    return;
  }
  if (size.tooDeep) {
    c.add('invalid_document', null, TOO_DEEP_MESSAGE);
    return;
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
    return; // the rest of a document of another version means something else
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
    return;
  }

  const infos = new Map<string, NodeInfo>();
  for (const id of ids) infos.set(id, readNode(id, (nodes as Obj)[id], catalog, c));
  checkDocMeta(own(doc, 'meta'), ids, c);
  checkDocPacks(own(doc, 'packs'), c);

  const upstream = new Map<string, string[]>();
  for (const info of infos.values()) checkInputs(info, infos, catalog, upstream, c);

  for (const cycle of findCycles(ids, upstream)) {
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

  if (isPlainObject(nodes)) checkOutputs(infos, c); // else the nodes error says it all
}

function readNode(id: string, raw: unknown, catalog: Catalog, c: Collector): NodeInfo {
  const info: NodeInfo = { id, type: undefined, mode: undefined };
  if (id === '' || RESERVED_IDS.includes(id)) {
    c.add('invalid_document', id, `Node id ${quoteId(id)} is not allowed (empty or reserved)`);
  }
  if (!isPlainObject(raw)) {
    c.add(
      'invalid_document',
      id,
      `${nodeLabel(id)} must be an object with "type" and "inputs", got ${describeValue(raw)}`,
    );
    return info;
  }
  for (const key of Object.keys(raw)) {
    if (!NODE_KEYS.has(key))
      c.add('invalid_document', id, `${nodeLabel(id)} has an unknown field ${quoteId(key)}`);
  }
  const type = own(raw, 'type');
  info.type = type;
  if (typeof type !== 'string' || type === '') {
    c.add('invalid_document', id, `${nodeLabel(id)} needs a string "type", got ${describeValue(type)}`);
  } else if (type === FOREIGN_TYPE) {
    info.foreignOutputs = readForeign(id, own(raw, 'foreign'), c);
  } else {
    info.schema = schemaFor(catalog, type);
    if (!info.schema) c.add('unknown_node_type', id, `${nodeLabel(id)} has unknown type ${quoteId(type)}`);
  }
  if (type !== FOREIGN_TYPE && own(raw, 'foreign') !== undefined) {
    c.add('invalid_document', id, `${nodeLabel(id, type)}: only a ${FOREIGN_TYPE} node has "foreign"`);
  }
  const inputs = own(raw, 'inputs');
  if (isPlainObject(inputs)) info.inputs = inputs;
  else
    c.add(
      'invalid_document',
      id,
      `${nodeLabel(id, type)}: "inputs" must be an object, got ${describeValue(inputs)}`,
    );
  const mode = own(raw, 'mode');
  info.mode = mode;
  if (mode !== undefined && !(NODE_MODES as readonly unknown[]).includes(mode)) {
    c.add(
      'invalid_document',
      id,
      `${nodeLabel(id, type)}: "mode" must be one of ${NODE_MODES.join(', ')}, got ${describeValue(mode)}`,
    );
  }
  const meta = own(raw, 'meta');
  if (meta !== undefined) {
    const problems: string[] = [];
    if (!isPlainObject(meta)) problems.push(` must be an object, got ${describeValue(meta)}`);
    else {
      optString(meta, 'title', problems);
      optString(meta, 'color', problems);
      const collapsed = own(meta, 'collapsed');
      if (collapsed !== undefined && typeof collapsed !== 'boolean') {
        problems.push(`.collapsed must be true or false, got ${describeValue(collapsed)}`);
      }
      optShape(meta, 'position', ['x', 'y'], problems);
      optShape(meta, 'size', ['width', 'height'], problems);
      checkReroutes(own(meta, 'reroutes'), problems);
    }
    for (const p of problems) c.add('invalid_document', id, `${nodeLabel(id, type)}: meta${p}`);
  }
  return info;
}

/**
 * A foreign node's description; its output names, or undefined when it is malformed. A well-formed one
 * is still an error: it cannot run until it is replaced or removed.
 */
function readForeign(id: string, raw: unknown, c: Collector): Set<string> | undefined {
  const at = nodeLabel(id, FOREIGN_TYPE);
  if (!isPlainObject(raw)) {
    c.add('invalid_document', id, `${at} needs a "foreign" object, got ${describeValue(raw)}`);
    return undefined;
  }
  const problems: string[] = [];
  for (const key of Object.keys(raw))
    if (!FOREIGN_KEYS.has(key)) problems.push(` has an unknown field ${quoteId(key)}`);
  const cls = own(raw, 'class');
  if (typeof cls !== 'string' || cls === '')
    problems.push(`.class must be a non-empty string, got ${describeValue(cls)}`);
  const names = new Set<string>();
  for (const key of ['inputs', 'outputs'] as const) {
    const list = own(raw, key);
    if (!Array.isArray(list)) {
      problems.push(`.${key} must be an array, got ${describeValue(list)}`);
      continue;
    }
    list.forEach((s: unknown, i) => {
      const name = isPlainObject(s) ? own(s, 'name') : undefined;
      if (!isPlainObject(s) || typeof name !== 'string' || typeof own(s, 'type') !== 'string')
        problems.push(`.${key}[${i}] must be {name, type} strings`);
      else if (key === 'outputs') names.add(name);
    });
  }
  const values = own(raw, 'values');
  if (values !== undefined && !isPlainObject(values)) problems.push(`.values must be an object`);
  const widgets = own(raw, 'widgets');
  if (widgets !== undefined && !Array.isArray(widgets)) problems.push(`.widgets must be an array`);
  for (const p of problems) c.add('invalid_document', id, `${at}: foreign${p}`);
  if (problems.length) return undefined;
  c.add(
    'foreign_node',
    id,
    `${nodeLabel(id)} is the foreign node ${quoteId(cls as string)}, which Reelgraph cannot run: replace or remove it`,
  );
  return names;
}

/** Problems are pushed as `.key …` suffixes, for the caller to prefix with where they are. */
function optString(o: Obj, key: string, out: string[]): void {
  const v = own(o, key);
  if (v !== undefined && typeof v !== 'string') out.push(`.${key} must be a string, got ${describeValue(v)}`);
}

/** An optional object whose listed fields are finite numbers (sizes and zoom also non-negative). */
function optShape(o: Obj, key: string, fields: string[], out: string[], required = false): void {
  const v = own(o, key);
  if (v === undefined) {
    if (required) out.push(`.${key} is required`);
    return;
  }
  if (!isPlainObject(v)) {
    out.push(`.${key} must be an object with ${fields.join(', ')}, got ${describeValue(v)}`);
    return;
  }
  for (const f of fields) {
    const n = own(v, f);
    const nonNegative = f === 'width' || f === 'height' || f === 'zoom';
    if (!isFiniteNumber(n) || (nonNegative && n < 0) || (f === 'zoom' && n === 0)) {
      const what = f === 'zoom' ? 'positive' : nonNegative ? 'non-negative' : 'finite';
      out.push(`.${key}.${f} must be a ${what} number, got ${describeValue(n)}`);
    }
  }
}

/** `meta.reroutes`: input name → points. Layout only, but a malformed one would break the editor. */
function checkReroutes(reroutes: unknown, out: string[]): void {
  if (reroutes === undefined) return;
  if (!isPlainObject(reroutes)) {
    out.push(`.reroutes must be an object of point lists by input, got ${describeValue(reroutes)}`);
    return;
  }
  for (const [input, points] of Object.entries(reroutes)) {
    const at = `.reroutes.${quoteId(input)}`;
    if (!Array.isArray(points)) {
      out.push(`${at} must be an array of points, got ${describeValue(points)}`);
      continue;
    }
    points.forEach((p: unknown, i) => {
      if (!isPlainObject(p) || !isFiniteNumber(own(p, 'x')) || !isFiniteNumber(own(p, 'y')))
        out.push(`${at}[${i}] must be a point { x, y } of finite numbers, got ${describeValue(p)}`);
    });
  }
}

/** `packs`: pack name → { version, package? } (what provided the node types; informative only). */
function checkDocPacks(packs: unknown, c: Collector): void {
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

function checkDocMeta(meta: unknown, nodeIds: string[], c: Collector): void {
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

function checkInputs(
  info: NodeInfo,
  infos: Map<string, NodeInfo>,
  catalog: Catalog,
  upstream: Map<string, string[]>,
  c: Collector,
): void {
  const { id, schema, inputs } = info;
  if (!inputs) return;
  const types = isPlainObject(catalog?.types) ? catalog.types : {};

  for (const name of Object.keys(inputs)) {
    const value = inputs[name];
    if (value === undefined) continue; // JSON cannot hold it; treated as absent
    const decl = schema ? inputSchema(schema, name) : undefined;
    if (schema && !decl) {
      const known = isPlainObject(schema.inputs) ? Object.keys(schema.inputs) : [];
      const hint = known.length ? ` (it has ${known.map(quoteId).join(', ')})` : ' (it takes no inputs)';
      c.add('unknown_input', id, `${nodeLabel(id, info.type)} has no input ${quoteId(name)}${hint}`, name);
      continue; // its value means nothing here
    }

    if (Array.isArray(value)) {
      if (value.length !== 2 || typeof value[0] !== 'string' || typeof value[1] !== 'string') {
        c.add(
          'invalid_link',
          id,
          `${inputAt(id, info.type, name)}: not a valid link: expected [nodeId, outputName], got ${describeLink(value)}`,
          name,
        );
        continue;
      }
      const [src, out] = value as [string, string];
      const source = infos.get(src);
      if (!source) {
        c.add(
          'link_missing_node',
          id,
          `${inputAt(id, info.type, name)}: links to node ${quoteId(src)}, which does not exist`,
          name,
        );
        continue;
      }
      const ups = upstream.get(id);
      if (ups) ups.push(src);
      else upstream.set(id, [src]);
      if (source.foreignOutputs && !source.foreignOutputs.has(out)) {
        const outs = [...source.foreignOutputs].map(quoteId).join(', ') || 'none';
        c.add(
          'link_missing_output',
          id,
          `${inputAt(id, info.type, name)}: links to output ${quoteId(out)} of ${nodeLabel(src, source.type, 'node')}, but it has ${outs}`,
          name,
        );
        continue;
      }
      if (!source.schema) continue; // unknown or foreign source type: reported on that node
      const fromType = outputType(source.schema, out);
      if (fromType === undefined) {
        const outs = isPlainObject(source.schema.outputs) ? Object.keys(source.schema.outputs) : [];
        const hint = outs.length ? `it has ${outs.map(quoteId).join(', ')}` : 'it has no outputs';
        c.add(
          'link_missing_output',
          id,
          `${inputAt(id, info.type, name)}: links to output ${quoteId(out)} of ${nodeLabel(src, source.type, 'node')}, but ${hint}`,
          name,
        );
        continue;
      }
      if (decl && typeof decl.type === 'string' && !canConnect(types, fromType, decl.type)) {
        c.add(
          'type_mismatch',
          id,
          `${inputAt(id, info.type, name)}: expects ${decl.type}, but output ${quoteId(out)} of ${nodeLabel(src, source.type, 'node')} gives ${fromType}`,
          name,
        );
      }
      continue;
    }

    if (!decl) {
      // Unknown node type or input: still refuse values no graph can hold.
      if (!isConstant(value))
        c.add(
          'wrong_value_type',
          id,
          `${inputAt(id, info.type, name)}: expected a string, finite number, boolean or link, got ${describeValue(value)}`,
          name,
        );
      continue;
    }
    if (checkConstant(id, info.type, name, value, decl, c)) checkModelRule(info, name, value, decl, infos, c);
  }

  if (!schema || !isPlainObject(schema.inputs)) return;
  for (const name of Object.keys(schema.inputs)) {
    const decl = inputSchema(schema, name);
    if (!decl || !isInputRequired(decl)) continue;
    if (own(inputs, name) !== undefined) continue;
    const need =
      decl.widget === 'socket' ? `a link from a ${decl.type} output` : `a ${decl.type} value or link`;
    c.add(
      'missing_input',
      id,
      `${nodeLabel(id, info.type)} is missing required input ${quoteId(name)} (${need})`,
      name,
    );
  }
}

function describeLink(v: unknown[]): string {
  if (v.length !== 2) return `an array of ${v.length}`;
  return `[${v.map(describeValue).join(', ')}]`;
}

function isConstant(v: unknown): boolean {
  return typeof v === 'string' || typeof v === 'boolean' || isFiniteNumber(v);
}

/** Numbers that break the rule of the model linked upstream are refused at submit, not halfway through a run. */
function checkModelRule(
  info: NodeInfo,
  name: string,
  value: unknown,
  decl: InputSchema,
  infos: Map<string, NodeInfo>,
  c: Collector,
): void {
  const rule = isPlainObject(decl.modelRule) ? decl.modelRule : undefined;
  if (!rule || typeof value !== 'number' || typeof rule.via !== 'string') return;
  const ruleNode = (n: NodeInfo) => ({
    inputs: n.inputs,
    decls: n.schema?.inputs,
    outputs: n.schema?.outputs,
  });
  const model = resolveModel(ruleNode(info), rule.via, (src) => {
    const n = infos.get(src);
    return n && ruleNode(n);
  });
  const problem = model && modelRuleProblem(value, rule.rule, model);
  if (problem)
    c.add('model_mismatch', info.id, `${inputAt(info.id, info.type, name)}: ${value}: ${problem}`, name);
}

/** Reports what is wrong with a constant; true when nothing was. */
function checkConstant(
  id: string,
  nodeType: unknown,
  name: string,
  value: unknown,
  decl: InputSchema,
  c: Collector,
): boolean {
  const before = c.errors.length;
  checkConstantInto(id, nodeType, name, value, decl, c);
  return c.errors.length === before;
}

function checkConstantInto(
  id: string,
  nodeType: unknown,
  name: string,
  value: unknown,
  decl: InputSchema,
  c: Collector,
): void {
  const type = decl.type;
  if (decl.widget === 'socket' || (typeof type === 'string' && type !== ANY && !isScalarType(type))) {
    c.add(
      'link_required',
      id,
      `${inputAt(id, nodeType, name)}: a ${type} input must be linked to another node's output, got the constant ${describeValue(value)}`,
      name,
    );
    return;
  }
  const expected = expectedValue(type, value);
  if (expected) {
    c.add(
      'wrong_value_type',
      id,
      `${inputAt(id, nodeType, name)}: expected ${expected}, got ${describeValue(value)}`,
      name,
    );
    return;
  }
  if (typeof value === 'number') {
    if (type === 'INT' && !Number.isSafeInteger(value)) {
      const why = Number.isInteger(value)
        ? 'is outside the safe integer range (±2^53−1)'
        : 'is not an integer';
      c.add('not_integer', id, `${inputAt(id, nodeType, name)}: ${value} ${why}`, name);
      return;
    }
    checkRange(id, nodeType, name, value, decl, c);
  }

  if (Array.isArray(decl.options)) {
    if (!decl.options.includes(value as string)) {
      const opts = decl.options;
      const list =
        opts.length <= MAX_OPTIONS_LISTED
          ? opts.map((o) => JSON.stringify(o)).join(', ')
          : `one of ${opts.length} options`;
      c.add(
        'not_in_options',
        id,
        `${inputAt(id, nodeType, name)}: ${describeValue(value)} is not one of: ${list}`,
        name,
      );
    }
  }
}

/** What a constant for `type` should have been, or undefined when `value` has the right JSON type. */
function expectedValue(type: string, value: unknown): string | undefined {
  switch (type) {
    case 'INT':
    case 'FLOAT':
      if (typeof value !== 'number') return type === 'INT' ? 'an integer' : 'a number';
      return Number.isFinite(value) ? undefined : 'a finite number';
    case 'STRING':
      return typeof value === 'string' ? undefined : 'a string';
    case 'BOOLEAN':
      return typeof value === 'boolean' ? undefined : 'true or false';
    default:
      return isConstant(value) ? undefined : 'a string, finite number or boolean';
  }
}

function checkRange(
  id: string,
  nodeType: unknown,
  name: string,
  value: number,
  decl: InputSchema,
  c: Collector,
): void {
  const { min, max, step } = decl;
  if (isFiniteNumber(min) && value < min)
    c.add('below_min', id, `${inputAt(id, nodeType, name)}: ${value} is below the minimum ${min}`, name);
  if (isFiniteNumber(max) && value > max)
    c.add('above_max', id, `${inputAt(id, nodeType, name)}: ${value} is above the maximum ${max}`, name);
  if (isFiniteNumber(step) && step > 0) {
    const base = isFiniteNumber(min) ? min : 0;
    if (!isOnStep(value, step, base)) {
      const from = isFiniteNumber(min) ? ` from ${min}` : '';
      c.add(
        'off_step',
        id,
        `${inputAt(id, nodeType, name)}: ${value} is not a multiple of the step ${step}${from}`,
        name,
      );
    }
  }
}

function checkOutputs(infos: Map<string, NodeInfo>, c: Collector): void {
  let unknown = false;
  const muted: string[] = [];
  for (const info of infos.values()) {
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
