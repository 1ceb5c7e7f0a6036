/**
 * Packs from a real npm registry (Verdaccio on a free port): publish a pack made by create-node,
 * `reelgraph add` it (lockfile, integrity, no install scripts), load it, run a graph that needs it,
 * upgrade it, install it from the server as the missing-nodes dialog does, and remove it.
 */
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type ReelgraphApp } from '../src/index';
import { addUser } from '../src/security/users';
import { CORE, REPO } from './plugins-helpers';
import { type LocalRegistry, startRegistry } from './registry-helpers';
import { cliArgs, runProcess } from './run-process';

const run = (cmd: string, args: string[], cwd: string, env: Record<string, string> = {}) =>
  runProcess(cmd, args, { cwd, env, timeoutMs: 120_000 });

/** The pack's node: an output node that shows `hello <word>`. */
const helloNode = (word: string) => `import { defineNode } from '@reelgraph/sdk';
export const Hello = defineNode({
  type: 'fx.hello', title: 'Hello', category: 'fx', description: 'Says hello.',
  inputs: {}, outputs: { text: 'STRING' }, output: true,
  run: (_, ctx) => {
    const text = 'hello ${word}';
    ctx.artifact({ kind: 'value', value: text, label: 'text' });
    return { text };
  },
});
`;

const GRAPH = {
  version: 1,
  nodes: { h: { type: 'fx.hello', inputs: {} } },
  packs: { fx: { version: '1.0.0', package: 'reelgraph-pack-fx' } },
};

describe('packs from the npm registry', () => {
  let registry: LocalRegistry;
  let tmp: string;
  let src: string;
  let packsDir: string;
  let env: Record<string, string>;
  const reelgraph = (args: string[]) => run(process.execPath, cliArgs(args), REPO, env);
  const publish = async (version: string, word: string) => {
    const pkgFile = path.join(src, 'package.json');
    const pkg = JSON.parse(readFileSync(pkgFile, 'utf8'));
    pkg.version = version;
    // Proves install scripts do not run: it would leave a file in the installed package.
    pkg.scripts.postinstall = "node -e \"require('fs').writeFileSync('SCRIPT_RAN', '')\"";
    writeFileSync(pkgFile, JSON.stringify(pkg, null, 2));
    writeFileSync(path.join(src, 'src', 'index.ts'), helloNode(word));
    const out = await run('npm', ['publish', '--registry', registry.url], src, env);
    expect(out.code, out.stdout + out.stderr).toBe(0);
  };

  beforeAll(async () => {
    registry = await startRegistry();
    tmp = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'rg-npm-packs-')));
    packsDir = path.join(tmp, 'packs');
    env = {
      REELGRAPH_PACKS_DIR: packsDir,
      npm_config_userconfig: registry.npmrc,
      npm_config_cache: path.join(tmp, 'npm-cache'),
    };
    const made = await reelgraph(['create-node', 'fx', '--dir', tmp, '--no-link']);
    expect(made.code, made.stderr).toBe(0);
    src = path.join(tmp, 'fx');
    for (const f of ['src/repeat-text.ts', 'test/repeat-text.test.ts']) rmSync(path.join(src, f));
  }, 180_000);
  afterAll(async () => {
    await registry?.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('publish → add → load → run → upgrade → remove', { timeout: 300_000 }, async () => {
    await publish('1.0.0', 'v1');

    const added = await reelgraph(['add', 'reelgraph-pack-fx@^1.0.0', '--registry', registry.url]);
    expect(added.code, added.stderr).toBe(0);
    expect(added.stdout).toContain('Added reelgraph-pack-fx@1.0.0 (pack "fx": fx.hello)');
    const installed = path.join(packsDir, 'node_modules', 'reelgraph-pack-fx');
    expect(existsSync(path.join(installed, 'SCRIPT_RAN'))).toBe(false); // no install scripts
    const lock = JSON.parse(readFileSync(path.join(packsDir, 'package-lock.json'), 'utf8'));
    expect(lock.packages['node_modules/reelgraph-pack-fx']).toMatchObject({
      version: '1.0.0',
      integrity: expect.stringMatching(/^sha512-/),
    });
    expect(JSON.parse(readFileSync(path.join(packsDir, 'package.json'), 'utf8')).dependencies).toEqual({
      'reelgraph-pack-fx': '^1.0.0',
    });

    const listed = JSON.parse((await reelgraph(['packs', '--json'])).stdout);
    expect(listed.packs).toMatchObject([
      { package: 'reelgraph-pack-fx', version: '1.0.0', pack: 'fx', status: 'loaded', nodes: ['fx.hello'] },
    ]);

    const graph = path.join(tmp, 'graph.json');
    writeFileSync(graph, JSON.stringify(GRAPH));
    const runGraph = () => reelgraph(['run', graph, '--json', '--outputs', path.join(tmp, 'out')]);
    const first = await runGraph();
    expect(first.code, first.stderr).toBe(0);
    expect(JSON.stringify(JSON.parse(first.stdout))).toContain('hello v1');

    await publish('1.1.0', 'v2');
    const upgraded = await reelgraph(['add', 'reelgraph-pack-fx@^1.1.0', '--registry', registry.url]);
    expect(upgraded.code, upgraded.stderr).toBe(0);
    expect(upgraded.stdout).toContain('Added reelgraph-pack-fx@1.1.0');
    expect(JSON.stringify(JSON.parse((await runGraph()).stdout))).toContain('hello v2');

    const removed = await reelgraph(['remove', 'reelgraph-pack-fx']);
    expect(removed.code, removed.stderr).toBe(0);
    expect(JSON.parse((await reelgraph(['packs', '--json'])).stdout).packs).toEqual([]);
    const gone = await runGraph();
    expect(gone.code).toBe(1);
    expect(gone.stdout + gone.stderr).toContain('fx.hello');
  });

  it('refuses a package that is not a pack, and leaves the packs folder as it was', {
    timeout: 120_000,
  }, async () => {
    const lib = path.join(tmp, 'plain-lib');
    rmSync(lib, { recursive: true, force: true });
    mkdirSync(lib, { recursive: true });
    writeFileSync(path.join(lib, 'package.json'), JSON.stringify({ name: 'plain-lib', version: '1.0.0' }));
    writeFileSync(path.join(lib, 'index.js'), 'export {};\n');
    expect((await run('npm', ['publish', '--registry', registry.url], lib, env)).code).toBe(0);
    const before = existsSync(path.join(packsDir, 'package.json'))
      ? readFileSync(path.join(packsDir, 'package.json'), 'utf8')
      : undefined;
    const refused = await reelgraph(['add', 'plain-lib', '--registry', registry.url]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('plain-lib is not a Reelgraph node pack');
    const after = existsSync(path.join(packsDir, 'package.json'))
      ? readFileSync(path.join(packsDir, 'package.json'), 'utf8')
      : undefined;
    expect(after).toBe(before);
    expect(existsSync(path.join(packsDir, 'node_modules', 'plain-lib'))).toBe(false);
  });

  describe('installing from the server (the missing-nodes dialog)', () => {
    let server: ReelgraphApp | undefined;
    afterAll(async () => server?.close());

    const start = async (packInstall: boolean, usersFile?: string) => {
      await server?.close();
      const root = mkdtempSync(path.join(tmp, 'server-'));
      server = await buildApp({
        port: 0,
        dataDir: path.join(root, 'data'),
        outputsDir: path.join(root, 'outputs'),
        nodesDirs: [CORE],
        modelsDirs: [],
        uiDir: false,
        isolation: 'inline',
        ...(usersFile ? { usersFile } : {}),
        ...(packInstall ? { packInstall: { dir: path.join(root, 'packs'), registry: registry.url } } : {}),
      });
      const url = await server.listen();
      const { csrfToken } = (await (await fetch(`${url}/api/session`)).json()) as { csrfToken: string };
      const post = async (route: string, body: unknown, token?: string) => {
        const r = await fetch(`${url}${route}`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'x-reelgraph-csrf': csrfToken,
            ...(token ? { authorization: `Bearer ${token}` } : {}),
          },
          body: JSON.stringify(body),
        });
        return { status: r.status, body: (await r.json()) as any };
      };
      return { url, post };
    };

    it('is off unless the server allows it', { timeout: 60_000 }, async () => {
      const { post, url } = await start(false);
      expect(((await (await fetch(`${url}/api/system`)).json()) as any).packInstall).toBe(false);
      const r = await post('/api/packs/install', { package: 'reelgraph-pack-fx', range: '^1.0.0' });
      expect(r.status).toBe(403);
      expect(r.body.error).toBe('pack_install_disabled');
    });

    it('with named users, only an admin may install', { timeout: 60_000 }, async () => {
      const file = path.join(tmp, 'users.json');
      const user = addUser(file, 'bo', false);
      const admin = addUser(file, 'root', true);
      const { post } = await start(true, file);
      const refused = await post('/api/packs/install', { package: 'no-such-pack-xyz' }, user);
      expect(refused.status).toBe(403);
      expect(refused.body.message).toBe('only an admin may install node packs');
      // The admin gets past the check (the package does not exist in the registry: npm's error).
      const missing = await post('/api/packs/install', { package: 'no-such-pack-xyz' }, admin);
      expect(missing.status).toBe(422);
      expect(missing.body.error).toBe('pack_install_failed');
    });

    it('installs the pack a graph names, reloads, and the graph runs', { timeout: 180_000 }, async () => {
      await publish('1.2.0', 'v3');
      const { post, url } = await start(true);
      expect(((await (await fetch(`${url}/api/system`)).json()) as any).packInstall).toBe(true);
      expect((await post('/api/jobs', { graph: GRAPH })).status).toBe(400); // fx.hello is missing
      const r = await post('/api/packs/install', { package: 'reelgraph-pack-fx', range: '^1.2.0' });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      expect(r.body).toMatchObject({ package: 'reelgraph-pack-fx', version: '1.2.0', pack: 'fx' });
      const catalog = (await (await fetch(`${url}/api/catalog`)).json()) as any;
      expect(catalog.nodes['fx.hello']).toMatchObject({ pack: 'fx' });
      expect(catalog.packs.find((p: any) => p.name === 'fx')).toMatchObject({
        package: { name: 'reelgraph-pack-fx', version: '1.2.0' },
      });
      const job = await post('/api/jobs', { graph: GRAPH });
      expect(job.status).toBe(201);
      let state: any;
      for (let i = 0; i < 600; i++) {
        state = await (await fetch(`${url}/api/jobs/${job.body.jobId}`)).json();
        if (['success', 'failed'].includes(state.state)) break;
        await new Promise((res) => setTimeout(res, 50));
      }
      expect(state.state).toBe('success');
      expect(JSON.stringify(state.outputs)).toContain('hello v3');
    });
  });
});
