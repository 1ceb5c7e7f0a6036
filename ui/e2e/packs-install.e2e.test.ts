/**
 * A graph that needs a pack from the npm registry, in the browser against the real server and a real
 * local registry (Verdaccio): the missing-nodes dialog says which pack and version, installs it on a
 * server that allows installs, and the graph then runs.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GraphDocument } from '@reelgraph/graph';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalRegistry, startRegistry } from '../../server/test/registry-helpers';
import { ensureBuilt, hasChromium, launch } from './harness';
import { dropFile, openEditor, shot } from './page';
import { REPO, type RunningServer, startServer } from './realServer';

const NODE = `import { defineNode } from '@reelgraph/sdk';
export const Hello = defineNode({
  type: 'fx.hello', title: 'Hello', category: 'fx', description: 'Says hello.',
  inputs: {}, outputs: {}, output: true,
  run: (_, ctx) => {
    ctx.artifact({ kind: 'value', value: 'hello from the registry', label: 'text' });
    return {};
  },
});
`;

describe.skipIf(!hasChromium)('installing a missing pack from the editor', () => {
  let registry: LocalRegistry;
  let server: RunningServer;
  let browser: Browser;
  let tmp: string;

  beforeAll(async () => {
    tmp = realpathSync(mkdtempSync(join(tmpdir(), 'rg-ui-packs-')));
    const env = {
      ...process.env,
      REELGRAPH_NODES: '',
      npm_config_cache: join(tmp, 'npm-cache'),
    } as NodeJS.ProcessEnv;
    [registry] = await Promise.all([startRegistry(), ensureBuilt()]);
    env.npm_config_userconfig = registry.npmrc;
    const cli = join(REPO, 'server/src/cli.ts');
    const made = spawnSync(
      process.execPath,
      ['--import', 'tsx', cli, 'create-node', 'fx', '--dir', tmp, '--no-link'],
      {
        cwd: REPO,
        env,
        encoding: 'utf8',
      },
    );
    expect(made.status, made.stderr).toBe(0);
    const src = join(tmp, 'fx');
    for (const f of ['src/repeat-text.ts', 'test/repeat-text.test.ts']) rmSync(join(src, f));
    writeFileSync(join(src, 'src', 'index.ts'), NODE);
    const pkg = JSON.parse(readFileSync(join(src, 'package.json'), 'utf8'));
    writeFileSync(join(src, 'package.json'), JSON.stringify({ ...pkg, version: '1.2.0' }));
    const published = spawnSync('npm', ['publish', '--registry', registry.url], {
      cwd: src,
      env,
      encoding: 'utf8',
    });
    expect(published.status, published.stderr).toBe(0);
    [server, browser] = await Promise.all([
      startServer(['--allow-pack-install', '--registry', registry.url], 60_000, {
        env: { REELGRAPH_PACKS_DIR: join(tmp, 'packs'), npm_config_cache: join(tmp, 'npm-cache') },
      }),
      launch(),
    ]);
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await registry?.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('says "needs fx ^1.2.0", installs it, and the graph runs', async () => {
    const page = await openEditor(browser, server.url);
    const needy: GraphDocument = {
      version: 2,
      nodes: { h: { type: 'fx.hello', inputs: {}, meta: { position: { x: 100, y: 100 } } } },
      packs: { fx: { version: '1.2.0', package: 'reelgraph-pack-fx' } },
    };
    await dropFile(page, new TextEncoder().encode(JSON.stringify(needy)), 'needy.json', 'application/json');
    const dialog = page.getByRole('dialog', { name: /lacks/ });
    await dialog.waitFor();
    expect(await dialog.locator('[data-pack="fx"]').textContent()).toContain('needs fx ^1.2.0');
    const install = dialog.getByRole('button', { name: 'Install reelgraph-pack-fx' });
    await install.waitFor();
    await shot(page, '30-missing-pack-install');
    await install.click();
    await dialog.waitFor({ state: 'detached', timeout: 120_000 }); // nothing is missing any more
    await page.getByRole('button', { name: '▶ Run' }).click();
    await expect
      .poll(
        () =>
          page.evaluate(() => {
            const { jobs, activeJob } = window.__reelgraph.runStore.getState();
            const job = activeJob ? jobs[activeJob] : undefined;
            return job ? `${job.state} ${JSON.stringify(job.outputs)}` : 'waiting';
          }),
        { timeout: 60_000, interval: 100 },
      )
      .toMatch(/^success .*hello from the registry/);
    await shot(page, '31-installed-pack-ran');
    // The graph as run names the pack it was made with.
    const ran = await page.evaluate(() => {
      const { jobs, activeJob } = window.__reelgraph.runStore.getState();
      return activeJob ? jobs[activeJob]?.graph : undefined;
    });
    expect(ran?.packs).toEqual({ fx: { version: '1.2.0', package: 'reelgraph-pack-fx' } });
    await page.context().close();
  }, 180_000);
});
