import { readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { installedPackDirs } from './installed';
import { MANIFEST_FILE } from './manifest';

export type Candidate = { dir: string } | { dir: string; error: string };

/**
 * Pack folders under each of `dirs`: a dir that holds a manifest is itself a pack, otherwise each of its
 * subfolders is one (a subfolder without a manifest is reported, not silently skipped), and so is each
 * package installed in it when it is a packs folder (`reelgraph add`). Hidden folders,
 * `node_modules` and `*.disabled` folders are skipped. Order is stable (dirs in order, names sorted) so
 * that which of two clashing packs wins never depends on the file system.
 */
export async function discoverPacks(dirs: readonly string[]): Promise<Candidate[]> {
  const seen = new Set<string>();
  const out: Candidate[] = [];
  const add = async (dir: string) => {
    const real = await realpath(dir);
    if (seen.has(real)) return;
    seen.add(real);
    out.push({ dir: real });
  };
  for (const given of dirs) {
    const dir = path.resolve(given);
    let isDir = false;
    try {
      isDir = (await stat(dir)).isDirectory();
    } catch {
      out.push({ dir, error: `pack folder ${dir} does not exist` });
      continue;
    }
    if (!isDir) {
      out.push({ dir, error: `pack folder ${dir} is not a directory` });
      continue;
    }
    if (await exists(path.join(dir, MANIFEST_FILE))) {
      await add(dir);
      continue;
    }
    const entries = await readdir(dir, { withFileTypes: true });
    const names = entries
      .map((e) => e.name)
      .filter((n) => !n.startsWith('.') && n !== 'node_modules' && !n.endsWith('.disabled'))
      .sort();
    for (const name of names) {
      const sub = path.join(dir, name);
      if (await isDirectory(sub)) await add(sub);
    }
    // A packs folder (`reelgraph add`): its installed packages are packs too.
    for (const installed of installedPackDirs(dir)) await add(installed);
  }
  return out;
}

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch {
    return false;
  }
}

async function isDirectory(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isDirectory();
  } catch {
    return false;
  }
}
