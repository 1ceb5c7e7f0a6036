import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** The keyword that marks an npm package as a Reelgraph node pack (it also holds `reelgraph.pack.json`). */
export const PACK_KEYWORD = 'reelgraph-pack';

/**
 * The user's packs folder, where `reelgraph add` installs packs from the npm registry:
 * `REELGRAPH_PACKS_DIR`, else `~/.reelgraph/packs`. It is a small npm project (package.json with the
 * packs as dependencies, package-lock.json, node_modules) marked as a packs folder.
 */
export function userPacksDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(env.REELGRAPH_PACKS_DIR || path.join(os.homedir(), '.reelgraph', 'packs'));
}

/** What marks a packs folder's package.json (so discovery reads its dependencies as packs). */
export const PACKS_FOLDER_MARK = { packsFolder: true } as const;

interface PackageJson {
  name?: string;
  version?: string;
  description?: unknown;
  keywords?: unknown;
  dependencies?: Record<string, string>;
  reelgraph?: { packsFolder?: boolean };
}

export function readPackageJson(dir: string): PackageJson | undefined {
  try {
    return JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as PackageJson;
  } catch {
    return undefined;
  }
}

/** The npm name and version of the package a pack folder is, when it is one marked as a pack. */
export function packPackage(dir: string): { name: string; version: string } | undefined {
  const pkg = readPackageJson(dir);
  if (!pkg?.name || !pkg.version) return undefined;
  const keywords = Array.isArray(pkg.keywords) ? pkg.keywords : [];
  return keywords.includes(PACK_KEYWORD) ? { name: pkg.name, version: pkg.version } : undefined;
}

/**
 * The packs installed in a packs folder (its package.json's dependencies, in `node_modules`), sorted by
 * npm name; none when `dir` is not a packs folder.
 */
export function installedPackDirs(dir: string): string[] {
  const pkg = readPackageJson(dir);
  if (pkg?.reelgraph?.packsFolder !== true) return [];
  return Object.keys(pkg.dependencies ?? {})
    .sort()
    .map((name) => path.join(dir, 'node_modules', ...name.split('/')))
    .filter((d) => existsSync(d));
}
