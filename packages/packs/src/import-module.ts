import { createRequire, register } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { tsImport } from 'tsx/esm/api';
import { hostModuleUrls } from './host-modules';

let hooksRegistered = false;

/** Let packs outside the workspace import the host's packages (`HOST_PACKAGES`) from the host. */
function registerHostModules(): void {
  if (hooksRegistered) return;
  hooksRegistered = true;
  register(new URL('./resolve-hooks.mjs', import.meta.url), { data: { modules: hostModuleUrls() } });
}

export interface ImportedModule {
  exports: Record<string, unknown>;
  /** URLs of every module the import evaluated (the entry and what it imports), e.g. for a file watcher. */
  files: string[];
}

/**
 * Import a TypeScript or JavaScript module with no build step. Each call evaluates the module and its
 * imports afresh (tsx's `tsImport` loads ES modules under a new namespace), so calling it again after an
 * edit picks up the new code: that is the hot-reload path. A `.ts` file outside a `"type": "module"`
 * package is compiled as CommonJS, whose modules Node caches by file name: those cached under `freshUnder`
 * (the pack's folder) are dropped first. Rejects when the import throws or takes longer than `timeoutMs`
 * (the import itself cannot be stopped; it is abandoned).
 */
export async function importModule(
  file: string,
  { timeoutMs = 30_000, freshUnder }: { timeoutMs?: number; freshUnder?: string } = {},
): Promise<ImportedModule> {
  registerHostModules();
  if (freshUnder) forgetCommonJs(freshUnder);
  const files: string[] = [];
  const loading = tsImport(pathToFileURL(file).href, {
    parentURL: import.meta.url,
    onImport: (url: string) => files.push(url),
  }) as Promise<Record<string, unknown>>;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`import did not finish within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return { exports: await Promise.race([loading, timeout]), files };
  } finally {
    clearTimeout(timer);
    loading.catch(() => {}); // an abandoned import that fails later must not be an unhandled rejection
  }
}

function forgetCommonJs(dir: string): void {
  const cache = createRequire(import.meta.url).cache;
  const prefix = dir.endsWith(path.sep) ? dir : dir + path.sep;
  for (const key of Object.keys(cache)) if (key.startsWith(prefix)) delete cache[key];
}
