/**
 * The pack watcher reloads for a pack's source and for nothing else: outputs, logs and clones written
 * beside (or inside) a watched pack never trigger a reload, wherever `--nodes` points.
 */
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isPackSource, type PackWatcher, watchPackDirs } from '../src/packs/watch';
import { manifest, sleep, writeFiles } from './plugins-helpers';

const PACK = {
  'fx/reelgraph.pack.json': manifest('fx'),
  'fx/index.ts': 'export {};\n',
  'fx/src/a.ts': 'export {};\n',
};

/** What a job, a log and a clone write: none of it is a pack's source. */
function writeNoise(root: string, jobs: number): void {
  for (let i = 0; i < jobs; i++) {
    writeFiles(root, {
      [`outputs/video_${i}.mp4`]: 'mp4',
      [`outputs/video_${i}.json`]: { job: i },
      'logs/server.log': `line ${i}\n`,
      [`clone/packages/x/src/file${i}.ts`]: 'export {};\n',
      [`fx/out_${i}.png`]: 'png',
      [`fx/outputs/run_${i}.webp`]: 'webp',
    });
  }
}

describe('watchPackDirs', () => {
  let root: string;
  let watcher: PackWatcher | undefined;
  let reloads: string[][];
  beforeEach(() => {
    root = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'rg-watch-')));
    writeFiles(root, PACK);
    mkdirSync(path.join(root, 'outputs'));
    reloads = [];
  });
  afterEach(() => {
    watcher?.close();
    rmSync(root, { recursive: true, force: true });
  });
  const start = (dirs: string[], ignore: string[] = []) => {
    watcher = watchPackDirs(dirs, (changed) => void reloads.push(changed), { debounceMs: 50, ignore });
  };
  /** Waits for a reload (the positive control that proves the watcher is live). */
  const reloaded = async (n: number) => {
    for (let i = 0; i < 400 && reloads.length < n; i++) await sleep(25);
    expect(reloads.length).toBe(n);
  };

  it.each([
    ['the folder holding the pack', (r: string) => r],
    ['the pack itself', (r: string) => path.join(r, 'fx')],
  ])('outputs, logs and clones written next to a pack cause 0 reloads (--nodes is %s)', async (_, dir) => {
    start([dir(root)]);
    writeNoise(root, 10);
    await sleep(1000); // several debounce periods: a reload would have happened by now
    expect(reloads).toEqual([]);
    writeFileSync(path.join(root, 'fx', 'src', 'a.ts'), 'export const a = 1;\n');
    await reloaded(1);
    expect(reloads[0]).toEqual([path.join(root, 'fx', 'src', 'a.ts')]);
    writeNoise(root, 3);
    await sleep(500);
    expect(reloads.length).toBe(1);
  });

  it('never watches the folders it is told to ignore, even inside a pack', async () => {
    start([root], [path.join(root, 'fx', 'generated')]);
    writeFiles(root, { 'fx/generated/x.json': {}, 'fx/generated/y.ts': '' });
    await sleep(600);
    expect(reloads).toEqual([]);
  });

  it('picks up a pack folder dropped in, and a manifest added to a folder that was not a pack', async () => {
    start([root]);
    writeFiles(root, { 'late/index.ts': 'export {};\n', 'late/reelgraph.pack.json': manifest('late') });
    await reloaded(1);
    writeFiles(root, { 'outputs/reelgraph.pack.json': manifest('outputs') });
    await reloaded(2);
  });

  it('counts code and JSON as source, not media, logs or editor litter', () => {
    for (const f of ['a.ts', 'b.mts', 'c.js', 'reelgraph.pack.json', 'package.json'])
      expect(isPackSource(f)).toBe(true);
    for (const f of ['a.mp4', 'b.png', 'server.log', '.a.ts.swp', 'a.ts~', '.hidden.ts'])
      expect(isPackSource(f)).toBe(false);
  });
});
