/** Small total helpers the validator's rules share: safe reads of untrusted values and message text. */
import type { Catalog, InputSchema, NodeSchema } from './catalog';
import type { ValidationCode, ValidationError } from './errors';

export type Obj = Record<string, unknown>;

/** A plain (JSON-like) object: not null, not an array, not a Map/Date/class instance. */
export function isPlainObject(v: unknown): v is Obj {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

export function own(o: Obj, key: string): unknown {
  return Object.hasOwn(o, key) ? o[key] : undefined;
}

export function isFiniteNumber(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

/** The node schema for a type id, ignoring anything inherited (`constructor`, `__proto__` …). */
export function schemaFor(catalog: Catalog, type: unknown): NodeSchema | undefined {
  if (typeof type !== 'string' || !isPlainObject(catalog?.nodes)) return undefined;
  const s = own(catalog.nodes as Obj, type);
  return isPlainObject(s) ? (s as unknown as NodeSchema) : undefined;
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

export function quoteId(id: string): string {
  return JSON.stringify(id.length > 60 ? `${id.slice(0, 60)}…` : id);
}

export function nodeLabel(id: string, type?: unknown, word = 'Node'): string {
  const t = typeof type === 'string' && type !== '' ? ` (${quoteId(type).slice(1, -1)})` : '';
  return `${word} ${quoteId(id)}${t}`;
}

export function inputAt(id: string, type: unknown, name: string): string {
  return `${nodeLabel(id, type)}: input ${quoteId(name)}`;
}

/** Errors in the order they were found. */
export class Collector {
  readonly errors: ValidationError[] = [];
  add(code: ValidationCode, nodeId: string | null, message: string, input?: string): void {
    this.errors.push(input === undefined ? { nodeId, code, message } : { nodeId, input, code, message });
  }
}

/** Problems are pushed as `.key …` suffixes, for the caller to prefix with where they are. */
export function optString(o: Obj, key: string, out: string[]): void {
  const v = own(o, key);
  if (v !== undefined && typeof v !== 'string') out.push(`.${key} must be a string, got ${describeValue(v)}`);
}

/** An optional object whose listed fields are finite numbers (sizes and zoom also non-negative). */
export function optShape(o: Obj, key: string, fields: string[], out: string[], required = false): void {
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
