import { existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import { mkdir, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { HOST_VERSION, loadPacks, PACK_NAME } from '@reelgraph/packs';
import { CliFailure, EXIT, type Io, REPO_ROOT, stdio, UsageError } from './cli-common';

export const CREATE_NODE_USAGE = 'reelgraph create-node <name> [--dir <folder>] [--no-link]';

const TEMPLATE_DIR = fileURLToPath(new URL('../templates/pack/', import.meta.url));
const BUILTIN_DIR = path.join(REPO_ROOT, 'nodes');

/** Host packages a pack's code and tests import, linked into its `node_modules` (no install step). */
const LINKED = [
  '@reelgraph/sdk',
  '@reelgraph/graph',
  '@reelgraph/executor',
  '@reelgraph/packs',
  'vitest',
  '@types/node',
];

export interface CreatedPack {
  dir: string;
  files: string[];
}

/**
 * `reelgraph create-node <name>`: a new pack folder `<dir>/<name>` (default `nodes/<name>`) with a
 * manifest, a typed example node and a vitest test that loads the pack and runs a graph. Refuses to
 * write into a folder that already has files. The new pack is loaded once to prove it works.
 */
export async function createNodeCommand(argv: string[], io: Io = stdio): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { dir: { type: 'string' }, 'no-link': { type: 'boolean' } },
  });
  const name = positionals[0];
  if (name === undefined || positionals.length > 1) throw new UsageError('create-node takes one pack name');
  const parent = path.resolve(values.dir ?? BUILTIN_DIR);
  const pack = await createPack(name, parent, { link: !values['no-link'] });

  const { packs } = await loadPacks({ dirs: [pack.dir] });
  const status = packs[0];
  if (status?.status !== 'loaded') {
    throw new CliFailure(
      `created ${pack.dir}, but it does not load: ${status?.errors.join('; ') ?? 'no pack'}`,
    );
  }
  const rel = (p: string) => {
    const r = path.relative(process.cwd(), p);
    return r === '' ? '.' : r.startsWith('..') ? p : r;
  };
  io.out.write(`Created node pack "${name}" in ${rel(pack.dir)}:\n`);
  for (const f of pack.files) io.out.write(`  ${f}\n`);
  io.out.write(`It loads: ${status.nodes.join(', ')}\n\nNext:\n`);
  io.out.write(`  edit ${rel(path.join(pack.dir, 'src', 'repeat-text.ts'))}\n`);
  io.out.write(`  test: pnpm vitest run --root ${rel(pack.dir)}\n`);
  if (!isInside(BUILTIN_DIR, pack.dir)) {
    io.out.write(`  load it: reelgraph serve --nodes ${rel(parent)}   (or REELGRAPH_NODES=${parent})\n`);
  } else {
    io.out.write('  load it: reelgraph serve   (packs under nodes/ are found by default)\n');
    io.out.write('  pnpm install   (adds it to the workspace and the lockfile)\n');
  }
  return EXIT.ok;
}

/** Writes the pack from `server/src/templates/pack`. Throws a UsageError or CliFailure for bad input. */
export async function createPack(
  name: string,
  parentDir: string,
  { link = true }: { link?: boolean } = {},
): Promise<CreatedPack> {
  if (!PACK_NAME.test(name)) {
    throw new UsageError(
      `"${name}" is not a valid pack name: use lowercase letters, digits, "-" and "_", starting with a letter`,
    );
  }
  const dir = path.join(parentDir, name);
  if (existsSync(dir) && readdirSync(dir).length > 0)
    throw new CliFailure(`${dir} already exists and is not empty; pick another name or folder`);
  if (existsSync(path.join(BUILTIN_DIR, name)) && !isInside(BUILTIN_DIR, dir))
    throw new CliFailure(`"${name}" is the name of a built-in pack (nodes/${name}); pick another name`);

  const inWorkspace = isInside(BUILTIN_DIR, dir);
  const [major] = HOST_VERSION.split('.');
  const vars: Record<string, string> = {
    name,
    title: name
      .split(/[-_]/)
      .filter(Boolean)
      .map((w) => w[0]!.toUpperCase() + w.slice(1))
      .join(' '),
    range: `>=${HOST_VERSION} <${Number(major) + 1}.0.0`,
    parent: parentDir,
    // Inside the repository's nodes/ the pack is a workspace package; elsewhere the links below serve.
    dependencies: inWorkspace
      ? `,\n  "dependencies": {\n    "@reelgraph/sdk": "workspace:*"\n  },\n  "devDependencies": {\n` +
        `    "@reelgraph/executor": "workspace:*",\n    "@reelgraph/packs": "workspace:*"\n  }`
      : '',
  };
  const files: string[] = [];
  for (const rel of await listTemplates(TEMPLATE_DIR)) {
    const text = (await readFile(path.join(TEMPLATE_DIR, rel), 'utf8')).replace(
      /\{\{(\w+)\}\}/g,
      (_, k: string) => vars[k] ?? '',
    );
    let out = rel.replace(/\.tmpl$/, '');
    if (out === 'gitignore') out = '.gitignore'; // dot files are not kept as templates
    await mkdir(path.dirname(path.join(dir, out)), { recursive: true });
    await writeFile(path.join(dir, out), text, { flag: 'wx' });
    files.push(out);
  }
  if (link) await linkHostPackages(dir);
  return { dir: realpathSync(dir), files: files.sort() };
}

/** `node_modules/<pkg>` → this checkout's copy, so the pack's editor types and tests work at once. */
async function linkHostPackages(dir: string): Promise<void> {
  for (const pkg of LINKED) {
    const target = packageRoot(pkg);
    if (!target) continue; // not resolvable from here: the pack's package.json still names it
    const at = path.join(dir, 'node_modules', pkg);
    await mkdir(path.dirname(at), { recursive: true });
    await symlink(target, at, 'dir');
  }
}

/** The folder of an installed package (its entry may be ESM-only or hidden by "exports"). */
function packageRoot(pkg: string): string | undefined {
  let file: string | undefined;
  for (const spec of [pkg, `${pkg}/package.json`]) {
    try {
      file = realpathSync(fileURLToPath(import.meta.resolve(spec)));
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

async function listTemplates(root: string, sub = ''): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(path.join(root, sub), { withFileTypes: true })) {
    const rel = path.join(sub, e.name);
    if (e.isDirectory()) out.push(...(await listTemplates(root, rel)));
    else if (e.name.endsWith('.tmpl')) out.push(rel);
  }
  return out;
}

function isInside(root: string, p: string): boolean {
  const rel = path.relative(path.resolve(root), path.resolve(p));
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}
