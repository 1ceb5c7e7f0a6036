/**
 * Rules about one node: its own fields (`readNode`) and its inputs (`checkInputs`), which also read the
 * nodes it links from and, for model rules, the nodes further upstream, through `lookup` only, so an
 * incremental validator can tell whose change a node's errors depend on.
 */
import type { Catalog, InputSchema, NodeSchema } from './catalog';
import {
  type Collector,
  describeValue,
  inputAt,
  isFiniteNumber,
  isInputRequired,
  isPlainObject,
  nodeLabel,
  type Obj,
  optShape,
  optString,
  own,
  quoteId,
  schemaFor,
} from './check-helpers';
import { canConnect } from './connect';
import { FOREIGN_TYPE } from './document';
import { modelRuleProblem, resolveModel } from './model-rules';
import { ANY, isScalarType } from './sockets';

/** Ids refused for nodes, groups and notes: hosts key plain objects by node id. */
export const RESERVED_IDS: readonly string[] = ['__proto__', 'constructor', 'prototype'];
export const NODE_MODES = ['active', 'muted', 'bypassed'] as const;

const NODE_KEYS = new Set(['type', 'inputs', 'mode', 'meta', 'foreign']);
const FOREIGN_KEYS = new Set(['class', 'inputs', 'outputs', 'values', 'widgets']);
const MAX_OPTIONS_LISTED = 20;

export interface NodeInfo {
  id: string;
  /** Position in document order (set by the validator on each pass). */
  index: number;
  type: unknown;
  schema?: NodeSchema;
  inputs?: Obj;
  mode: unknown;
  /** A foreign node's output names (links into it are checked against them). */
  foreignOutputs?: Set<string>;
}

export type NodeLookup = (id: string) => NodeInfo | undefined;

/** A schema's declarations read once, with the same guards as reading them field by field. */
interface Declared {
  inputs: Map<string, InputSchema>;
  inputNames: string[];
  required: [string, InputSchema][];
  outputs: Map<string, string>;
  outputNames: string[];
}

const declaredOf = new WeakMap<NodeSchema, Declared>();

function declared(schema: NodeSchema): Declared {
  let d = declaredOf.get(schema);
  if (d) return d;
  const inputs = new Map<string, InputSchema>();
  const required: [string, InputSchema][] = [];
  const inputNames = isPlainObject(schema.inputs) ? Object.keys(schema.inputs) : [];
  for (const name of inputNames) {
    const s = (schema.inputs as Obj)[name];
    if (!isPlainObject(s)) continue;
    const decl = s as unknown as InputSchema;
    inputs.set(name, decl);
    if (isInputRequired(decl)) required.push([name, decl]);
  }
  const outputs = new Map<string, string>();
  const outputNames = isPlainObject(schema.outputs) ? Object.keys(schema.outputs) : [];
  for (const name of outputNames) {
    const s = (schema.outputs as Obj)[name];
    if (isPlainObject(s) && typeof s.type === 'string') outputs.set(name, s.type);
  }
  d = { inputs, inputNames, required, outputs, outputNames };
  declaredOf.set(schema, d);
  return d;
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

export function readNode(id: string, raw: unknown, catalog: Catalog, c: Collector): NodeInfo {
  const info: NodeInfo = { id, index: -1, type: undefined, mode: undefined };
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
      const comfy = own(meta, 'comfy');
      if (comfy !== undefined && !(isPlainObject(comfy) && typeof comfy.class === 'string'))
        problems.push(`.comfy must be an object with a "class" string, got ${describeValue(comfy)}`);
      checkReroutes(own(meta, 'reroutes'), problems);
    }
    for (const p of problems) c.add('invalid_document', id, `${nodeLabel(id, type)}: meta${p}`);
  }
  return info;
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

/**
 * Check a node's inputs; pushes onto `ups` the node of each link that exists (the edges cycles are
 * found over). Other nodes are read through `lookup` alone.
 */
export function checkInputs(
  info: NodeInfo,
  lookup: NodeLookup,
  types: Catalog['types'],
  ups: NodeInfo[],
  c: Collector,
): void {
  const { id, schema, inputs } = info;
  if (!inputs) return;
  const decls = schema && declared(schema);

  for (const name of Object.keys(inputs)) {
    const value = inputs[name];
    if (value === undefined) continue; // JSON cannot hold it; treated as absent
    const decl = decls?.inputs.get(name);
    if (decls && !decl) {
      const known = decls.inputNames;
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
      const source = lookup(src);
      if (!source) {
        c.add(
          'link_missing_node',
          id,
          `${inputAt(id, info.type, name)}: links to node ${quoteId(src)}, which does not exist`,
          name,
        );
        continue;
      }
      ups.push(source);
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
      const fromDecls = declared(source.schema);
      const fromType = fromDecls.outputs.get(out);
      if (fromType === undefined) {
        const outs = fromDecls.outputNames;
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
    if (checkConstant(id, info.type, name, value, decl, c))
      checkModelRule(info, name, value, decl, lookup, c);
  }

  if (!decls) return;
  for (const [name, decl] of decls.required) {
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
  lookup: NodeLookup,
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
    const n = lookup(src);
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
