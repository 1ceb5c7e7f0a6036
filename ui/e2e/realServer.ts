/** Start the real Reelgraph server (`reelgraph serve --port 0`) on throwaway data folders for browser tests. */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { UI_DIR } from './harness';

export const REPO = resolve(UI_DIR, '..');

export interface RunningServer {
  url: string;
  dir: string;
  /** Stop the server; `keep` leaves its data folders for a restart (`startServer(…, { dir })`). */
  close(keep?: boolean): Promise<void>;
}

/** `at` restarts on an earlier server's folders and port: the same origin, the same history. */
export async function startServer(
  extraArgs: string[] = [],
  timeoutMs = 60_000,
  at: { dir?: string; port?: number; env?: Record<string, string> } = {},
): Promise<RunningServer> {
  const dir = at.dir ?? mkdtempSync(join(tmpdir(), 'reelgraph-ui-e2e-'));
  const child: ChildProcess = spawn(
    join(REPO, 'node_modules', '.bin', 'tsx'),
    [
      'server/src/cli.ts',
      'serve',
      '--port',
      String(at.port ?? 0),
      '--data',
      join(dir, 'data'),
      '--outputs',
      join(dir, 'outputs'),
      ...extraArgs,
    ],
    { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_ENV: 'test', ...at.env } },
  );
  let log = '';
  const url = await new Promise<string>((ok, fail) => {
    const timer = setTimeout(
      () => fail(new Error(`server did not start in ${timeoutMs} ms:\n${log}`)),
      timeoutMs,
    );
    const onData = (b: Buffer) => {
      log += b.toString();
      const m = /running at (http:\/\/[^\s/]+)/.exec(log);
      if (m) {
        clearTimeout(timer);
        ok(m[1]!);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`server exited with ${code}:\n${log}`));
    });
  });
  return {
    url,
    dir,
    close: async (keep = false) => {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      if (!keep) rmSync(dir, { recursive: true, force: true });
    },
  };
}
