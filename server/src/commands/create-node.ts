import { existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import { mkdir, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { HOST_PACKAGES, HOST_VERSION, loadPacks, PACK_NAME, packageRoot } from '@reelgraph/packs';
import { CliFailure, EXIT, type Io, REPO_ROOT, stdio, UsageError } from './cli-common';

export const CREATE_NODE_USAGE = 'reelgraph create-node <name> [--dir <folder>] [--no-link]';

const TEMPLATE_DIR = fileURLToPath(new URL('../templates/pack/', import.meta.url));
const BUILTIN_DIR = path.join(REPO_ROOT, 'nodes');

/** What a pack's tests and type check use besides the host packages its code imports (`HOST_PACKAGES`). */
const DEV_TOOLS = ['@reelgraph/executor', '@reelgraph/packs', 'vitest', 'typescript', '@types/node'];

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
  io.out.write(`  check types: npm run typecheck   (in ${rel(pack.dir)})\n`);
  if (!isInside(BUILTIN_DIR, pack.dir)) {
    // The pack's own folder: its parent may hold anything (a clone, logs, outputs), not only packs.
    io.out.write(`  load it: reelgraph serve --nodes ${rel(pack.dir)}   (or REELGRAPH_NODES=${pack.dir})\n`);
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
    dir: path.resolve(dir),
    // Inside the repository's nodes/ the pack is a workspace package; elsewhere the links below serve.
    dependencies: inWorkspace ? workspaceDependencies() : '',
    // A pack outside the repository is a publishable npm package (`npm publish`, then `reelgraph add`).
    private: inWorkspace ? '\n  "private": true,' : '',
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

/** The package.json fields of a pack inside the workspace: the host packages and tools, as pnpm installs them. */
function workspaceDependencies(): string {
  const root = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as {
    devDependencies: Record<string, string>;
  };
  const dev: Record<string, string> = {
    '@reelgraph/executor': 'workspace:*',
    '@reelgraph/packs': 'workspace:*',
  };
  for (const tool of ['vitest', 'typescript', '@types/node']) {
    const version = root.devDependencies[tool];
    if (version) dev[tool] = version;
  }
  const deps = Object.fromEntries(HOST_PACKAGES.map((p) => [p, 'workspace:*']));
  const json = JSON.stringify({ dependencies: deps, devDependencies: dev }, null, 2);
  return `,\n${json.slice(2, -2)}`;
}

/** `node_modules/<pkg>` → this checkout's copy, so the pack's types, type check and tests work at once. */
async function linkHostPackages(dir: string): Promise<void> {
  const links = [
    ...HOST_PACKAGES.map((pkg) => [pkg, packageRoot(pkg)] as const),
    ...DEV_TOOLS.map((pkg) => [pkg, packageRoot(pkg, import.meta.url)] as const),
  ];
  for (const [pkg, target] of links) {
    if (!target) continue; // not resolvable from here: the pack's package.json still names it
    const at = path.join(dir, 'node_modules', pkg);
    await mkdir(path.dirname(at), { recursive: true });
    await symlink(target, at, 'dir');
  }
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
