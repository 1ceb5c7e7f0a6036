import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { userPacksDir } from './installed';

/** The repository's `nodes/` folder: the built-in packs. */
export const BUILTIN_PACKS_DIR = fileURLToPath(new URL('../../../nodes', import.meta.url));

/** Extra pack folders from `REELGRAPH_NODES` (separated like PATH: `:` on POSIX, `;` on Windows). */
export function packDirsFromEnv(value: string | undefined = process.env.REELGRAPH_NODES): string[] {
  return (value ?? '')
    .split(path.delimiter)
    .map((d) => d.trim())
    .filter((d) => d !== '');
}

/**
 * Where packs come from, in priority order: built-ins, the user's packs folder (`reelgraph add`, when it
 * exists), then `REELGRAPH_NODES`, then `extra` (e.g. `--nodes`).
 */
export function defaultPackDirs(
  extra: readonly string[] = [],
  env: string | undefined = process.env.REELGRAPH_NODES,
) {
  const installed = userPacksDir();
  const dirs = [
    BUILTIN_PACKS_DIR,
    ...(existsSync(installed) ? [installed] : []),
    ...packDirsFromEnv(env),
    ...extra,
  ].map((d) => path.resolve(d));
  return [...new Set(dirs)];
}
