/**
 * Size of a value once written as JSON, measured without serialising it, so an oversized or circular
 * value is refused after at most `maxBytes` worth of work instead of exhausting memory.
 */

export interface JsonMeasure {
  /** Bytes counted so far; the total when neither limit was hit. */
  bytes: number;
  /** The value is larger than `maxBytes`. */
  tooLarge: boolean;
  /** The value nests deeper than `maxDepth` (circular values always do). */
  tooDeep: boolean;
}

/** UTF-8 byte length of a JSON string literal, quotes and escapes included. */
export function jsonStringBytes(s: string): number {
  let bytes = 2;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) bytes += c < 0x20 ? 6 : c === 0x22 || c === 0x5c ? 2 : 1;
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

export function measureJson(value: unknown, maxBytes: number, maxDepth: number): JsonMeasure {
  let bytes = 0;
  // Parallel stacks: no per-value allocation.
  const values: unknown[] = [value];
  const depths: number[] = [0];
  while (values.length > 0) {
    const v = values.pop();
    const depth = depths.pop()!;
    if (typeof v !== 'object' || v === null) {
      bytes += scalarBytes(v);
    } else {
      if (depth >= maxDepth) return { bytes, tooLarge: false, tooDeep: true };
      if (Array.isArray(v)) {
        bytes += 2 + Math.max(0, v.length - 1);
        if (bytes > maxBytes) return { bytes, tooLarge: true, tooDeep: false };
        for (let i = 0; i < v.length; i++) {
          values.push(v[i]);
          depths.push(depth + 1);
        }
      } else {
        const keys = Object.keys(v);
        bytes += 2 + Math.max(0, keys.length - 1);
        for (const k of keys) {
          bytes += jsonStringBytes(k) + 1;
          if (bytes > maxBytes) return { bytes, tooLarge: true, tooDeep: false };
          values.push((v as Record<string, unknown>)[k]);
          depths.push(depth + 1);
        }
      }
    }
    if (bytes > maxBytes) return { bytes, tooLarge: true, tooDeep: false };
  }
  return { bytes, tooLarge: false, tooDeep: false };
}
