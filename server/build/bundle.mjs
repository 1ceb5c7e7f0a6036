// Builds the CLI, the server and the node-host child to plain JavaScript once, so that a start does not
// transpile TypeScript (tsx stays for development, `pnpm reelgraph`, and for loading packs). The build is
// reused while a hash of every source file it was made from still matches; any edit rebuilds it on the
// next start. Plain JS on purpose: it runs before anything is built.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const SERVER_DIR = fileURLToPath(new URL('..', import.meta.url));
const REPO_ROOT = path.dirname(SERVER_DIR);
export const DIST_DIR = path.join(SERVER_DIR, 'dist');
const STAMP = 'build.json';

/** Entry points, by the name the launcher asks for. */
export const ENTRIES = {
  cli: 'src/cli.ts',
  start: 'src/commands/start.ts',
  'host-child': 'src/queue/host-child.ts',
};

/** Hash of the build recipe (this file) and of every input the last build read. */
function sourceKey(inputs) {
  const hash = createHash('sha256');
  hash.update(readFileSync(fileURLToPath(import.meta.url)));
  // Dependencies are imported by their install path, which the lockfile decides.
  hash.update(readFileSync(path.join(REPO_ROOT, 'pnpm-lock.yaml')));
  for (const file of inputs) {
    hash.update(file);
    try {
      hash.update(readFileSync(path.join(REPO_ROOT, file)));
    } catch {
      hash.update('\0missing');
    }
  }
  return hash.digest('hex');
}

/** Size and change times of the recipe, the lockfile and every input: a cheap first look before hashing. */
function statKey(inputs) {
  const files = [fileURLToPath(import.meta.url), path.join(REPO_ROOT, 'pnpm-lock.yaml')];
  for (const file of inputs) files.push(path.join(REPO_ROOT, file));
  return files
    .map((file) => {
      const s = statSync(file, { throwIfNoEntry: false });
      return s ? `${s.size}:${s.mtimeMs}:${s.ctimeMs}` : '-';
    })
    .join('|');
}

/**
 * The build folder, built first when missing or when any source changed since it was built. Hashing
 * every source costs ~25 ms a start, so it runs only when a file's size or change times differ from the
 * build's (a checkout that rewrites a file unchanged is hashed, matches, and is not rebuilt).
 */
export async function ensureBuilt({ quiet = false } = {}) {
  try {
    const stampFile = path.join(DIST_DIR, STAMP);
    const stamp = JSON.parse(readFileSync(stampFile, 'utf8'));
    const stats = statKey(stamp.inputs);
    if (stamp.stats === stats) return DIST_DIR;
    if (stamp.key === sourceKey(stamp.inputs)) {
      // Renamed into place: a start reading it at the same time never sees half a file.
      const tmpStamp = `${stampFile}.${process.pid}`;
      writeFileSync(tmpStamp, JSON.stringify({ ...stamp, stats }));
      renameSync(tmpStamp, stampFile);
      return DIST_DIR;
    }
  } catch {
    // no build yet, or an unreadable one: build
  }
  if (!quiet) process.stderr.write('reelgraph: building the CLI and server (sources changed)…\n');
  await build();
  return DIST_DIR;
}

/** Bundles into a fresh folder, then swaps it in, so a concurrent start never sees half a build. */
export async function build() {
  const { build: esbuild } = await import('esbuild');
  const tmp = `${DIST_DIR}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  const result = await esbuild({
    absWorkingDir: REPO_ROOT,
    entryPoints: Object.fromEntries(
      Object.entries(ENTRIES).map(([name, file]) => [name, path.join(SERVER_DIR, file)]),
    ),
    outdir: tmp,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    sourcemap: 'linked',
    metafile: true,
    logLevel: 'warning',
    define: { __REELGRAPH_HOST_CHILD__: JSON.stringify(path.join(DIST_DIR, 'host-child.mjs')) },
    plugins: [workspaceOnly()],
  });
  const inputs = Object.keys(result.metafile.inputs).sort();
  writeFileSync(
    path.join(tmp, STAMP),
    JSON.stringify({ key: sourceKey(inputs), stats: statKey(inputs), inputs }),
  );
  const old = `${DIST_DIR}.old-${process.pid}`;
  if (existsSync(DIST_DIR)) renameSync(DIST_DIR, old);
  mkdirSync(path.dirname(DIST_DIR), { recursive: true });
  renameSync(tmp, DIST_DIR);
  rmSync(old, { recursive: true, force: true });
}

/**
 * Bundles the workspace's own TypeScript (`@reelgraph/*` and relative imports); every other package stays
 * an import of node_modules, loaded only by the chunk that needs it. Each source file keeps its own
 * `import.meta.url`, so paths found relative to a module (the repository root, templates, loader hooks)
 * stay right inside the bundle.
 */
const SELF = Symbol('resolving');
/** Pure-JS packages bundled in anyway: loading semver's 47 CommonJS files cost ~40 ms of every start. */
const BUNDLED = new Set(['semver']);

function workspaceOnly() {
  return {
    name: 'reelgraph-workspace-only',
    setup(b) {
      // Resolved where the importer sits (pnpm gives each package only its own dependencies), then kept
      // as an import of that file.
      b.onResolve({ filter: /^[^./]/ }, async (args) => {
        if (args.path.startsWith('@reelgraph/') || args.pluginData === SELF) return undefined;
        if (args.path.startsWith('node:')) return { path: args.path, external: true };
        const found = await b.resolve(args.path, {
          kind: args.kind,
          importer: args.importer,
          resolveDir: args.resolveDir,
          pluginData: SELF,
        });
        if (found.errors.length > 0) return { errors: found.errors };
        return { path: found.path, external: !BUNDLED.has(args.path.split('/')[0]) };
      });
      b.onLoad({ filter: /\.ts$/ }, (args) => {
        const text = readFileSync(args.path, 'utf8');
        const url = JSON.stringify(pathToFileURL(args.path).href);
        return { contents: text.replace(/\bimport\.meta\.url\b/g, url), loader: 'ts' };
      });
    },
  };
}
