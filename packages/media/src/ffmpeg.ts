/** The ffmpeg binary (static build from @ffmpeg-installer/linux-x64, or REELGRAPH_FFMPEG / PATH) and a runner. */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
let cached: string | undefined;

export function ffmpegPath(): string {
  cached ??= findFfmpeg();
  return cached;
}

function findFfmpeg(): string {
  const env = process.env.REELGRAPH_FFMPEG;
  if (env && existsSync(env)) return env;
  try {
    const pkg = require.resolve(`@ffmpeg-installer/${process.platform}-${process.arch}/package.json`);
    const bin = join(dirname(pkg), process.platform === 'win32' ? 'ffmpeg.exe' : 'ffmpeg');
    if (existsSync(bin)) return bin;
  } catch {
    // no bundled binary for this platform
  }
  return 'ffmpeg';
}

export class FfmpegError extends Error {
  override readonly name = 'FfmpegError';
  constructor(
    message: string,
    readonly stderr: string,
  ) {
    super(message);
  }
}

export interface FfmpegResult {
  stdout: Buffer;
  stderr: string;
  code: number;
}

type RunOptions = { input?: Uint8Array; signal?: AbortSignal; allowFail?: boolean };

function start(args: string[], withInput: boolean): ChildProcess {
  return spawn(ffmpegPath(), ['-hide_banner', '-nostdin', ...args.filter((a) => a !== '-nostdin')], {
    stdio: [withInput ? 'pipe' : 'ignore', 'pipe', 'pipe'],
  });
}

/**
 * Runs ffmpeg with `args`, feeding `input` to stdin. Rejects on a non-zero exit unless `allowFail`,
 * and kills the process when `signal` aborts.
 */
export function runFfmpeg(args: string[], opts: RunOptions = {}): Promise<FfmpegResult> {
  opts.signal?.throwIfAborted();
  return collect(start(args, Boolean(opts.input)), opts);
}

/**
 * Like runFfmpeg for a stdin-to-stdout command that repeats (same arguments every time): the process
 * is taken from a standby spawned after the previous call, so its start-up (~6 ms: the fork of a large
 * Node process plus ffmpeg's own initialisation) is paid between calls, not during one. At most
 * one standby per argument list, for the last few lists used; standbys never keep the process alive.
 */
export function runFfmpegWarm(
  args: string[],
  opts: RunOptions & { input: Uint8Array },
): Promise<FfmpegResult> {
  opts.signal?.throwIfAborted();
  const key = args.join('\0');
  const waiting = standbys.get(key);
  standbys.delete(key);
  const child = waiting && waiting.exitCode === null && !waiting.killed ? waiting : start(args, true);
  if (child !== waiting) waiting?.kill('SIGKILL');
  ref(child); // a standby was unref'd while it waited
  const done = collect(child, opts);
  const refill = () => {
    if (standbys.has(key)) return;
    const next = start(args, true);
    next.on('error', () => {
      if (standbys.get(key) === next) standbys.delete(key);
    });
    next.stdin?.on('error', () => {});
    unref(next);
    standbys.set(key, next);
    while (standbys.size > MAX_STANDBYS) {
      const [oldest, proc] = standbys.entries().next().value as [string, ChildProcess];
      standbys.delete(oldest);
      proc.kill('SIGKILL');
    }
  };
  // Refill a little after this call: spawning blocks the event loop for a few ms (fork of a large
  // process), which should land after the caller has used the result, not before.
  const later = () => setTimeout(refill, REFILL_DELAY_MS).unref();
  done.then(later, later);
  return done;
}

const MAX_STANDBYS = 4;
const REFILL_DELAY_MS = 25;
// One registry per process, shared by every copy of this module (node packs are imported afresh on
// hot reload), so reloads neither duplicate standbys nor pile up exit listeners.
const REGISTRY = Symbol.for('reelgraph.ffmpeg-standbys');
const registry = globalThis as { [REGISTRY]?: Map<string, ChildProcess> };
const standbys = registry[REGISTRY] ?? createRegistry();
function createRegistry(): Map<string, ChildProcess> {
  const map = new Map<string, ChildProcess>();
  registry[REGISTRY] = map;
  process.once('exit', () => {
    for (const p of map.values()) p.kill('SIGKILL');
  });
  return map;
}

type Refable = { ref?: () => void; unref?: () => void };
function unref(p: ChildProcess): void {
  p.unref();
  for (const s of [p.stdin, p.stdout, p.stderr]) (s as Refable | null)?.unref?.();
}
function ref(p: ChildProcess): void {
  p.ref();
  for (const s of [p.stdin, p.stdout, p.stderr]) (s as Refable | null)?.ref?.();
}

function collect(child: ChildProcess, opts: RunOptions): Promise<FfmpegResult> {
  return new Promise((resolve, reject) => {
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout?.on('data', (d: Buffer) => out.push(d));
    child.stderr?.on('data', (d: Buffer) => err.push(d));
    const onAbort = () => child.kill('SIGKILL');
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    child.on('error', (e) => {
      opts.signal?.removeEventListener('abort', onAbort);
      reject(new FfmpegError(`Could not start ffmpeg (${ffmpegPath()}): ${e.message}`, ''));
    });
    child.on('close', (code) => {
      opts.signal?.removeEventListener('abort', onAbort);
      const stderr = Buffer.concat(err).toString('utf8');
      if (opts.signal?.aborted) return reject(opts.signal.reason);
      if (code !== 0 && !opts.allowFail) {
        const tail = stderr.trim().split('\n').slice(-3).join(' | ');
        return reject(new FfmpegError(`ffmpeg failed (exit ${code}): ${tail}`, stderr));
      }
      resolve({ stdout: Buffer.concat(out), stderr, code: code ?? -1 });
    });
    if (opts.input && child.stdin) {
      child.stdin.on('error', () => {
        // ffmpeg closed its input early; its exit code tells what happened
      });
      child.stdin.end(opts.input);
    }
  });
}
