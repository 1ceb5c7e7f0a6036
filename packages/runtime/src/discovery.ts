/** Finds model folders (each with a `model.json`) in the configured roots. */
import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { basename, delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ModelError } from './errors';
import { type ModelManifest, parseManifest } from './manifest';

export interface DiscoveredModel {
  /** Folder name; what the load-model node's combo shows. */
  id: string;
  dir: string;
  manifest?: ModelManifest;
  /** Why the folder cannot be used (missing/corrupt manifest, missing files). */
  error?: ModelError;
}

/** The repository's `models/` plus folders in `REELGRAPH_MODEL_DIRS` (path-list). */
export function defaultModelDirs(env: NodeJS.ProcessEnv = process.env): string[] {
  const here = dirname(fileURLToPath(import.meta.url));
  const dirs = [resolve(here, '../../../models')];
  for (const d of (env.REELGRAPH_MODEL_DIRS ?? '').split(delimiter))
    if (d.trim()) dirs.push(resolve(d.trim()));
  return dirs;
}

/** Reads and validates one folder's manifest, and checks its files exist with the declared sizes. */
export function readModelFolder(dir: string, id = basename(dir)): DiscoveredModel {
  const path = join(dir, 'model.json');
  if (!existsSync(path))
    return {
      id,
      dir,
      error: new ModelError('MANIFEST_MISSING', `${id}: no model.json in ${dir}`, { model: id, path }),
    };
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    return {
      id,
      dir,
      error: new ModelError(
        'MANIFEST_INVALID',
        `${id}: model.json is not valid JSON (${(err as Error).message})`,
        {
          model: id,
          path,
        },
      ),
    };
  }
  let manifest: ModelManifest;
  try {
    manifest = parseManifest(raw, `${id}/model.json`);
  } catch (err) {
    return { id, dir, error: err as ModelError };
  }
  for (const [key, f] of Object.entries(manifest.files)) {
    const p = join(dir, f.path);
    if (!existsSync(p))
      return {
        id,
        dir,
        manifest,
        error: new ModelError('FILE_MISSING', `${id}: ${key} file ${f.path} is missing`, {
          model: id,
          file: key,
          path: p,
        }),
      };
    const size = statSync(p).size;
    if (f.bytes !== undefined && size !== f.bytes)
      return {
        id,
        dir,
        manifest,
        error: new ModelError(
          'FILE_CORRUPT',
          `${id}: ${f.path} has ${size} bytes, model.json says ${f.bytes}`,
          {
            model: id,
            file: key,
            path: p,
          },
        ),
      };
  }
  return { id, dir, manifest };
}

/**
 * Every model under the roots: a root that itself holds `model.json` is one model, otherwise each
 * sub-folder with a `model.json` is. The first root wins when two folders share a name.
 */
export function discoverModels(roots: string[]): DiscoveredModel[] {
  const out: DiscoveredModel[] = [];
  const seenIds = new Set<string>();
  const seenDirs = new Set<string>();
  const add = (dir: string) => {
    let real: string;
    try {
      real = realpathSync(dir);
    } catch {
      return;
    }
    if (seenDirs.has(real)) return;
    seenDirs.add(real);
    const m = readModelFolder(dir);
    if (seenIds.has(m.id)) return;
    seenIds.add(m.id);
    out.push(m);
  };
  for (const root of roots) {
    if (!existsSync(root)) continue;
    if (existsSync(join(root, 'model.json'))) {
      add(root);
      continue;
    }
    for (const name of readdirSync(root).sort()) {
      const d = join(root, name);
      try {
        if (statSync(d).isDirectory() && existsSync(join(d, 'model.json'))) add(d);
      } catch {
        // unreadable entry: skip
      }
    }
  }
  return out;
}
