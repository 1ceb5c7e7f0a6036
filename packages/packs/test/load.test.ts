import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NodeContext } from '@reelgraph/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOST_VERSION, type LoadPacksResult, loadPacks, PackRegistry, type PackStatus } from '../src';

const fixtures = fileURLToPath(new URL('./fixtures', import.meta.url));
const main = path.join(fixtures, 'main');
const ctx = {} as NodeContext;

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'reelgraph-packs-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

/** Files that do not parse cannot live in the repo (the linter reads every file): write them per test. */
async function brokenPacks(): Promise<string> {
  const dir = path.join(tmp, 'broken');
  await mkdir(path.join(dir, 'broken-json'), { recursive: true });
  await writeFile(
    path.join(dir, 'broken-json', 'reelgraph.pack.json'),
    '{ "name": "broken-json", "version": ',
  );
  await mkdir(path.join(dir, 'syntax-error'), { recursive: true });
  await writeFile(
    path.join(dir, 'syntax-error', 'reelgraph.pack.json'),
    JSON.stringify({
      name: 'syntax-error',
      version: '0.1.0',
      description: 'd',
      reelgraph: '^0.1.0',
      entry: 'index.ts',
    }),
  );
  await writeFile(
    path.join(dir, 'syntax-error', 'index.ts'),
    "import { defineNode } from '@reelgraph/sdk';\nexport const X = defineNode({ type: 'x.y', title: (\n",
  );
  return dir;
}

function pack(result: LoadPacksResult, name: string): PackStatus {
  const found = result.packs.find((p) => p.name === name);
  if (!found) throw new Error(`no pack ${name} in ${result.packs.map((p) => p.name).join(', ')}`);
  return found;
}

describe('loadPacks', () => {
  let result: LoadPacksResult;
  beforeAll(async () => {
    result = await loadPacks({ dirs: [main, await brokenPacks()] });
  });

  it('loads a good TypeScript pack with no build step, tagging nodes with their pack', async () => {
    const alpha = pack(result, 'alpha');
    expect(alpha).toMatchObject({
      status: 'loaded',
      version: '1.2.0',
      errors: [],
      nodes: ['alpha.add', 'alpha.double'],
    });
    const add = result.nodes.get('alpha.add');
    expect(add?.pack).toBe('alpha');
    expect(add?.schema.pack).toBe('alpha');
    expect(await add?.run({ a: 2, b: 3 }, ctx)).toEqual({ sum: 5 });
    // A local import of the pack (./helpers.ts) is compiled too.
    expect(await result.nodes.get('alpha.double')?.run({ x: 4 }, ctx)).toEqual({ y: 8 });
  });

  it('loads a plain JS pack whose default export is an array', async () => {
    expect(pack(result, 'js-default')).toMatchObject({
      status: 'loaded',
      nodes: ['js-default.one', 'js-default.two'],
    });
  });

  it('reports an unparsable manifest', () => {
    const p = pack(result, 'broken-json');
    expect(p.status).toBe('error');
    expect(p.errors[0]).toMatch(/reelgraph\.pack\.json is not valid JSON/);
  });

  it('lists every problem of a bad manifest at once, and never imports it', () => {
    const p = pack(result, 'Bad Name');
    expect(p.status).toBe('error');
    expect(p.nodes).toEqual([]);
    const all = p.errors.join('\n');
    expect(all).toMatch(/"name" must be a lowercase id/);
    expect(all).toMatch(/"version" must be a semver version/);
    expect(all).toMatch(/"description" must be a non-empty string/);
    expect(all).toMatch(/"reelgraph" must be a semver range/);
    expect(all).toMatch(/"entry" must be a path relative to the pack folder/);
  });

  it('reports a folder without a manifest', () => {
    expect(pack(result, 'no-manifest').errors).toEqual(['no reelgraph.pack.json in the folder']);
  });

  it('refuses an entry outside the pack folder', () => {
    expect(pack(result, 'escape').errors).toEqual([
      expect.stringMatching(/"entry" must stay inside the pack folder/),
    ]);
  });

  it('reports a syntax error with the file and position', () => {
    const p = pack(result, 'syntax-error');
    expect(p.status).toBe('error');
    expect(p.errors).toHaveLength(1);
    expect(p.errors[0]).toMatch(/^failed to import index\.ts: /);
    // Located in the pack's own terms: no absolute path.
    expect(p.errors[0]).toContain('index.ts:3:0: ERROR: Unexpected end of file');
    expect(p.errors[0]).not.toContain(tmp);
  });

  it('reports a throw at import with its message', () => {
    expect(pack(result, 'throws').errors).toEqual(['failed to import index.ts: cannot find the GPU driver']);
  });

  it('refuses a pack for another Reelgraph version before importing it', () => {
    const p = pack(result, 'future');
    expect(p.errors).toEqual([
      `incompatible: the pack requires Reelgraph >=2.0.0, this is Reelgraph ${HOST_VERSION}`,
    ]);
    expect(p.version).toBe('3.0.0');
  });

  it('refuses a pack whose exports do not match its manifest, naming both sides', () => {
    const p = pack(result, 'mismatch');
    expect(p.nodes).toEqual([]);
    expect(p.errors).toEqual([
      'the manifest lists nodes that index.ts does not export: mismatch.gone',
      'index.ts exports nodes that the manifest does not list: mismatch.new',
    ]);
    expect(result.nodes.has('mismatch.one')).toBe(false);
  });

  it('refuses a pack that exports no nodes', () => {
    expect(pack(result, 'empty').errors[0]).toMatch(/exports no node definitions/);
  });

  it('refuses a duplicate type id from the later pack, naming both, and keeps its other nodes', async () => {
    const dup = pack(result, 'zz-dup');
    expect(dup.status).toBe('error');
    expect(dup.nodes).toEqual(['zz-dup.ok']);
    expect(dup.errors).toHaveLength(1);
    expect(dup.errors[0]).toContain('node type "alpha.add" is already provided by pack "alpha"');
    expect(dup.errors[0]).toContain('pack "zz-dup"\'s "alpha.add" is refused');
    // The first pack keeps its node.
    expect(result.nodes.get('alpha.add')?.pack).toBe('alpha');
    expect(await result.nodes.get('alpha.add')?.run({ a: 1, b: 1 }, ctx)).toEqual({ sum: 2 });
  });

  it('skips hidden and *.disabled folders, and lists packs in a stable order', () => {
    const names = result.packs.map((p) => p.name);
    expect(names).not.toContain('skipped.disabled');
    expect(names).not.toContain('.hidden');
    expect(names).toEqual([
      'alpha',
      'Bad Name',
      'empty',
      'escape',
      'future',
      'js-default',
      'mismatch',
      'no-manifest',
      'throws',
      'zz-dup',
      'broken-json',
      'syntax-error',
    ]);
  });

  it('accepts a dir that is itself a pack, reports a missing dir, and loads each pack once', async () => {
    const missing = path.join(tmp, 'nope');
    const r = await loadPacks({ dirs: [path.join(main, 'alpha'), missing, main] });
    expect(r.packs[0]).toMatchObject({ name: 'alpha', status: 'loaded' });
    expect(r.packs[1]).toMatchObject({ status: 'error', errors: [`pack folder ${missing} does not exist`] });
    expect(r.packs.filter((p) => p.name === 'alpha')).toHaveLength(1);
  });

  it('refuses a second pack with a name already loaded', async () => {
    const copy = path.join(tmp, 'copies', 'alpha-copy');
    await cp(path.join(main, 'alpha'), copy, { recursive: true });
    const r = await loadPacks({ dirs: [path.join(main, 'alpha'), copy] });
    expect(r.packs[1]?.status).toBe('error');
    expect(r.packs[1]?.errors[0]).toMatch(
      /a pack named "alpha" is already loaded from .*main\/alpha; this one is refused/,
    );
  });

  it('fails a pack whose import never settles, after the timeout', async () => {
    const r = await loadPacks({
      dirs: [path.join(fixtures, 'slow'), path.join(main, 'alpha')],
      importTimeoutMs: 300,
    });
    expect(r.packs[0]?.errors).toEqual(['failed to import index.ts: import did not finish within 300 ms']);
    expect(r.packs[1]?.status).toBe('loaded');
  });

  it('checks the declared range against the host version', async () => {
    const r = await loadPacks({ dirs: [path.join(main, 'alpha')], hostVersion: '1.0.0' });
    expect(r.packs[0]?.errors).toEqual([
      'incompatible: the pack requires Reelgraph >=0.1.0 <1.0.0, this is Reelgraph 1.0.0',
    ]);
  });
});

describe('packs outside the workspace', () => {
  it('resolve @reelgraph/sdk from the host', async () => {
    const dir = path.join(tmp, 'user-folder', 'mine');
    await cp(path.join(main, 'alpha'), dir, { recursive: true });
    const r = await loadPacks({ dirs: [path.join(tmp, 'user-folder')] });
    expect(r.packs[0]).toMatchObject({ name: 'alpha', status: 'loaded', errors: [] });
  });

  it('resolve the frames helpers, the media package and the model runtime from the host', async () => {
    const dir = path.join(tmp, 'user-media', 'rev');
    await mkdir(dir, { recursive: true });
    await writeFile(
      path.join(dir, 'reelgraph.pack.json'),
      JSON.stringify({
        name: 'rev',
        version: '1.0.0',
        description: 'd',
        reelgraph: '^0.1.0',
        entry: 'index.ts',
      }),
    );
    await writeFile(
      path.join(dir, 'index.ts'),
      [
        "import { defineNode, input } from '@reelgraph/sdk';",
        "import { makeFrames, sliceFrames } from '@reelgraph/sdk/frames';",
        "import { frameBytes } from '@reelgraph/media';",
        "import { numel } from '@reelgraph/runtime';",
        'export const Rev = defineNode({',
        "  type: 'rev.first', title: 'First', category: 'rev', description: 'd',",
        "  inputs: { n: input.int({ default: 2 }) }, outputs: { images: 'IMAGE', size: 'INT' },",
        '  run: ({ n }) => ({ images: sliceFrames(makeFrames(2, 2, n), 0, 1), size: frameBytes({ width: 2, height: 2 }) * numel([n]) }),',
        '});',
      ].join('\n'),
    );
    const r = await loadPacks({ dirs: [path.dirname(dir)] });
    expect(r.packs[0]).toMatchObject({ name: 'rev', status: 'loaded', errors: [] });
    const out = (await r.nodes.get('rev.first')?.run({ n: 3 }, ctx)) as {
      images: { count: number };
      size: number;
    };
    expect(out.images.count).toBe(1);
    expect(out.size).toBe(36);
  });
});

describe('PackRegistry', () => {
  it('builds the catalog with every pack and its status, without file paths', async () => {
    const registry = await PackRegistry.load({ dirs: [main] });
    const catalog = registry.toCatalog();
    expect(Object.keys(catalog.nodes).sort()).toEqual([
      'alpha.add',
      'alpha.double',
      'js-default.one',
      'js-default.two',
      'zz-dup.ok',
    ]);
    expect(catalog.nodes['alpha.add']?.pack).toBe('alpha');
    expect(catalog.types.FLOAT).toBeDefined();
    expect(catalog.packs.find((p) => p.name === 'alpha')).toEqual({
      name: 'alpha',
      version: '1.2.0',
      description: 'A good TypeScript pack',
      status: 'loaded',
      errors: [],
      nodes: ['alpha.add', 'alpha.double'],
    });
    expect(catalog.packs.find((p) => p.name === 'throws')?.status).toBe('error');
    expect(JSON.stringify(catalog.packs)).not.toContain(main);
    expect(registry.failed.map((p) => p.name)).toContain('future');
    expect(registry.get('alpha.double')?.pack).toBe('alpha');
  });

  // Without "type": "module", tsx compiles a pack's .ts files as CommonJS, which Node caches by file name.
  it.each(['commonjs', 'module'])(
    'reloads edited code of a %s pack without a restart; earlier lookups keep the old',
    async (type) => {
      const dir = path.join(tmp, `hot-${type}`, 'alpha');
      await cp(path.join(main, 'alpha'), dir, { recursive: true });
      await writeFile(path.join(dir, 'package.json'), JSON.stringify({ type }));
      const helper = path.join(dir, 'src', 'helpers.ts');
      const registry = await PackRegistry.load({ dirs: [path.dirname(dir)] });
      const before = registry.get('alpha.double');
      expect(await before?.run({ x: 5 }, ctx)).toEqual({ y: 10 });

      await writeFile(helper, 'export function double(x: number): number {\n  return x * 3;\n}\n');
      await registry.reload();
      expect(await registry.get('alpha.double')?.run({ x: 5 }, ctx)).toEqual({ y: 15 });
      expect(await before?.run({ x: 5 }, ctx)).toEqual({ y: 10 });

      await writeFile(helper, 'export function double(x: number): number {\n  return x * (;\n}\n');
      await registry.reload();
      expect(registry.packs[0]?.status).toBe('error');
      expect(registry.get('alpha.double')).toBeUndefined();
    },
  );
});
