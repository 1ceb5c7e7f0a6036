import { existsSync, realpathSync, statSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ModelConstraints } from '@reelgraph/graph';
import {
  type DiscoveredModel,
  type ModelRuntime,
  modelConstraints,
  sharedRuntime,
  type VideoModel,
} from '@reelgraph/runtime';
import type { NodeContext, NodeServices } from '@reelgraph/sdk';
import './types';

/** The repository root (presets' assets live in `graphs/assets`). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

export function runtimeOf(ctx: NodeContext): ModelRuntime {
  return ctx.services.models ?? sharedRuntime();
}

/** What the host's model runtime finds now (the shared one on a bare host). */
function modelsOn(services: Partial<NodeServices>): DiscoveredModel[] {
  return (services.models ?? sharedRuntime()).list();
}

/** Model ids for the load-model combo, from the models the host can see. */
export function modelIds(services: Partial<NodeServices>): string[] {
  return modelsOn(services)
    .filter((m) => !m.error)
    .map((m) => m.id);
}

/** What each usable model accepts (resolutions, frame rule, vocabulary), for the load-model combo. */
export function modelConstraintsOn(services: Partial<NodeServices>): Record<string, ModelConstraints> {
  return Object.fromEntries(
    modelsOn(services)
      .filter((m) => m.manifest && !m.error)
      .map((m) => [m.id, modelConstraints(m.manifest!)]),
  );
}

/** Sampler widget defaults from the host's first usable model's manifest, else generic ones. */
export function samplerDefaults(services: Partial<NodeServices>): {
  steps: number;
  cfg: number;
  shift: number;
} {
  const m = modelsOn(services).find((x) => x.manifest && !x.error)?.manifest;
  return {
    steps: m?.sampler.steps ?? 20,
    cfg: m?.sampler.cfg ?? 5,
    shift: m?.sampler.shift ?? 3,
  };
}

export function sameModel(a: VideoModel, b: VideoModel, what: string): void {
  if (a.manifest.family !== b.manifest.family || a.latentChannels !== b.latentChannels)
    throw new Error(`${what}: models "${a.id}" and "${b.id}" do not share a latent space`);
}

/**
 * Resolves a file a load node reads. With an upload folder (server) the name must stay inside it or
 * inside the presets' `graphs/assets`; headless, relative names resolve from the working directory and
 * then the repository root. A server answers one message for "missing", "outside" and "not a file", so
 * that a client cannot probe which files exist on the machine.
 */
export function resolveInputFile(name: string, ctx: Pick<NodeContext, 'services'>): string {
  if (!name) throw new Error('No file given');
  const uploads = ctx.services.uploadDir;
  const assets = resolve(REPO_ROOT, 'graphs/assets');
  // Where a relative name may live; with an upload folder, presets name assets from the repository root.
  const bases = uploads ? [uploads, REPO_ROOT, assets] : [process.cwd(), REPO_ROOT];
  const allowed = uploads
    ? [uploads, assets].filter((r) => existsSync(r)).map((r) => realpathSync(r))
    : undefined;
  for (const base of isAbsolute(name) ? [''] : bases) {
    const p = resolve(base, name);
    if (!existsSync(p)) continue;
    const real = realpathSync(p);
    if (allowed && !allowed.some((root) => isInside(root, real))) continue;
    if (!statSync(real).isFile()) {
      if (allowed) continue;
      throw new Error(`"${name}" is not a file`);
    }
    return real;
  }
  throw new Error(
    uploads
      ? `File "${name}" was not found among the uploads and preset assets`
      : `File "${name}" was not found`,
  );
}

function isInside(root: string, p: string): boolean {
  const rel = relative(root, p);
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
}

/** Cache fingerprint of an input file: changes when the file does. */
export function fileFingerprint(name: unknown): string {
  if (typeof name !== 'string' || !name) return 'none';
  for (const root of [process.cwd(), REPO_ROOT]) {
    const p = isAbsolute(name) ? name : resolve(root, name);
    try {
      const s = statSync(p);
      return `${p}:${s.size}:${s.mtimeMs}`;
    } catch {
      // try the next root
    }
  }
  return `missing:${name}`;
}
