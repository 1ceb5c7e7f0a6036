/** `reelgraph serve --dev` as a user starts it: packs from REELGRAPH_NODES, hot reload on file edits. */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { manifest, REPO, sleep, writeFiles } from './plugins-helpers';

const root = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'rg-serve-dev-')));
let proc: ChildProcess | undefined;
afterAll(async () => {
  if (proc && proc.exitCode === null) {
    const exited = new Promise((r) => proc!.once('exit', r));
    proc.kill('SIGTERM');
    await Promise.race([exited, sleep(5000)]);
    if (proc.exitCode === null) proc.kill('SIGKILL');
  }
  rmSync(root, { recursive: true, force: true });
});

const node = (title: string) =>
  "import { defineNode } from '@reelgraph/sdk';\n" +
  `export const N = defineNode({ type: 'mine.n', title: '${title}', category: 't', description: 'd', ` +
  'inputs: {}, outputs: {}, output: true, run: () => ({}) });\n';

it('serve --dev loads REELGRAPH_NODES packs next to the built-ins and reloads them on edit', {
  timeout: 90_000,
}, async () => {
  const packs = path.join(root, 'packs');
  writeFiles(packs, { 'mine/reelgraph.pack.json': manifest('mine'), 'mine/index.ts': node('First') });
  proc = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'server/src/cli.ts',
      'serve',
      '--dev',
      '--port',
      '0',
      '--data',
      path.join(root, 'data'),
      '--outputs',
      path.join(root, 'outputs'),
      '--presets',
      path.join(root, 'presets'),
    ],
    {
      cwd: REPO,
      env: { ...process.env, REELGRAPH_NODES: packs, NODE_ENV: 'test' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let log = '';
  proc.stdout!.on('data', (d) => {
    log += d;
  });
  proc.stderr!.on('data', (d) => {
    log += d;
  });
  const deadline = Date.now() + 60_000;
  let url: string | undefined;
  while (!url) {
    url = /running at (http:\/\/[^\s/]+)/.exec(log)?.[1];
    if (Date.now() > deadline || proc.exitCode !== null) throw new Error(`server did not start:\n${log}`);
    await sleep(50);
  }
  expect(log).toContain('Hot reload is on');
  const catalog = async () => (await (await fetch(`${url}/api/catalog`)).json()) as any;
  const first = await catalog();
  expect(first.nodes['mine.n']).toMatchObject({ title: 'First', pack: 'mine' });
  expect(first.nodes['core.int']).toBeDefined(); // the built-ins still load

  writeFileSync(path.join(packs, 'mine', 'index.ts'), node('Second'));
  const until = Date.now() + 20_000;
  while ((await catalog()).nodes['mine.n']?.title !== 'Second') {
    if (Date.now() > until) throw new Error(`catalog did not change:\n${log}`);
    await sleep(100);
  }
  expect(log).toMatch(/packs reloaded in \d+ ms/);
});
