/**
 * The ffmpeg binary and a runner. Where ffmpeg comes from, first found wins: `REELGRAPH_FFMPEG`, the
 * static build `@ffmpeg-installer/ffmpeg` installed for this platform (an optional dependency per
 * platform, so installs work everywhere), then `ffmpeg` on the PATH (e.g. Debian's, Homebrew's).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, join } from 'node:path';

const require = createRequire(import.meta.url);
let cached: string | undefined;

export function ffmpegPath(): string {
  cached ??= locateFfmpeg();
  return cached;
}

export interface LocateFfmpegOptions {
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  /** The bundled binary's path, or undefined when this platform has none installed. */
  bundled?: () => string | undefined;
}

/** Where ffmpeg is (see the module comment); `ffmpeg` itself when none is found, so the error names it. */
export function locateFfmpeg(o: LocateFfmpegOptions = {}): string {
  const env = o.env ?? process.env;
  const platform = o.platform ?? process.platform;
  const configured = env.REELGRAPH_FFMPEG;
  if (configured && isFile(configured)) return configured;
  const bundled = (o.bundled ?? bundledFfmpeg)();
  // pnpm does not run the platform package's `chmod u+x` script; its tarball is executable already.
  if (bundled && isRunnable(bundled, platform)) return bundled;
  const name = platform === 'win32' ? 'ffmpeg.exe' : 'ffmpeg';
  return onPath(name, env.PATH ?? env.Path ?? '', platform) ?? 'ffmpeg';
}

function bundledFfmpeg(): string | undefined {
  try {
    // Throws when no platform package was installed (an unsupported platform, or optional deps skipped).
    return (require('@ffmpeg-installer/ffmpeg') as { path: string }).path;
  } catch {
    return undefined;
  }
}

function onPath(name: string, path: string, platform: NodeJS.Platform): string | undefined {
  for (const dir of path.split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    if (isRunnable(candidate, platform)) return candidate;
  }
  return undefined;
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

function isRunnable(p: string, platform: NodeJS.Platform): boolean {
  if (!isFile(p)) return false;
  if (platform === 'win32') return true;
  try {
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
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
      reject(
        new FfmpegError(
          `Could not start ffmpeg (${ffmpegPath()}): ${e.message}. Install ffmpeg (on the PATH) or set REELGRAPH_FFMPEG`,
          '',
        ),
      );
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
