import { GRAPH_VERSION } from './document';
import { isPlainObject } from './validate';

/**
 * Upgrades a document from version `n` to `n + 1`. Must not mutate its argument (return a new object)
 * and must set `version` to `n + 1`. May throw on a document it cannot read; the migration then stops
 * and the validator reports the version it stopped at.
 */
export type Migration = (doc: Record<string, unknown>) => Record<string, unknown>;

/**
 * Version 2 added `definitions` (subgraphs) and changed nothing else, so a version-1 document only
 * needs its number bumped. A version-1 document that already has `definitions` was not written by a
 * version-1 program: it is refused (left at version 1 for the validator) rather than guessed at.
 */
export const migrate1to2: Migration = (doc) => {
  if (Object.hasOwn(doc, 'definitions')) throw new Error('A version 1 document cannot have "definitions"');
  return { ...doc, version: 2 };
};

/** The migrations, keyed by the version they upgrade FROM. */
export const MIGRATIONS: Readonly<Record<number, Migration>> = Object.freeze({ 1: migrate1to2 });

/**
 * Bring a document up to the current version by applying migrations in order. Total: anything that is
 * not an object with an integer `version` below `target`, or that a migration fails on, is returned as it
 * stands for the validator to judge (`unsupported_version`, `invalid_document`).
 */
export function migrateGraph(
  doc: unknown,
  migrations: Readonly<Record<number, Migration>> = MIGRATIONS,
  target: number = GRAPH_VERSION,
): unknown {
  let current = doc;
  for (;;) {
    if (!isPlainObject(current)) return current;
    const version = current.version;
    if (typeof version !== 'number' || !Number.isInteger(version) || version >= target) return current;
    const step = Object.hasOwn(migrations, version) ? migrations[version] : undefined;
    if (typeof step !== 'function') return current;
    let next: unknown;
    try {
      next = step(current);
    } catch {
      return current;
    }
    // A migration that does not advance the version would loop forever: stop where we are.
    if (!isPlainObject(next) || next.version !== version + 1) return current;
    current = next;
  }
}
