import type { Catalog } from '@reelgraph/graph';
import type { Plan } from './plan';

/** Total document text kept (UTF-16 units): a few large graphs or many small ones. */
const DEFAULT_MAX_CHARS = 8_000_000;

/**
 * Plans of documents already validated and planned, so that re-running an identical document costs one
 * `JSON.stringify` and one lookup instead of validation and planning. Keyed by the document's JSON text
 * (the document format is JSON: equal text is an equal document) together with the targets and the
 * catalog it was checked against, so a catalog swapped by a hot reload never reuses a plan made for the
 * old one. Only plans that passed validation are kept; a plan is never changed after it is made.
 */
export class PlanMemo {
  readonly #entries = new Map<string, { catalog: Catalog; plan: Plan; chars: number }>();
  #chars = 0;

  constructor(readonly maxChars = DEFAULT_MAX_CHARS) {}

  /** The memo key of a document and targets; undefined when it has no JSON text (circular, BigInt …). */
  static keyOf(doc: unknown, targets: readonly string[] | undefined): string | undefined {
    let text: string | undefined;
    try {
      text = JSON.stringify(doc);
    } catch {
      return undefined;
    }
    if (text === undefined) return undefined;
    return targets ? `${JSON.stringify(targets)}\u0000${text}` : text;
  }

  get(key: string, catalog: Catalog): Plan | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (entry.catalog !== catalog) {
      this.#delete(key);
      return undefined;
    }
    // Most recently used last: eviction takes the oldest first.
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    return entry.plan;
  }

  set(key: string, catalog: Catalog, plan: Plan): void {
    if (key.length > this.maxChars) return;
    this.#delete(key);
    this.#entries.set(key, { catalog, plan, chars: key.length });
    this.#chars += key.length;
    for (const oldest of this.#entries.keys()) {
      if (this.#chars <= this.maxChars) break;
      this.#delete(oldest);
    }
  }

  get size(): number {
    return this.#entries.size;
  }

  #delete(key: string): void {
    const entry = this.#entries.get(key);
    if (!entry) return;
    this.#entries.delete(key);
    this.#chars -= entry.chars;
  }
}
