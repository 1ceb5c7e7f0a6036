/** A real npm registry (Verdaccio, from the lockfile) on a free port in a temp folder, for pack tests. */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

export interface LocalRegistry {
  url: string;
  /** An npm user config with this registry and a publish token. */
  npmrc: string;
  close(): Promise<void>;
}

export async function startRegistry(): Promise<LocalRegistry> {
  const root = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'rg-registry-')));
  const config = path.join(root, 'config.yaml');
  writeFileSync(
    config,
    [
      `storage: ${path.join(root, 'storage')}`,
      'auth:',
      `  htpasswd: { file: ${path.join(root, 'htpasswd')}, max_users: 10 }`,
      'uplinks: {}', // nothing from the public registry: only what the test publishes exists
      'packages:',
      "  '**': { access: $all, publish: $authenticated, unpublish: $authenticated }",
      'log: { type: stdout, format: pretty, level: warn }',
    ].join('\n'),
  );
  mkdirSync(path.join(root, 'storage'));
  const verdaccio = pathToFileURL(createRequire(import.meta.url).resolve('verdaccio')).href;
  const script =
    `const { runServer } = await import(${JSON.stringify(verdaccio)});` +
    `const app = await runServer(${JSON.stringify(config)});` +
    "const s = app.listen(0, '127.0.0.1', () => console.log('PORT ' + s.address().port));";
  const child: ChildProcess = spawn(process.execPath, ['--input-type=module', '-e', script], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`verdaccio did not start:\n${log}`)), 60_000);
    child.stdout!.on('data', (d) => {
      log += d;
      const m = /PORT (\d+)/.exec(log);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    child.stderr!.on('data', (d) => {
      log += d;
    });
    child.on('exit', (code) => reject(new Error(`verdaccio exited (${code}):\n${log}`)));
  });
  const url = `http://127.0.0.1:${port}/`;
  const res = await fetch(`${url}-/user/org.couchdb.user:tester`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'tester', password: 'a-test-password' }),
  });
  const { token } = (await res.json()) as { token: string };
  const npmrc = path.join(root, 'npmrc');
  writeFileSync(npmrc, `registry=${url}\n//127.0.0.1:${port}/:_authToken=${token}\n`);
  return {
    url,
    npmrc,
    async close() {
      child.kill('SIGTERM');
      rmSync(root, { recursive: true, force: true });
    },
  };
}
