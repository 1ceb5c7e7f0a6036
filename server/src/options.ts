import { mkdirSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MarkSpec } from '@reelgraph/media';

export const SERVER_VERSION = '0.1.0';

/** The repository root (server/src/options.ts → ../..). */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface ServerOptions {
  host?: string;
  port?: number;
  /** Folders of node packs; default `<repo>/nodes`. */
  nodesDirs?: string[];
  modelsDirs?: string[];
  outputsDir?: string;
  uploadsDir?: string;
  /** SQLite and the server secret live here. */
  dataDir?: string;
  /** Preset graphs (`*.json`); default `<repo>/graphs`. */
  presetsDir?: string;
  /** Built editor to serve at `/`; default `<repo>/ui/dist` when it exists. `false` turns it off. */
  uiDir?: string | false;
  /** Required when `host` is not loopback (unless `usersFile`). */
  token?: string;
  /** Named users with hashed tokens (docs/security.md); instead of `token`. */
  usersFile?: string;
  /** Extra Host header values accepted (reverse proxies), e.g. `reelgraph.example.com`. */
  allowedHosts?: string[];
  /** Extra Origin values accepted, e.g. `https://reelgraph.example.com`. */
  allowedOrigins?: string[];
  /** Jobs run at once (default 1). */
  concurrency?: number;
  /** Upper bound (and default) of a job's run time; default 2 h. */
  jobTimeoutMs?: number;
  /** After aborting a job, how long to wait for it to stop before abandoning it. Default 5 s. */
  abortGraceMs?: number;
  /** Runs of a job interrupted by a crash before it is failed. Default 3. */
  maxAttempts?: number;
  previewIntervalMs?: number;
  progressIntervalMs?: number;
  maxBodyBytes?: number;
  maxUploadBytes?: number;
  maxImagePixels?: number;
  maxNodes?: number;
  maxQueued?: number;
  /** Finished jobs kept in the history (older ones are pruned; their files stay). Default 10,000. */
  maxHistory?: number;
  /** Submissions per minute per client address (per user with `usersFile`). */
  submitRateLimit?: number;
  uploadRateLimit?: number;
  /** Start the queue worker (default true); tests of the HTTP surface alone may turn it off. */
  runQueue?: boolean;
  /** Run packs' nodes in a child process (default) or in the server's own process. */
  isolation?: 'process' | 'inline';
  /** Load every model's sessions in the background once the node host is up (`reelgraph serve` does). */
  warmModels?: boolean;
  logger?: boolean;
  /** A prompt policy file (docs/security.md): refuse or warn on matching text inputs at submit. */
  policyFile?: string;
  /**
   * Let the editor install missing node packs from the npm registry into `dir` (a packs folder, loaded
   * like a `--nodes` folder). Off unless given. Installing needs the server's token when it has one.
   */
  packInstall?: { dir: string; registry?: string };
  /** Sign every output with a C2PA manifest (default true; docs/security.md). */
  c2pa?: boolean;
  /** PEM private key and certificate chain (leaf first) to sign with; default: a local development chain. */
  c2paKeyFile?: string;
  c2paCertFile?: string;
  /** Scale-out (docs/scale-out.md): run jobs on `reelgraph worker`s through BullMQ on this Redis. */
  redis?: string;
  /** With `redis`: the secret workers authenticate their output uploads with (16+ characters). */
  workerSecret?: string;
  /** With `redis`: this front's base URL as workers reach it; default the address it listens on. */
  publicUrl?: string;
  /** A visible mark forced on every saved output (`serve --force-mark`); default none. */
  forceMark?: MarkSpec;
}

export type ResolvedOptions = Required<
  Omit<
    ServerOptions,
    | 'token'
    | 'uiDir'
    | 'usersFile'
    | 'policyFile'
    | 'c2paKeyFile'
    | 'c2paCertFile'
    | 'redis'
    | 'workerSecret'
    | 'publicUrl'
    | 'forceMark'
    | 'packInstall'
  >
> & {
  redis: string | undefined;
  workerSecret: string | undefined;
  publicUrl: string | undefined;
  token: string | undefined;
  usersFile: string | undefined;
  packInstall: { dir: string; registry?: string } | undefined;
  policyFile: string | undefined;
  c2paKeyFile: string | undefined;
  c2paCertFile: string | undefined;
  forceMark: MarkSpec | undefined;
  uiDir: string | false;
};

export const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

export function isLoopbackHost(host: string): boolean {
  return LOOPBACK_HOSTS.has(host.toLowerCase()) || /^127(\.\d{1,3}){3}$/.test(host);
}

function realDir(dir: string): string {
  mkdirSync(dir, { recursive: true });
  return realpathSync(dir);
}

export function resolveOptions(o: ServerOptions): ResolvedOptions {
  const host = o.host ?? '127.0.0.1';
  const token = o.token && o.token.length > 0 ? o.token : undefined;
  if (token && o.usersFile) throw new Error('give either a token or a users file, not both');
  if (!isLoopbackHost(host) && !token && !o.usersFile) {
    throw new Error(
      `refusing to listen on ${host} without a token: pass --token (or REELGRAPH_TOKEN) or --users when binding beyond loopback`,
    );
  }
  if (token && token.length < 16) throw new Error('the token must be at least 16 characters');
  if (o.redis && (!o.workerSecret || o.workerSecret.length < 16)) {
    throw new Error(
      'with --redis, a worker secret of at least 16 characters is required (REELGRAPH_WORKER_SECRET)',
    );
  }
  const packInstall = o.packInstall
    ? {
        dir: realDir(o.packInstall.dir),
        ...(o.packInstall.registry ? { registry: o.packInstall.registry } : {}),
      }
    : undefined;
  const dataDir = realDir(o.dataDir ?? path.join(REPO_ROOT, '.reelgraph'));
  return {
    host,
    port: o.port ?? 8188,
    nodesDirs: withPackInstallDir(o.nodesDirs ?? [path.join(REPO_ROOT, 'nodes')], packInstall),
    modelsDirs: o.modelsDirs ?? [path.join(REPO_ROOT, 'models')],
    outputsDir: realDir(o.outputsDir ?? path.join(REPO_ROOT, 'outputs')),
    uploadsDir: realDir(o.uploadsDir ?? path.join(dataDir, 'uploads')),
    dataDir,
    presetsDir: o.presetsDir ?? path.join(REPO_ROOT, 'graphs'),
    uiDir: o.uiDir === undefined ? path.join(REPO_ROOT, 'ui', 'dist') : o.uiDir,
    token,
    usersFile: o.usersFile,
    allowedHosts: (o.allowedHosts ?? []).map((h) => h.toLowerCase()),
    allowedOrigins: (o.allowedOrigins ?? []).map((h) => h.toLowerCase().replace(/\/+$/, '')),
    concurrency: Math.max(1, o.concurrency ?? 1),
    jobTimeoutMs: o.jobTimeoutMs ?? 2 * 60 * 60 * 1000,
    abortGraceMs: o.abortGraceMs ?? 5000,
    maxAttempts: o.maxAttempts ?? 3,
    previewIntervalMs: o.previewIntervalMs ?? 100,
    progressIntervalMs: o.progressIntervalMs ?? 50,
    maxBodyBytes: o.maxBodyBytes ?? 8 * 1024 * 1024,
    maxUploadBytes: o.maxUploadBytes ?? 32 * 1024 * 1024,
    maxImagePixels: o.maxImagePixels ?? 4096 * 4096,
    maxNodes: o.maxNodes ?? 2000,
    maxQueued: o.maxQueued ?? 10_000,
    maxHistory: Math.max(1, o.maxHistory ?? 10_000),
    submitRateLimit: o.submitRateLimit ?? 300,
    uploadRateLimit: o.uploadRateLimit ?? 60,
    runQueue: o.runQueue ?? true,
    isolation: o.isolation ?? 'process',
    warmModels: o.warmModels ?? false,
    logger: o.logger ?? false,
    policyFile: o.policyFile,
    packInstall,
    c2pa: o.c2pa ?? true,
    c2paKeyFile: o.c2paKeyFile,
    c2paCertFile: o.c2paCertFile,
    redis: o.redis,
    workerSecret: o.redis ? o.workerSecret : undefined,
    publicUrl: o.publicUrl?.replace(/\/+$/, ''),
    forceMark: o.forceMark,
  };
}

/** The packs folder that installs go to is loaded too (last, like a `--nodes` folder). */
function withPackInstallDir(dirs: string[], packInstall: ResolvedOptions['packInstall']): string[] {
  if (!packInstall) return dirs;
  const resolved = dirs.map((d) => path.resolve(d));
  return resolved.includes(packInstall.dir) ? dirs : [...dirs, packInstall.dir];
}
