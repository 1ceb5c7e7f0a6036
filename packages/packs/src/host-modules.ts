import { existsSync, readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * The host's packages an outside pack may import with no install of its own: the SDK (with
 * `@reelgraph/sdk/frames`), the graph types, the media helpers and the model runtime.
 */
export const HOST_PACKAGES = ['@reelgraph/sdk', '@reelgraph/graph', '@reelgraph/media', '@reelgraph/runtime'];

/**
 * The folder of an installed package as Node finds it from the module at `from` (default: this one):
 * the nearest `node_modules/<pkg>` up the tree, real path. By folder, not by entry, so packages whose
 * "exports" hide their entry or package.json are found too, and so is code bundled elsewhere (the
 * bundle keeps each module's own `import.meta.url`).
 */
export function packageRoot(pkg: string, from: string = import.meta.url): string | undefined {
  for (let dir = path.dirname(fileURLToPath(from)); ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'node_modules', pkg, 'package.json');
    if (existsSync(manifest)) return realpathSync(path.dirname(manifest));
    if (dir === path.dirname(dir)) return undefined;
  }
}

/** Every specifier the host packages export (`@reelgraph/sdk`, `@reelgraph/sdk/frames` …) → file URL. */
export function hostModuleUrls(packages: readonly string[] = HOST_PACKAGES): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pkg of packages) {
    const root = packageRoot(pkg);
    if (!root) continue;
    const { exports } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
      exports?: Record<string, string>;
    };
    for (const [sub, target] of Object.entries(exports ?? {})) {
      if (typeof target !== 'string') continue;
      out[sub === '.' ? pkg : `${pkg}${sub.slice(1)}`] = pathToFileURL(path.join(root, target)).href;
    }
  }
  return out;
}
