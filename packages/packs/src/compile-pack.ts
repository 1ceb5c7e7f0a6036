// Packs are TypeScript that nobody builds. The host compiles a pack's entry, with its own files and the
// workspace's `@reelgraph/*` sources, into one JavaScript module (esbuild), and reuses it until a hash of
// the files it was made from changes. Importing that module is plain Node: no loader hooks and no transform
// per file, which is most of what loading packs through tsx cost at every start.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { isBuiltin } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Plugin } from 'esbuild';
import { hostModuleUrls } from './host-modules';

/** Part of every key: change it when the build options below change. */
const RECIPE = 'reelgraph-pack-2';
const CACHE_DIR = path.join(os.tmpdir(), `reelgraph-packs-${process.getuid?.() ?? 'user'}`);

interface Stamp {
  key: string;
  /** Absolute paths of every bundled file and of every dependency the module imports. */
  inputs: string[];
  out: string;
}

export interface CompiledPack {
  /** Absolute path of the compiled module. */
  module: string;
  inputs: string[];
}

/** The compiled module for a pack entry (an absolute path): reused while its inputs hash the same. */
export async function compilePack(entry: string, packDir: string): Promise<CompiledPack> {
  const dir = path.join(CACHE_DIR, sha256(entry).slice(0, 16));
  const stampFile = path.join(dir, 'stamp.json');
  try {
    const stamp = JSON.parse(await readFile(stampFile, 'utf8')) as Stamp;
    const module = path.join(dir, stamp.out);
    if (stamp.key === (await keyOf(stamp.inputs)) && existsSync(module))
      return { module, inputs: stamp.inputs };
  } catch {
    // not compiled yet, or an unreadable stamp: compile
  }
  return build(entry, packDir, dir, stampFile);
}

async function build(entry: string, packDir: string, dir: string, stampFile: string): Promise<CompiledPack> {
  const { build: esbuild } = await import('esbuild');
  const externals = new Set<string>();
  const result = await esbuild({
    entryPoints: [entry],
    absWorkingDir: packDir,
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    sourcemap: 'inline',
    // The module lives in the cache: map its lines back to the pack's own files.
    sourceRoot: `${pathToFileURL(packDir).href}/`,
    metafile: true,
    logLevel: 'silent',
    plugins: [dependenciesStayImports(externals), ownImportMetaUrl()],
  });
  const code = result.outputFiles[0]?.text ?? '';
  const inputs = [
    ...Object.keys(result.metafile.inputs).map((f) => path.resolve(packDir, f)),
    ...externals,
  ].sort();
  const key = await keyOf(inputs);
  const out = `module-${key.slice(0, 16)}.mjs`;
  await mkdir(dir, { recursive: true });
  // Written under temporary names and renamed, so a concurrent start never reads half a file.
  const tmp = `.${process.pid}-${Date.now()}`;
  await writeFile(path.join(dir, out + tmp), code);
  await rename(path.join(dir, out + tmp), path.join(dir, out));
  await writeFile(stampFile + tmp, JSON.stringify({ key, inputs, out } satisfies Stamp));
  await rename(stampFile + tmp, stampFile);
  for (const f of await readdir(dir)) {
    if (f.startsWith('module-') && f !== out) await rm(path.join(dir, f), { force: true });
  }
  return { module: path.join(dir, out), inputs };
}

async function keyOf(inputs: readonly string[]): Promise<string> {
  const hash = createHash('sha256').update(RECIPE);
  const contents = await Promise.all(inputs.map((f) => readFile(f).catch(() => null)));
  inputs.forEach((f, i) => {
    hash.update(`\0${f}\0`);
    hash.update(contents[i] ?? '\0missing');
  });
  return hash.digest('hex');
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

const RESOLVING = Symbol('resolving');
let hostUrls: Record<string, string> | undefined;
const hostModules = () => (hostUrls ??= hostModuleUrls());

/**
 * What resolves into node_modules stays an import of that file (native modules, the host's libraries);
 * the pack's own files and workspace sources (linked packages outside node_modules) are bundled. A pack
 * outside the workspace that cannot resolve a host package (`HOST_PACKAGES`) gets the host's copy.
 */
function dependenciesStayImports(externals: Set<string>): Plugin {
  return {
    name: 'dependencies-stay-imports',
    setup(b) {
      b.onResolve({ filter: /^[^./]/ }, async (args) => {
        if (args.pluginData === RESOLVING) return undefined;
        if (isBuiltin(args.path)) return { path: args.path, external: true };
        const options = {
          kind: args.kind,
          importer: args.importer,
          resolveDir: args.resolveDir,
          pluginData: RESOLVING,
        };
        let found = await b.resolve(args.path, options);
        const host = found.errors.length > 0 ? hostModules()[args.path] : undefined;
        if (host) found = await b.resolve(fileURLToPath(host), options);
        if (found.errors.length > 0) return { errors: found.errors };
        if (!found.path.split(path.sep).includes('node_modules')) return { path: found.path };
        externals.add(found.path);
        return { path: found.path, external: true };
      });
    },
  };
}

// A pattern, not the text itself: this file is bundled by the same kind of rewrite.
const IMPORT_META_URL = /\bimport\.meta\.url\b/g;

/** Each bundled file keeps its own `import.meta.url`, so paths found relative to a module stay right. */
function ownImportMetaUrl(): Plugin {
  const loaders = {
    '.ts': 'ts',
    '.mts': 'ts',
    '.cts': 'ts',
    '.tsx': 'tsx',
    '.js': 'js',
    '.mjs': 'js',
  } as const;
  return {
    name: 'own-import-meta-url',
    setup(b) {
      b.onLoad({ filter: /\.(c|m)?[jt]sx?$/ }, async (args) => {
        const loader = loaders[path.extname(args.path) as keyof typeof loaders];
        if (!loader || args.path.split(path.sep).includes('node_modules')) return undefined;
        const text = await readFile(args.path, 'utf8');
        const url = JSON.stringify(pathToFileURL(args.path).href);
        return { contents: text.replace(IMPORT_META_URL, url), loader };
      });
    },
  };
}
