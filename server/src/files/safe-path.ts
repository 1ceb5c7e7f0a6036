import { realpathSync, statSync } from 'node:fs';
import path from 'node:path';

/** Names a client may use for a file in a flat root: no separators, no dot segments, no escapes. */
export const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}(\.[A-Za-z0-9]{1,10})?$/;

/** True when `real` (already a real path) is `root` itself or inside it. */
export function isInside(root: string, real: string): boolean {
  const rel = path.relative(root, real);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/**
 * The real path of `candidate` if it is a regular file inside `root` (a real path), following every
 * symlink first: a link that points outside the root is refused like `..` is.
 */
export function realFileInside(root: string, candidate: string): { path: string; size: number } | undefined {
  let real: string;
  try {
    real = realpathSync(candidate);
  } catch {
    return undefined;
  }
  if (!isInside(root, real)) return undefined;
  try {
    const st = statSync(real);
    return st.isFile() ? { path: real, size: st.size } : undefined;
  } catch {
    return undefined;
  }
}

/** Resolve a stored relative path under root and check it with `realFileInside`. */
export function resolveStored(root: string, relPath: string): { path: string; size: number } | undefined {
  if (relPath.includes('\0') || path.isAbsolute(relPath)) return undefined;
  const joined = path.resolve(root, relPath);
  if (!isInside(root, joined)) return undefined;
  return realFileInside(root, joined);
}
