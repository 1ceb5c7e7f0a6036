/** Packs declare their own socket types (name, colour, coercions); the graph package builds in only primitives. */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Executor } from '@reelgraph/executor';
import { SocketRegistry } from '@reelgraph/graph';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPacks, PackRegistry } from '../src';

const REPO = fileURLToPath(new URL('../../..', import.meta.url));
let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'reelgraph-sockets-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

async function writePack(root: string, name: string, body: string[]): Promise<void> {
  const dir = path.join(root, name);
  await mkdir(dir, { recursive: true });
  await writeFile(
    path.join(dir, 'reelgraph.pack.json'),
    JSON.stringify({ name, version: '1.0.0', description: 'd', reelgraph: '^0.1.0', entry: 'index.ts' }),
  );
  await writeFile(path.join(dir, 'index.ts'), body.join('\n'));
}

describe('socket types from packs', () => {
  it('the graph package builds in only the primitive types', () => {
    expect(Object.keys(new SocketRegistry().toJSON()).sort()).toEqual([
      '*',
      'BOOLEAN',
      'FLOAT',
      'INT',
      'STRING',
    ]);
  });

  it('registers a pack’s types with colour and coercions: in the catalog and in the executor', async () => {
    const root = path.join(tmp, 'units');
    await writePack(root, 'units', [
      "import { defineNode, defineSocketType, input } from '@reelgraph/sdk';",
      "export const Metres = defineSocketType({ name: 'METRES', color: '#123456', description: 'Length' });",
      'export const Feet = defineSocketType({',
      "  name: 'FEET', color: '#abc', coerceFrom: { METRES: (v) => (v as number) * 3.28084 },",
      '});',
      'export const Make = defineNode({',
      "  type: 'units.make', title: 'Make', category: 'u', description: 'd',",
      "  inputs: { m: input.float({ default: 2 }) }, outputs: { length: 'METRES' },",
      '  run: ({ m }) => ({ length: m }),',
      '});',
      'export const Show = defineNode({',
      "  type: 'units.show', title: 'Show', category: 'u', description: 'd', output: true,",
      "  inputs: { feet: input.socket('FEET') }, outputs: { feet: 'FLOAT' },",
      "  run: ({ feet }, ctx) => (ctx.artifact({ kind: 'value', value: feet as number }), { feet: feet as number }),",
      '});',
    ]);
    const registry = await PackRegistry.load({ dirs: [root] });
    expect(registry.packs[0]).toMatchObject({ status: 'loaded', errors: [] });
    const catalog = registry.toCatalog();
    expect(catalog.types.METRES).toEqual({ color: '#123456', description: 'Length', accepts: [] });
    expect(catalog.types.FEET).toEqual({ color: '#abc', accepts: ['METRES'] });
    const executor = new Executor({ nodes: registry, catalog, sockets: registry.sockets });
    const r = await executor.run({
      version: 1,
      nodes: {
        a: { type: 'units.make', inputs: { m: 2 } },
        b: { type: 'units.show', inputs: { feet: ['a', 'length'] } },
      },
    });
    expect(r.status, JSON.stringify(r.errors)).toBe('success');
    expect(r.outputs.b?.feet).toBeCloseTo(6.56168);
  });

  it('refuses a later pack’s conflicting declaration, and accepts an identical one', async () => {
    const root = path.join(tmp, 'clash');
    const node = (pack: string) => [
      `export const N = defineNode({ type: '${pack}.n', title: 'N', category: 'c', description: 'd',`,
      "  inputs: {}, outputs: { x: 'THING' }, run: () => ({ x: 1 }) });",
    ];
    const head = "import { defineNode, defineSocketType } from '@reelgraph/sdk';";
    await writePack(root, 'a-first', [
      head,
      "export const T = defineSocketType({ name: 'THING', color: '#111111' });",
      ...node('a-first'),
    ]);
    await writePack(root, 'b-same', [
      head,
      "export const T = defineSocketType({ name: 'THING', color: '#111111' });",
      ...node('b-same'),
    ]);
    await writePack(root, 'c-other', [
      head,
      "export const T = defineSocketType({ name: 'THING', color: '#222222' });",
      ...node('c-other'),
    ]);
    const r = await loadPacks({ dirs: [root] });
    expect(r.packs.map((p) => [p.name, p.status])).toEqual([
      ['a-first', 'loaded'],
      ['b-same', 'loaded'],
      ['c-other', 'error'],
    ]);
    expect(r.packs[2]?.errors.join()).toMatch(/"THING" is already declared by pack "a-first"/);
    expect(r.sockets.get('THING')?.color).toBe('#111111');
  });

  it('the video and grade packs bring the generation types, sharing IMAGE', async () => {
    const r = await loadPacks({ dirs: ['video', 'grade'].map((p) => path.join(REPO, 'nodes', p)) });
    expect(r.packs.map((p) => [p.name, p.errors])).toEqual([
      ['video', []],
      ['grade', []],
    ]);
    const types = Object.keys(r.sockets.toJSON());
    for (const t of ['TEXT_ENCODER', 'DIT', 'VAE', 'CONDITIONING', 'LATENT', 'NOISE', 'IMAGE'])
      expect(types).toContain(t);
  });
});
