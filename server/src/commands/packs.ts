// `reelgraph add`, `remove` and `packs`: node packs from the npm registry, in the user's packs folder.
import { parseArgs } from 'node:util';
import {
  addPack,
  type InstallOptions,
  listInstalled,
  loadPacks,
  PackInstallError,
  removePack,
  userPacksDir,
} from '@reelgraph/packs';
import { CliFailure, EXIT, type Io, stdio, UsageError } from './cli-common';

const COMMON = {
  'packs-dir': { type: 'string' },
  registry: { type: 'string' },
  json: { type: 'boolean' },
} as const;

function installOptions(values: { 'packs-dir'?: string; registry?: string }, io: Io): InstallOptions {
  return {
    dir: values['packs-dir'] ?? userPacksDir(),
    ...(values.registry ? { registry: values.registry } : {}),
    onOutput: (t) => io.err.write(t),
  };
}

async function guard<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof PackInstallError) throw new CliFailure(err.message);
    throw err;
  }
}

/** `reelgraph add <name>[@range] [--allow-scripts]`: install or upgrade a pack, then load it once. */
export async function addCommand(argv: string[], io: Io = stdio): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { ...COMMON, 'allow-scripts': { type: 'boolean' } },
  });
  if (positionals.length !== 1) throw new UsageError('add takes one package: <name>[@range]');
  const o = { ...installOptions(values, io), allowScripts: values['allow-scripts'] === true };
  const added = await guard(() => addPack(positionals[0]!, o));
  const { packs } = await loadPacks({ dirs: [added.dir] });
  const status = packs[0];
  if (status?.status !== 'loaded')
    throw new CliFailure(
      `installed ${added.package}@${added.version}, but it does not load: ${status?.errors.join('; ')}`,
    );
  if (values.json) io.out.write(`${JSON.stringify({ ...added, nodes: status.nodes })}\n`);
  else
    io.out.write(
      `Added ${added.package}@${added.version} (pack "${added.pack}": ${status.nodes.join(', ')})\n` +
        `  into ${o.dir}, integrity ${added.integrity}\n`,
    );
  return EXIT.ok;
}

/** `reelgraph remove <name>`. */
export async function removeCommand(argv: string[], io: Io = stdio): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: COMMON });
  if (positionals.length !== 1) throw new UsageError('remove takes one package name');
  await guard(() => removePack(positionals[0]!, installOptions(values, io)));
  if (!values.json) io.out.write(`Removed ${positionals[0]}\n`);
  return EXIT.ok;
}

/** `reelgraph packs`: what is installed, and whether each loads. */
export async function packsCommand(argv: string[], io: Io = stdio): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: COMMON });
  if (positionals.length > 0) throw new UsageError('packs takes no arguments');
  const dir = values['packs-dir'] ?? userPacksDir();
  const installed = listInstalled(dir);
  const { packs } = await loadPacks({ dirs: installed.map((p) => p.dir) });
  const rows = installed.map((p, i) => ({
    ...p,
    status: packs[i]?.status ?? 'error',
    errors: packs[i]?.errors ?? [],
    nodes: packs[i]?.nodes ?? [],
  }));
  if (values.json) {
    io.out.write(`${JSON.stringify({ dir, packs: rows })}\n`);
    return EXIT.ok;
  }
  if (rows.length === 0) io.out.write(`No packs installed in ${dir} (add one: reelgraph add <name>)\n`);
  for (const r of rows) {
    io.out.write(`${r.package}@${r.version}  pack "${r.pack}"  ${r.status}  ${r.nodes.join(', ')}\n`);
    for (const e of r.errors) io.out.write(`    ${e}\n`);
  }
  return EXIT.ok;
}
