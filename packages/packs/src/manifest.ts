import { readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import semver from 'semver';
import { readPackageJson } from './installed';
import { HOST_VERSION } from './version';

export const MANIFEST_FILE = 'reelgraph.pack.json';

/** `reelgraph.pack.json`: what a pack is, which Reelgraph it runs on, and which nodes it provides. */
export interface PackManifest {
  name: string;
  version: string;
  description: string;
  /** Semver range of Reelgraph versions the pack supports, e.g. `>=0.1.0 <1.0.0`. */
  reelgraph: string;
  /** Module (TypeScript or JavaScript) inside the pack folder that exports the node definitions. */
  entry: string;
  /** When given, must list exactly the type ids the entry exports. */
  nodes?: string[];
}

/** Pack names are the namespace of their node type ids (`core` → `core.add`). */
export const PACK_NAME = /^[a-z][a-z0-9_-]*$/;

export interface ManifestResult {
  manifest?: PackManifest;
  /** Absolute, real path of the entry module (when the manifest is usable). */
  entryPath?: string;
  /** Best-effort name and version for reporting, even from a broken manifest. */
  name?: string;
  version?: string;
  errors: string[];
}

/** Read and check a pack's manifest. Never throws: every problem found is listed. */
export async function readManifest(
  packDir: string,
  hostVersion: string = HOST_VERSION,
): Promise<ManifestResult> {
  const file = path.join(packDir, MANIFEST_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
    return {
      errors: [
        missing ? `no ${MANIFEST_FILE} in the folder` : `cannot read ${MANIFEST_FILE}: ${message(err)}`,
      ],
    };
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    return { errors: [`${MANIFEST_FILE} is not valid JSON: ${message(err)}`] };
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { errors: [`${MANIFEST_FILE} must be a JSON object`] };
  }
  // A pack that is also an npm package may leave its version and description to package.json.
  const npm = readPackageJson(packDir);
  const m: Record<string, unknown> = {
    ...(npm?.version !== undefined ? { version: npm.version } : {}),
    ...(typeof npm?.description === 'string' ? { description: npm.description } : {}),
    ...(raw as Record<string, unknown>),
  };
  const errors: string[] = [];
  const out: ManifestResult = { errors };
  if (typeof m.name === 'string') out.name = m.name;
  if (typeof m.version === 'string') out.version = m.version;

  if (typeof m.name !== 'string' || !PACK_NAME.test(m.name)) {
    errors.push(
      `"name" must be a lowercase id (letters, digits, "-", "_", starting with a letter), got ${show(m.name)}`,
    );
  }
  if (typeof m.version !== 'string' || semver.valid(m.version) === null) {
    errors.push(`"version" must be a semver version such as "1.0.0", got ${show(m.version)}`);
  }
  if (typeof m.description !== 'string' || m.description.trim() === '') {
    errors.push('"description" must be a non-empty string');
  }
  if (typeof m.reelgraph !== 'string' || semver.validRange(m.reelgraph) === null) {
    errors.push(`"reelgraph" must be a semver range such as ">=0.1.0 <1.0.0", got ${show(m.reelgraph)}`);
  } else if (!semver.satisfies(hostVersion, m.reelgraph, { includePrerelease: true })) {
    errors.push(`incompatible: the pack requires Reelgraph ${m.reelgraph}, this is Reelgraph ${hostVersion}`);
  }
  if (m.nodes !== undefined && (!Array.isArray(m.nodes) || !m.nodes.every((n) => typeof n === 'string'))) {
    errors.push('"nodes" must be an array of node type ids');
  }
  if (typeof m.entry !== 'string' || m.entry === '') {
    errors.push('"entry" must be the path of the pack\'s module, e.g. "src/index.ts"');
  } else {
    const entry = await resolveEntry(packDir, m.entry);
    if (typeof entry === 'string') out.entryPath = entry;
    else errors.push(entry.error);
  }
  if (errors.length === 0) {
    out.manifest = {
      name: m.name as string,
      version: m.version as string,
      description: m.description as string,
      reelgraph: m.reelgraph as string,
      entry: m.entry as string,
      ...(m.nodes !== undefined ? { nodes: m.nodes as string[] } : {}),
    };
  }
  return out;
}

/** The entry must be a file inside the pack folder, also after following symlinks. */
async function resolveEntry(packDir: string, entry: string): Promise<string | { error: string }> {
  if (path.isAbsolute(entry))
    return { error: `"entry" must be a path relative to the pack folder, got "${entry}"` };
  const root = await realpath(packDir);
  const joined = path.resolve(root, entry);
  if (!inside(root, joined)) return { error: `"entry" must stay inside the pack folder, got "${entry}"` };
  let real: string;
  try {
    real = await realpath(joined);
  } catch {
    return { error: `entry file "${entry}" does not exist` };
  }
  if (!inside(root, real)) return { error: `"entry" must stay inside the pack folder, got "${entry}"` };
  if (!(await stat(real)).isFile()) return { error: `entry "${entry}" is not a file` };
  return real;
}

function inside(root: string, p: string): boolean {
  const rel = path.relative(root, p);
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel);
}

function show(v: unknown): string {
  return v === undefined ? 'nothing' : JSON.stringify(v);
}

export function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
