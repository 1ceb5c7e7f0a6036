import type { Artifact } from '@reelgraph/sdk';

/** Objects may report their own size: `{ [BYTE_SIZE]: number }` (or a method returning it). */
export const BYTE_SIZE: unique symbol = Symbol.for('reelgraph.byteSize') as never;

export interface CacheEntry {
  outputs: Record<string, unknown>;
  artifacts: Artifact[];
  /** Estimated size, counted against `maxBytes`. */
  bytes: number;
}

export interface CacheStats {
  entries: number;
  bytes: number;
  maxBytes: number;
  hits: number;
  misses: number;
  evictions: number;
}

export interface CacheOptions {
  /** Upper bound on the estimated size of everything cached; default 1 GiB. */
  maxBytes?: number;
}

const SMALL = 16;
const OPAQUE = 64;

/**
 * Estimated memory held by a value: typed arrays and buffers by byteLength, strings at two bytes a
 * character, objects that report `BYTE_SIZE` or a numeric `byteSize` by that, plain containers by their
 * contents (bounded work: long arrays are sampled, deep or huge structures stop at a visit budget),
 * and a small fixed cost for anything opaque.
 */
export function estimateBytes(value: unknown): number {
  budget = 4096;
  return measure(value, 0);
}

// Visits left for the estimate in progress (a re-entrant call from a BYTE_SIZE method only resets it).
let budget = 0;

function measure(value: unknown, depth: number): number {
  switch (typeof value) {
    case 'string':
      return SMALL + value.length * 2;
    case 'number':
    case 'boolean':
    case 'undefined':
    case 'symbol':
      return 8;
    case 'bigint':
      return SMALL;
    case 'function':
      return OPAQUE;
  }
  if (value === null) return 8;
  const obj = value as Record<string | symbol, unknown>;
  const own = obj[BYTE_SIZE];
  if (typeof own === 'number') return own;
  if (typeof own === 'function') return Number((own as () => number).call(obj)) || OPAQUE;
  if (ArrayBuffer.isView(value)) return OPAQUE + value.byteLength;
  if (value instanceof ArrayBuffer) return OPAQUE + value.byteLength;
  if (typeof obj.byteSize === 'number') return obj.byteSize;
  if (value instanceof Map || value instanceof Set) return OPAQUE + value.size * OPAQUE;
  if (depth >= 6 || --budget <= 0) return OPAQUE;
  if (Array.isArray(value)) {
    const n = value.length;
    const sample = Math.min(n, 32);
    let sum = 0;
    for (let i = 0; i < sample; i++) sum += measure(value[i], depth + 1);
    return OPAQUE + (sample === 0 ? 0 : (sum / sample) * n);
  }
  if (value instanceof Promise || value instanceof WeakMap || value instanceof WeakSet) return OPAQUE;
  // Plain objects and class instances alike: walk own enumerable properties (sampled when many).
  let sum = OPAQUE;
  let count = 0;
  let seen = 0;
  for (const k in obj) {
    if (!Object.hasOwn(obj, k)) continue;
    count++;
    if (seen < 64) {
      seen++;
      sum += SMALL + k.length * 2 + measure(obj[k], depth + 1);
    }
  }
  if (count > seen) sum = OPAQUE + ((sum - OPAQUE) / seen) * count;
  return sum;
}

/**
 * LRU map from cache key to a node's outputs and artifacts, bounded by estimated bytes. A running job
 * keeps its own references to every value it reads or produces, so eviction never pulls a value out
 * from under a consumer; it only stops later runs from reusing it.
 */
export class OutputCache {
  readonly maxBytes: number;
  // Map iteration order is insertion order: re-inserting on access makes the first entry the LRU one.
  readonly #entries = new Map<string, CacheEntry>();
  #bytes = 0;
  #hits = 0;
  #misses = 0;
  #evictions = 0;

  constructor(options: CacheOptions = {}) {
    this.maxBytes = options.maxBytes ?? 1024 ** 3;
  }

  /** Look up and mark as recently used. Counts a hit or a miss. */
  get(key: string): CacheEntry | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) {
      this.#misses++;
      return undefined;
    }
    this.#hits++;
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    return entry;
  }

  /** Look up without touching recency or stats. */
  peek(key: string): CacheEntry | undefined {
    return this.#entries.get(key);
  }

  has(key: string): boolean {
    return this.#entries.has(key);
  }

  /** Store a result, evicting least-recently-used entries to stay under `maxBytes`. False if it cannot fit. */
  set(key: string, outputs: Record<string, unknown>, artifacts: Artifact[]): boolean {
    const bytes =
      SMALL + key.length * 2 + estimateBytes(outputs) + (artifacts.length ? estimateBytes(artifacts) : 0);
    this.delete(key);
    if (bytes > this.maxBytes) return false;
    while (this.#bytes + bytes > this.maxBytes) {
      const oldest = this.#entries.keys().next();
      if (oldest.done) break;
      this.delete(oldest.value);
      this.#evictions++;
    }
    this.#entries.set(key, { outputs, artifacts, bytes });
    this.#bytes += bytes;
    return true;
  }

  delete(key: string): boolean {
    const entry = this.#entries.get(key);
    if (!entry) return false;
    this.#entries.delete(key);
    this.#bytes -= entry.bytes;
    return true;
  }

  clear(): void {
    this.#entries.clear();
    this.#bytes = 0;
  }

  get size(): number {
    return this.#entries.size;
  }

  stats(): CacheStats {
    return {
      entries: this.#entries.size,
      bytes: this.#bytes,
      maxBytes: this.maxBytes,
      hits: this.#hits,
      misses: this.#misses,
      evictions: this.#evictions,
    };
  }
}
