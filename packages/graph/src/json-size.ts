/**
 * Size of a value once written as JSON, measured without serialising it, so an oversized or circular
 * value is refused after at most `maxBytes` worth of work instead of exhausting memory.
 */

export interface JsonMeasure {
  /** A lower bound of the size in bytes; exact whenever the size came near `maxBytes`. */
  bytes: number;
  /** The value is larger than `maxBytes`. */
  tooLarge: boolean;
  /** The value nests deeper than `maxDepth` (circular values always do). */
  tooDeep: boolean;
  /**
   * Asked for with `strict`: the value holds something its JSON text does not show exactly (undefined,
   * a function, a non-finite number, a Map, Date or class instance …), so equal text is no proof of an
   * equal value.
   */
  lossy?: boolean;
}

/** Control characters JSON writes as two-character escapes (\b \t \n \f \r); the rest as \uXXXX. */
const SHORT_ESCAPES = new Set([0x08, 0x09, 0x0a, 0x0c, 0x0d]);

/** UTF-8 byte length of a JSON string literal, quotes and escapes included. */
export function jsonStringBytes(s: string): number {
  let bytes = 2;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) bytes += c >= 0x20 ? (c === 0x22 || c === 0x5c ? 2 : 1) : SHORT_ESCAPES.has(c) ? 2 : 6;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const next = s.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i++;
      } else bytes += 6; // lone surrogate: JSON.stringify escapes it
    } else if (c >= 0xd800 && c <= 0xdfff) bytes += 6;
    else bytes += 3;
  }
  return bytes;
}

/** UTF-8 byte length of raw text. */
export function utf8Bytes(s: string): number {
  let bytes = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const next = s.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i++;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}

function scalarBytes(value: unknown): number {
  switch (typeof value) {
    case 'string':
      return jsonStringBytes(value);
    case 'number':
      return Number.isFinite(value) ? String(value).length : 4;
    case 'boolean':
      return value ? 4 : 5;
    case 'bigint':
      return String(value).length;
    default:
      return 4; // null, or a value JSON would drop or write as null
  }
}

/**
 * Measure `value` as JSON, stopping early past `maxBytes` or `maxDepth`. A first pass counts a lower
 * bound cheaply (string lengths, one byte per number) and how much the exact size could exceed it;
 * only when that could cross the limit is the exact size counted.
 */
export function measureJson(value: unknown, maxBytes: number, maxDepth: number, strict = false): JsonMeasure {
  const rough = walk(value, maxBytes, maxDepth, false, strict);
  const lossy = strict ? { lossy: rough.lossy } : {};
  if (rough.tooLarge || rough.tooDeep || rough.bytes + rough.slack <= maxBytes) {
    return { bytes: rough.bytes, tooLarge: rough.tooLarge, tooDeep: rough.tooDeep, ...lossy };
  }
  const exact = walk(value, maxBytes, maxDepth, true, false);
  return { bytes: exact.bytes, tooLarge: exact.tooLarge, tooDeep: exact.tooDeep, ...lossy };
}

/** Longest JSON number text, e.g. -1.2345678901234567e-308. */
const MAX_NUMBER_CHARS = 24;

function walk(value: unknown, maxBytes: number, maxDepth: number, exact: boolean, strict: boolean) {
  let bytes = 0;
  // Exact size minus `bytes` is at most `slack` (UTF-8 and escapes take at most 6 bytes per unit).
  let slack = 0;
  let lossy = false;
  const result = (tooLarge: boolean, tooDeep: boolean) => ({ bytes, slack, lossy, tooLarge, tooDeep });
  // Parallel stacks: no per-value allocation.
  const values: unknown[] = [value];
  const depths: number[] = [0];
  while (values.length > 0) {
    const v = values.pop();
    const depth = depths.pop()!;
    if (typeof v === 'string' && !exact) {
      bytes += v.length + 2;
      slack += 5 * v.length;
    } else if (typeof v === 'number' && !exact) {
      bytes += 1;
      slack += MAX_NUMBER_CHARS - 1;
      if (strict && !Number.isFinite(v)) lossy = true;
    } else if (typeof v !== 'object' || v === null) {
      bytes += scalarBytes(v);
      if (strict && v !== null && typeof v !== 'boolean' && typeof v !== 'string') lossy = true;
    } else {
      if (depth >= maxDepth) return result(false, true);
      if (Array.isArray(v)) {
        bytes += 2 + Math.max(0, v.length - 1);
        if (bytes > maxBytes) return result(true, false);
        for (let i = 0; i < v.length; i++) {
          values.push(v[i]);
          depths.push(depth + 1);
        }
      } else {
        if (strict) {
          const proto = Object.getPrototypeOf(v);
          if (proto !== Object.prototype && proto !== null) lossy = true;
        }
        const keys = Object.keys(v);
        bytes += 2 + Math.max(0, keys.length - 1);
        for (const k of keys) {
          if (exact) bytes += jsonStringBytes(k) + 1;
          else {
            bytes += k.length + 3;
            slack += 5 * k.length;
          }
          if (bytes > maxBytes) return result(true, false);
          values.push((v as Record<string, unknown>)[k]);
          depths.push(depth + 1);
        }
      }
    }
    if (bytes > maxBytes) return result(true, false);
  }
  return result(false, false);
}
