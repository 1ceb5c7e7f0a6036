import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  installedPackDirs,
  PACK_KEYWORD,
  PACKS_FOLDER_MARK,
  packPackage,
  readPackageJson,
} from './installed';
import { readManifest } from './manifest';
import { HOST_VERSION } from './version';

/** A problem installing or removing a pack: the message says what and why, for the user. */
export class PackInstallError extends Error {
  override readonly name = 'PackInstallError';
}

export interface InstallOptions {
  /** The packs folder (see `userPacksDir`). */
  dir: string;
  /** npm registry URL; default: npm's own configuration (`.npmrc`, `npm_config_registry`). */
  registry?: string;
  /** Run the install scripts of packs and their dependencies (off: npm's `--ignore-scripts`). */
  allowScripts?: boolean;
  hostVersion?: string;
  /** Output of npm, for a CLI that shows it. */
  onOutput?: (text: string) => void;
}

export interface InstalledPack {
  /** npm package name and installed version. */
  package: string;
  version: string;
  /** The pack's name (namespace of its node types), from its manifest. */
  pack: string;
  dir: string;
  /** Subresource-integrity hash npm checked the tarball against (from package-lock.json). */
  integrity?: string;
}

/** `name`, `name@range`, `@scope/name@range` → name and range. */
export function parseSpec(spec: string): { name: string; range?: string } {
  const at = spec.indexOf('@', spec.startsWith('@') ? 1 : 0);
  const name = at < 0 ? spec : spec.slice(0, at);
  const range = at < 0 ? undefined : spec.slice(at + 1);
  if (!/^(@[a-z0-9][\w.-]*\/)?[a-z0-9][\w.-]*$/.test(name))
    throw new PackInstallError(`"${spec}" is not an npm package name (optionally @version or @range)`);
  return range ? { name, range } : { name };
}

/**
 * Installs (or upgrades) a pack from the npm registry into the packs folder with npm: the lockfile
 * records it, npm checks the tarball's integrity, and no install script runs unless allowed. A package
 * that is not a pack (no `reelgraph-pack` keyword or no `reelgraph.pack.json`) or whose manifest does not
 * support this Reelgraph is refused, and the folder is put back as it was.
 */
export async function addPack(spec: string, o: InstallOptions): Promise<InstalledPack> {
  const { name } = parseSpec(spec);
  ensurePacksFolder(o.dir);
  const saved = snapshot(o.dir);
  await npm(['install', spec, '--save'], o);
  try {
    return await checkInstalled(name, o);
  } catch (err) {
    restore(o.dir, saved);
    await npm(['install'], o).catch(() => {}); // back to what the restored lockfile says
    throw err;
  }
}

/** Uninstalls a pack (by its npm name) from the packs folder. */
export async function removePack(name: string, o: InstallOptions): Promise<void> {
  parseSpec(name);
  const deps = readPackageJson(o.dir)?.dependencies ?? {};
  if (!(name in deps)) throw new PackInstallError(`"${name}" is not installed in ${o.dir}`);
  await npm(['uninstall', name], o);
}

/** The packs installed in the folder, with version and integrity from the lockfile. */
export function listInstalled(dir: string): InstalledPack[] {
  const lock = readLock(dir);
  const out: InstalledPack[] = [];
  for (const pkgDir of installedPackDirs(dir)) {
    const pkg = readPackageJson(pkgDir);
    if (!pkg?.name || !pkg.version) continue;
    let pack = pkg.name;
    try {
      pack = JSON.parse(readFileSync(path.join(pkgDir, 'reelgraph.pack.json'), 'utf8')).name ?? pack;
    } catch {
      // reported by the loader
    }
    const integrity = lock[`node_modules/${pkg.name}`]?.integrity;
    out.push({
      package: pkg.name,
      version: pkg.version,
      pack,
      dir: pkgDir,
      ...(integrity ? { integrity } : {}),
    });
  }
  return out;
}

async function checkInstalled(name: string, o: InstallOptions): Promise<InstalledPack> {
  const pkgDir = path.join(o.dir, 'node_modules', ...name.split('/'));
  if (!packPackage(pkgDir))
    throw new PackInstallError(
      `${name} is not a Reelgraph node pack (its package.json has no "${PACK_KEYWORD}" keyword)`,
    );
  const manifest = await readManifest(pkgDir, o.hostVersion ?? HOST_VERSION);
  if (!manifest.manifest) throw new PackInstallError(`${name}: ${manifest.errors.join('; ')}`);
  const found = listInstalled(o.dir).find((p) => p.package === name);
  if (!found) throw new PackInstallError(`${name} did not install into ${o.dir}`);
  if (!found.integrity) throw new PackInstallError(`${name}: the lockfile records no integrity hash`);
  return found;
}

function ensurePacksFolder(dir: string): void {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'package.json');
  if (existsSync(file)) {
    if (readPackageJson(dir)?.reelgraph?.packsFolder !== true)
      throw new PackInstallError(`${dir} has a package.json that is not a Reelgraph packs folder's`);
    return;
  }
  const pkg = {
    name: 'reelgraph-packs',
    private: true,
    description: 'Node packs installed by `reelgraph add` (edit with reelgraph add / remove).',
    reelgraph: PACKS_FOLDER_MARK,
    dependencies: {},
  };
  writeFileSync(file, `${JSON.stringify(pkg, null, 2)}\n`);
}

type Snapshot = Record<string, string | undefined>;
const TRACKED = ['package.json', 'package-lock.json'];

function snapshot(dir: string): Snapshot {
  const out: Snapshot = {};
  for (const f of TRACKED)
    out[f] = existsSync(path.join(dir, f)) ? readFileSync(path.join(dir, f), 'utf8') : undefined;
  return out;
}

function restore(dir: string, saved: Snapshot): void {
  for (const [f, text] of Object.entries(saved)) {
    if (text === undefined) rmSync(path.join(dir, f), { force: true });
    else writeFileSync(path.join(dir, f), text);
  }
}

function readLock(dir: string): Record<string, { version?: string; integrity?: string }> {
  try {
    return JSON.parse(readFileSync(path.join(dir, 'package-lock.json'), 'utf8')).packages ?? {};
  } catch {
    return {};
  }
}

/** Runs npm in the packs folder; rejects with npm's own error text when it fails. */
function npm(args: string[], o: InstallOptions): Promise<void> {
  const flags = [
    ...(o.allowScripts ? [] : ['--ignore-scripts']),
    ...(o.registry ? ['--registry', o.registry] : []),
    '--no-audit',
    '--no-fund',
    '--no-update-notifier',
  ];
  const npmCli = process.env.npm_execpath?.endsWith('npm-cli.js') ? process.env.npm_execpath : undefined;
  const [cmd, pre] = npmCli ? [process.execPath, [npmCli]] : ['npm', []];
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, [...pre, ...args, ...flags], {
      cwd: o.dir,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, npm_config_yes: 'true' },
    });
    let text = '';
    const take = (d: Buffer) => {
      text += d;
      o.onOutput?.(d.toString());
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.on('error', (err) => reject(new PackInstallError(`could not run npm: ${err.message}`)));
    child.on('close', (code) => {
      if (code === 0) resolve();
      else reject(new PackInstallError(`npm ${args[0]} failed (exit ${code}): ${lastLines(text)}`));
    });
  });
}

function lastLines(text: string): string {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
  return lines.slice(-6).join(' | ') || 'no output';
}
