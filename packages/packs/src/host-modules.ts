import { existsSync, readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * The host's packages an outside pack may import with no install of its own: the SDK (with
 * `@reelgraph/sdk/frames`), the graph types, the media helpers and the model runtime.
 */
export const HOST_PACKAGES = ['@reelgraph/sdk', '@reelgraph/graph', '@reelgraph/media', '@reelgraph/runtime'];

/**
 * The folder of an installed package (its entry may be ESM-only or hidden by "exports"), as `resolve`
 * finds it: by default from this module; pass your module's `import.meta.resolve` to look from there.
 */
export function packageRoot(
  pkg: string,
  resolve: (specifier: string) => string = (s) => import.meta.resolve(s),
): string | undefined {
  let file: string | undefined;
  for (const spec of [pkg, `${pkg}/package.json`]) {
    try {
      file = realpathSync(fileURLToPath(resolve(spec)));
      break;
    } catch {
      // types-only packages have no entry; others may not export package.json
    }
  }
  if (!file) return undefined;
  for (let dir = path.dirname(file); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).name === pkg) return dir;
  }
  return undefined;
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
