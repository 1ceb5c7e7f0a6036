import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { REPO } from './plugins-helpers';

export interface ProcessResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface ProcessOptions {
  cwd?: string;
  /** Added to the environment, which always has no REELGRAPH_NODES and no colours (plain output). */
  env?: Record<string, string>;
  /** Kill the process and reject past this many milliseconds (no limit when absent). */
  timeoutMs?: number;
}

/** Starts a command with its output collected; `done` settles when it exits. */
export function startProcess(
  cmd: string,
  args: string[],
  opts: ProcessOptions = {},
): { child: ChildProcess; done: Promise<ProcessResult> } {
  const child = spawn(cmd, args, {
    cwd: opts.cwd ?? REPO,
    env: { ...process.env, REELGRAPH_NODES: '', NO_COLOR: '1', ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d) => {
    stdout += d;
  });
  child.stderr?.on('data', (d) => {
    stderr += d;
  });
  const done = new Promise<ProcessResult>((resolve, reject) => {
    const timer =
      opts.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            child.kill('SIGKILL');
            reject(new Error(`${path.basename(cmd)} ${args.join(' ')} timed out\n${stdout}\n${stderr}`));
          }, opts.timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
  return { child, done };
}

export const runProcess = (cmd: string, args: string[], opts?: ProcessOptions): Promise<ProcessResult> =>
  startProcess(cmd, args, opts).done;

/** The CLI from its sources through tsx, as `pnpm reelgraph` runs it. */
export const CLI = path.join(REPO, 'server/src/cli.ts');
export const cliArgs = (args: string[]): string[] => ['--import', 'tsx', CLI, ...args];
