import path from 'node:path';
import { SocketRegistry, type SocketType } from '@reelgraph/graph';
import {
  type AnyNodeDefinition,
  isNodeDefinition,
  isSocketTypeDefinition,
  type SocketTypeDefinition,
} from '@reelgraph/sdk';
import { discoverPacks } from './discover';
import { importModule } from './import-module';
import { packPackage } from './installed';
import { message, readManifest } from './manifest';
import { HOST_VERSION } from './version';

/** A node definition together with the pack that provided it. */
export type PackNode = AnyNodeDefinition & { readonly pack: string };

export interface PackStatus {
  name: string;
  version?: string;
  description?: string;
  /** Absolute, real path of the pack folder. */
  dir: string;
  /** `error` when anything went wrong; `nodes` still lists whatever did load (e.g. all but a duplicate). */
  status: 'loaded' | 'error';
  errors: string[];
  /** Type ids this pack provides in the result. */
  nodes: string[];
  /** The npm package the pack is (keyword `reelgraph-pack`), e.g. one installed by `reelgraph add`. */
  package?: { name: string; version: string };
}

export interface LoadPacksOptions {
  /** Folders of packs, or pack folders themselves. Earlier dirs win type-id clashes. */
  dirs: readonly string[];
  /** Defaults to this host's version; packs declare the range they support. */
  hostVersion?: string;
  /** A pack whose import has not settled by then is reported as failed. Default 30 s. */
  importTimeoutMs?: number;
}

export interface LoadPacksResult {
  nodes: Map<string, PackNode>;
  packs: PackStatus[];
  /** The built-in socket types plus those the packs declared (`defineSocketType` exports). */
  sockets: SocketRegistry;
}

/**
 * Discover, check and import every pack. A problem in one pack (missing or bad manifest, incompatible
 * version, syntax error or throw at import, nodes not matching the manifest, a type id already taken)
 * is recorded in that pack's status and never stops the others. Never throws for a pack's fault.
 */
export async function loadPacks(options: LoadPacksOptions): Promise<LoadPacksResult> {
  const hostVersion = options.hostVersion ?? HOST_VERSION;
  const timeoutMs = options.importTimeoutMs ?? 30_000;
  const nodes = new Map<string, PackNode>();
  const sockets = new SocketRegistry();
  const socketPack = new Map<string, string>();
  const packs: PackStatus[] = [];
  const packByName = new Map<string, PackStatus>();

  for (const candidate of await discoverPacks(options.dirs)) {
    const status: PackStatus = {
      name: path.basename(candidate.dir),
      dir: candidate.dir,
      status: 'error',
      errors: [],
      nodes: [],
    };
    packs.push(status);
    if ('error' in candidate) {
      status.errors.push(candidate.error);
      continue;
    }
    const npm = packPackage(candidate.dir);
    if (npm) status.package = npm;
    const found = await readManifest(candidate.dir, hostVersion);
    if (found.name) status.name = found.name;
    if (found.version) status.version = found.version;
    status.errors.push(...found.errors);
    const { manifest, entryPath } = found;
    if (!manifest || !entryPath) continue;
    status.description = manifest.description;

    const clash = packByName.get(manifest.name);
    if (clash) {
      status.errors.push(
        `a pack named "${manifest.name}" is already loaded from ${clash.dir}; this one is refused`,
      );
      continue;
    }
    packByName.set(manifest.name, status);

    let exports: Record<string, unknown>;
    try {
      exports = (await importModule(entryPath, { timeoutMs, freshUnder: candidate.dir })).exports;
    } catch (err) {
      // Paths relative to the pack: what the author needs, and no server layout in the catalog.
      const text = message(err).split(`${candidate.dir}${path.sep}`).join('');
      status.errors.push(`failed to import ${manifest.entry}: ${text}`);
      continue;
    }

    for (const t of collectSocketTypes(exports)) {
      const taken = sockets.get(t.name);
      if (!taken) {
        sockets.register(t);
        socketPack.set(t.name, manifest.name);
      } else if (!sameSocketType(taken, t)) {
        const owner = socketPack.get(t.name);
        status.errors.push(
          `socket type "${t.name}" is already ${owner ? `declared by pack "${owner}"` : 'built in'} with another colour or coercions; pack "${manifest.name}"'s is refused`,
        );
      }
    }
    const defs = collectDefinitions(exports);
    const own = checkDefinitions(defs, manifest.nodes, manifest.entry);
    if (own.errors.length > 0) {
      status.errors.push(...own.errors);
      continue;
    }
    for (const def of own.defs) {
      const type = def.schema.type;
      const taken = nodes.get(type);
      if (taken) {
        status.errors.push(
          `node type "${type}" is already provided by pack "${taken.pack}"; pack "${manifest.name}"'s "${type}" is refused`,
        );
        continue;
      }
      nodes.set(type, withPack(def, manifest.name));
      status.nodes.push(type);
    }
    if (status.errors.length === 0) status.status = 'loaded';
  }
  return { nodes, packs, sockets };
}

/** Socket type definitions among a module's exports: named exports, and arrays of them. */
function collectSocketTypes(exports: Record<string, unknown>): SocketTypeDefinition[] {
  const found = new Set<SocketTypeDefinition>();
  for (const value of Object.values(exports)) {
    if (isSocketTypeDefinition(value)) found.add(value);
    else if (Array.isArray(value)) for (const v of value) if (isSocketTypeDefinition(v)) found.add(v);
  }
  return [...found];
}

/** Two packs may both export a type (e.g. the SDK's IMAGE) as long as they agree on it. */
function sameSocketType(a: SocketType, b: SocketType): boolean {
  if (a === b) return true;
  const from = (t: SocketType) =>
    Object.keys(t.coerceFrom ?? {})
      .sort()
      .join(',');
  return a.color === b.color && from(a) === from(b) && a.description === b.description;
}

/** Node definitions among a module's exports: named exports, and arrays (e.g. `export default [...]`). */
function collectDefinitions(exports: Record<string, unknown>): AnyNodeDefinition[] {
  const found = new Set<AnyNodeDefinition>();
  for (const value of Object.values(exports)) {
    if (isNodeDefinition(value)) found.add(value);
    else if (Array.isArray(value)) for (const v of value) if (isNodeDefinition(v)) found.add(v);
  }
  return [...found];
}

function checkDefinitions(
  defs: AnyNodeDefinition[],
  declared: string[] | undefined,
  entry: string,
): { defs: AnyNodeDefinition[]; errors: string[] } {
  const errors: string[] = [];
  if (defs.length === 0) {
    errors.push(
      `${entry} exports no node definitions (export nodes made with defineNode, or a default array of them)`,
    );
    return { defs, errors };
  }
  const byType = new Map<string, AnyNodeDefinition>();
  for (const def of defs) {
    const type = def.schema.type;
    if (byType.has(type)) errors.push(`${entry} exports two different nodes with type "${type}"`);
    byType.set(type, def);
  }
  if (declared) {
    const exported = new Set(byType.keys());
    const listed = new Set(declared);
    const missing = [...listed].filter((t) => !exported.has(t));
    const extra = [...exported].filter((t) => !listed.has(t));
    if (missing.length > 0)
      errors.push(`the manifest lists nodes that ${entry} does not export: ${missing.join(', ')}`);
    if (extra.length > 0)
      errors.push(`${entry} exports nodes that the manifest does not list: ${extra.join(', ')}`);
  }
  return { defs: [...byType.values()], errors };
}

function withPack(def: AnyNodeDefinition, pack: string): PackNode {
  // Object spread keeps the definition's brand symbol, so the copy is still a node definition.
  return Object.freeze({ ...def, schema: { ...def.schema, pack }, pack });
}
