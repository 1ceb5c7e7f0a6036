import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { compilePack } from './compile-pack';

export interface ImportedModule {
  exports: Record<string, unknown>;
  /** URLs of every file the module was made from (its own, the workspace sources it bundles, dependencies). */
  files: string[];
}

let imports = 0;

/**
 * Import a TypeScript or JavaScript module with no build step of its author's: it is compiled into one
 * cached JavaScript module (see compile-pack.ts). Each call evaluates it afresh (a new URL each time), so
 * calling it again after an edit picks up the new code: that is the hot-reload path. A CommonJS module
 * that `freshUnder` (the pack's folder) required is dropped from Node's cache first. Rejects when the
 * compile or the import throws, or takes longer than `timeoutMs` (the import itself cannot be stopped; it
 * is abandoned).
 */
export async function importModule(
  file: string,
  { timeoutMs = 30_000, freshUnder }: { timeoutMs?: number; freshUnder?: string } = {},
): Promise<ImportedModule> {
  if (freshUnder) forgetCommonJs(freshUnder);
  // Stack traces of a node's failure point at the pack's TypeScript, not at the compiled module.
  process.setSourceMapsEnabled(true);
  const load = async (again: boolean): Promise<ImportedModule> => {
    const compiled = await compilePack(file, freshUnder ?? path.dirname(file));
    const url = `${pathToFileURL(compiled.module).href}?import=${++imports}`;
    let exports: Record<string, unknown>;
    try {
      exports = (await import(url)) as Record<string, unknown>;
    } catch (err) {
      // Another process rebuilt the pack and removed this build between our stamp check and the import.
      const gone =
        (err as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND' && !existsSync(compiled.module);
      if (again && gone) return load(false);
      throw err;
    }
    return { exports, files: compiled.inputs.map((f) => pathToFileURL(f).href) };
  };
  const loading = load(true);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`import did not finish within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([loading, timeout]);
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
