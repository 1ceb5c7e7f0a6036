import { existsSync, realpathSync, statSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ModelConstraints } from '@reelgraph/graph';
import {
  defaultModelDirs,
  discoverModels,
  type ModelRuntime,
  modelConstraints,
  sharedRuntime,
  type VideoModel,
} from '@reelgraph/runtime';
import type { NodeContext } from '@reelgraph/sdk';
import './types';

/** The repository root (presets' assets live in `graphs/assets`). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

export function runtimeOf(ctx: NodeContext): ModelRuntime {
  return ctx.services.models ?? sharedRuntime();
}

/** Model ids for the load-model combo and what each accepts, read once when the pack loads. */
export function discoveredModels(): { ids: string[]; constraints: Record<string, ModelConstraints> } {
  const usable = discoverModels(defaultModelDirs()).filter((m) => !m.error && m.manifest);
  const constraints = Object.fromEntries(usable.map((m) => [m.id, modelConstraints(m.manifest!)]));
  return { ids: usable.length ? usable.map((m) => m.id) : ['tiny'], constraints };
}

/** Sampler widget defaults from the first model's manifest (the shipped tiny model), else generic ones. */
export function defaultSampler(): { steps: number; cfg: number; shift: number; fps: number } {
  const m = discoverModels(defaultModelDirs()).find((x) => x.manifest)?.manifest;
  return {
    steps: m?.sampler.steps ?? 20,
    cfg: m?.sampler.cfg ?? 5,
    shift: m?.sampler.shift ?? 3,
    fps: m?.video.fps ?? 8,
  };
}

export function sameModel(a: VideoModel, b: VideoModel, what: string): void {
  if (a.manifest.family !== b.manifest.family || a.latentChannels !== b.latentChannels)
    throw new Error(`${what}: models "${a.id}" and "${b.id}" do not share a latent space`);
}

/**
 * Resolves a file a load node reads. With an upload folder (server) the name must stay inside it or
 * inside the presets' `graphs/assets`; headless, relative names resolve from the working directory and
 * then the repository root.
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
  for (const base of bases) {
    const p = isAbsolute(name) ? name : resolve(base, name);
    if (!existsSync(p)) continue;
    const real = realpathSync(p);
    if (allowed && !allowed.some((root) => isInside(root, real))) {
      if (isAbsolute(name) || base !== REPO_ROOT)
        throw new Error(`"${name}" is outside the folders this server may read`);
      continue;
    }
    if (!statSync(real).isFile()) throw new Error(`"${name}" is not a file`);
    return real;
  }
  throw new Error(`File "${name}" was not found${uploads ? ' among the uploads' : ''}`);
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

/** Each segment starts with a letter, digit, "_" or "-": no absolute paths, no "..", no hidden files. */
export const PREFIX = /^[\w-][\w.-]*(\/[\w-][\w.-]*)*$/;
