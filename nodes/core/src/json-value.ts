import type { JsonValue } from '@reelgraph/sdk';

const MAX_DEPTH = 6;
const MAX_ITEMS = 1000;

/**
 * A JSON-safe view of any value a node produced, for showing it: typed arrays and class instances are
 * summarised, non-finite numbers become strings, long arrays and deep nesting are cut.
 */
export function toJsonValue(value: unknown, depth = 0): JsonValue {
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : String(value);
    case 'bigint':
      return value.toString();
    case 'function':
      return `[function ${value.name || 'anonymous'}]`;
    case 'symbol':
      return value.toString();
  }
  if (ArrayBuffer.isView(value)) {
    const length = 'length' in value ? (value as { length: number }).length : value.byteLength;
    return `[${value.constructor.name}(${length})]`;
  }
  if (depth >= MAX_DEPTH) return Array.isArray(value) ? '[…]' : '{…}';
  if (Array.isArray(value)) {
    const items = value.slice(0, MAX_ITEMS).map((v) => toJsonValue(v, depth + 1));
    if (value.length > MAX_ITEMS) items.push(`… ${value.length - MAX_ITEMS} more`);
    return items;
  }
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Map) return toJsonValue(Object.fromEntries(value), depth);
  if (value instanceof Set) return toJsonValue([...value], depth);
  const out: Record<string, JsonValue> = {};
  for (const [k, v] of Object.entries(value)) out[k] = toJsonValue(v, depth + 1);
  return out;
}
