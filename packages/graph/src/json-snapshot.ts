/**
 * Snapshots of JSON data, for telling cheaply whether a value (possibly changed in place since) is still
 * what it was. Comparing a value with its snapshot is one walk with no allocation, which replaces
 * serialising it and measuring it: a value equal to a snapshot is plain JSON data of the snapshot's size.
 */

/** A plain object, as its keys in order and their values. */
export class JsonObject {
  constructor(
    readonly keys: readonly string[],
    readonly values: readonly JsonSnapshot[],
  ) {}

  get(key: string): JsonSnapshot | undefined {
    const i = this.keys.indexOf(key);
    return i === -1 ? undefined : this.values[i];
  }
}

export type JsonSnapshot = string | number | boolean | null | JsonSnapshot[] | JsonObject;

export interface Snapshotted {
  snapshot: JsonSnapshot;
  /** At least the UTF-8 size of the value's JSON text (strings counted at 6 bytes a unit). */
  upper: number;
}

/** Longest JSON number text, e.g. -1.2345678901234567e-308. */
const MAX_NUMBER_CHARS = 24;

/**
 * A snapshot of `value`, or undefined when it is not exactly its JSON text (undefined, a function, a
 * non-finite number, a Map, Date or class instance …) or nests `maxDepth` levels or deeper below `depth`
 * (so a circular value is refused too).
 */
export function snapshotJson(value: unknown, depth: number, maxDepth: number): Snapshotted | undefined {
  const out: Snapshotted = { snapshot: null, upper: 0 };
  return copy(value, depth, maxDepth, out) ? out : undefined;
}

function copy(value: unknown, depth: number, maxDepth: number, out: Snapshotted): boolean {
  switch (typeof value) {
    case 'string':
      out.upper += 6 * value.length + 2;
      out.snapshot = value;
      return true;
    case 'number':
      out.upper += MAX_NUMBER_CHARS;
      out.snapshot = value;
      return Number.isFinite(value);
    case 'boolean':
      out.upper += 5;
      out.snapshot = value;
      return true;
    case 'object':
      break;
    default:
      return false;
  }
  if (value === null) {
    out.upper += 4;
    out.snapshot = null;
    return true;
  }
  if (depth >= maxDepth) return false;
  if (Array.isArray(value)) {
    const items: JsonSnapshot[] = new Array(value.length);
    out.upper += 2 + value.length;
    for (let i = 0; i < value.length; i++) {
      if (!copy(value[i], depth + 1, maxDepth, out)) return false;
      items[i] = out.snapshot;
    }
    out.snapshot = items;
    return true;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return false;
  const keys = Object.keys(value);
  const values: JsonSnapshot[] = new Array(keys.length);
  out.upper += 2;
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    out.upper += 6 * k.length + 4;
    if (!copy((value as Record<string, unknown>)[k], depth + 1, maxDepth, out)) return false;
    values[i] = out.snapshot;
  }
  out.snapshot = new JsonObject(keys, values);
  return true;
}

/**
 * Whether `value` is the data `snapshot` was taken of: the same primitives (`Object.is`), arrays of the
 * same length, plain objects with the same own keys in the same order.
 */
export function sameJson(value: unknown, snapshot: JsonSnapshot): boolean {
  if (typeof snapshot !== 'object' || snapshot === null) return Object.is(value, snapshot);
  if (typeof value !== 'object' || value === null) return false;
  if (Array.isArray(snapshot)) {
    if (!Array.isArray(value) || value.length !== snapshot.length) return false;
    for (let i = 0; i < snapshot.length; i++) if (!sameJson(value[i], snapshot[i]!)) return false;
    return true;
  }
  if (Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return false;
  const { keys, values } = snapshot;
  let i = 0;
  for (const k in value) {
    if (i === keys.length || keys[i] !== k || !Object.hasOwn(value, k)) return false;
    if (!sameJson((value as Record<string, unknown>)[k], values[i]!)) return false;
    i++;
  }
  return i === keys.length;
}
