import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { FIXTURE_PACKS, REPO } from './helpers';

export const WORKER_SECRET = 'test-worker-secret-0123456789';

/** Debian's redis-server, when installed (CI installs it: .ci/run). */
export function hasRedisServer(): boolean {
  try {
    execFileSync('redis-server', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** A process that has printed `ready` on stdout (or fails after `timeoutMs`). */
function waitForLine(child: ChildProcess, ready: RegExp, what: string, timeoutMs = 60_000): Promise<void> {
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} did not start:\n${out}`)), timeoutMs);
    const onData = (d: Buffer) => {
      out += d;
      if (ready.test(out)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (d: Buffer) => {
      out += d;
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited (${code}) before it was ready:\n${out}`));
    });
  });
}

export interface TestRedis {
  url: string;
  /** Stop it (SIGTERM: with appendonly it syncs first) and start it again on the same port and folder. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** Its own redis-server on a free port in a temp folder; no persistence unless `appendonly`. */
export async function startRedis(opts: { appendonly?: boolean } = {}): Promise<TestRedis> {
  const dir = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'rg-redis-')));
  const port = await freePort();
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', ''];
  args.push('--appendonly', opts.appendonly ? 'yes' : 'no');
  const launch = async () => {
    const c = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    await waitForLine(c, /Ready to accept connections/, 'redis-server');
    return c;
  };
  let child = await launch();
  const halt = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await gone;
    }
  };
  return {
    url: `redis://127.0.0.1:${port}`,
    async restart() {
      await halt();
      child = await launch();
    },
    async stop() {
      await halt();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface TestWorker {
  child: ChildProcess;
  output(): string;
  /** SIGTERM and wait; a worker already killed is fine. */
  stop(): Promise<void>;
}

/**
 * `reelgraph worker` as its own process (tsx), with the test packs (or the packs under `nodes`) and
 * quick stalled-job checks.
 */
export async function startWorker(
  redisUrl: string,
  name: string,
  scratch: string,
  extra: string[] = [],
  nodes = FIXTURE_PACKS,
  /** A busy machine can take minutes to start one (it warms its models first). */
  startTimeoutMs = 180_000,
): Promise<TestWorker> {
  const cli = path.join(REPO, 'server', 'src', 'cli.ts');
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      cli,
      'worker',
      '--redis',
      redisUrl,
      '--name',
      name,
      '--nodes',
      nodes,
      '--scratch',
      path.join(scratch, name),
      '--lock-ms',
      '3000',
      '--stalled-interval-ms',
      '1000',
      ...extra,
    ],
    {
      cwd: REPO,
      env: { ...process.env, REELGRAPH_NODES: '', NO_COLOR: '1', REELGRAPH_WORKER_SECRET: WORKER_SECRET },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  child.stdout?.on('data', (d) => {
    out += d;
  });
  child.stderr?.on('data', (d) => {
    out += d;
  });
  await waitForLine(child, /takes jobs from/, `worker ${name}`, startTimeoutMs);
  return {
    child,
    output: () => out,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await gone;
    },
  };
}

export interface TestFront {
  child: ChildProcess;
  url: string;
}

/** `reelgraph serve --redis` as its own process (so a test can kill -9 it), with the test packs. */
export async function startFront(redisUrl: string, root: string): Promise<TestFront> {
  const port = await freePort();
  const cli = path.join(REPO, 'server', 'src', 'cli.ts');
  const dirs = ['data', 'outputs', 'uploads'].flatMap((d) => [`--${d}`, path.join(root, d)]);
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', cli, 'serve', '--redis', redisUrl, '--port', String(port), '--no-c2pa', ...dirs],
    {
      cwd: REPO,
      env: {
        ...process.env,
        REELGRAPH_NODES: FIXTURE_PACKS,
        NO_COLOR: '1',
        REELGRAPH_WORKER_SECRET: WORKER_SECRET,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  await waitForLine(child, /Reelgraph is running at/, 'front');
  return { child, url: `http://127.0.0.1:${port}` };
}
