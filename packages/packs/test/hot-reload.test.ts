/** PackRegistry.reload(): edits on disk take effect; definitions taken before keep their code. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { NodeContext } from '@reelgraph/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PackRegistry } from '../src/index';

const ctx = {} as NodeContext; // the node below uses no context

const entry = (suffix: string) =>
  "import { defineNode } from '@reelgraph/sdk';\n" +
  "import { base } from './base';\n" +
  `export const Say = defineNode({ type: 'hot.say', title: 'Say ${suffix}', category: 't', description: 'd', ` +
  `inputs: {}, outputs: { text: 'STRING' }, run: () => ({ text: base + '${suffix}' }) });\n`;

describe('PackRegistry.reload', () => {
  let dir: string;
  const write = (rel: string, text: string) => writeFileSync(path.join(dir, 'hot', rel), text);
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'rg-packs-hot-'));
    mkdirSync(path.join(dir, 'hot'));
    write(
      'reelgraph.pack.json',
      JSON.stringify({
        name: 'hot',
        version: '1.0.0',
        description: 'd',
        reelgraph: '>=0.1.0 <1.0.0',
        entry: 'index.ts',
      }),
    );
    write('index.ts', entry('1'));
    write('base.ts', "export const base = 'a';\n");
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('picks up edits to the entry and to modules it imports; old definitions keep the old code', async () => {
    const registry = await PackRegistry.load({ dirs: [dir] });
    const before = registry.get('hot.say')!;
    expect(await before.run({}, ctx)).toEqual({ text: 'a1' });

    write('index.ts', entry('2'));
    await registry.reload();
    expect(registry.get('hot.say')!.schema.title).toBe('Say 2');
    expect(await registry.get('hot.say')!.run({}, ctx)).toEqual({ text: 'a2' });
    expect(await before.run({}, ctx)).toEqual({ text: 'a1' }); // a running job's definition

    write('base.ts', "export const base = 'b';\n");
    await registry.reload();
    expect(await registry.get('hot.say')!.run({}, ctx)).toEqual({ text: 'b2' });
  });

  it('a broken edit makes the pack an error with the reason; the next good edit restores it', async () => {
    const registry = await PackRegistry.load({ dirs: [dir] });
    write('index.ts', 'export const = ;\n');
    await registry.reload();
    expect(registry.has('hot.say')).toBe(false);
    expect(registry.failed[0]?.errors[0]).toMatch(/failed to import index\.ts/);
    write('index.ts', entry('3'));
    await registry.reload();
    expect(registry.failed).toEqual([]);
    expect(await registry.get('hot.say')!.run({}, ctx)).toEqual({ text: 'b3' });
  });
});
