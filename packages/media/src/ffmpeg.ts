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
