// The `reelgraph` command as installed (server/bin → the built server/dist), not the tsx development path.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain JS, no declarations: it runs before anything is built
import { DIST_DIR, ensureBuilt } from '../build/bundle.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const bin = path.join(root, 'node_modules/.bin/reelgraph');
const stampFile = path.join(DIST_DIR as string, 'build.json');

function reelgraph(...args: string[]) {
  return spawnSync(bin, args, {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, REELGRAPH_NODES: '', NO_COLOR: '1' },
    timeout: 120_000,
  });
}

describe('the reelgraph bin', () => {
  it('validates and runs graphs from the built JavaScript', () => {
    const valid = reelgraph('validate', 'graphs/text-to-video.json');
    expect(valid.stderr).not.toMatch(/error/i);
    expect(valid.stdout).toContain('graphs/text-to-video.json is valid: 7 nodes, 1 output node');
    expect(valid.status).toBe(0);

    const run = reelgraph('run', 'graphs/engine-math.json', '--json');
    expect(run.status).toBe(0);
    const result = JSON.parse(run.stdout) as { status: string; artifacts: Record<string, unknown> };
    expect(result.status).toBe('success');
    expect(JSON.stringify(result.artifacts)).toContain('3 red balls covering 4.5 square units');
  }, 240_000);

  it('runs text-to-video: the compiled packs find the models beside the repository', () => {
    const outputs = mkdtempSync(path.join(os.tmpdir(), 'rg-bin-'));
    try {
      const run = reelgraph(
        'run',
        'graphs/text-to-video.json',
        '--outputs',
        outputs,
        '--data',
        outputs,
        '--json',
      );
      // The one line allowed: headless runs sign with a development chain unless given a key.
      const other = run.stderr.split('\n').filter((l) => l && !l.startsWith('Content credentials:'));
      expect(other).toEqual([]);
      expect((JSON.parse(run.stdout) as { status: string }).status).toBe('success');
      expect(readdirSync(outputs).filter((f) => f.endsWith('.mp4'))).toHaveLength(1);
    } finally {
      rmSync(outputs, { recursive: true, force: true });
    }
  }, 240_000);

  it('reuses the build while its sources hash the same, and rebuilds when they do not', async () => {
    await ensureBuilt({ quiet: true });
    const built = statSync(stampFile).mtimeMs;
    await ensureBuilt({ quiet: true });
    expect(statSync(stampFile).mtimeMs).toBe(built);

    type Stamp = { key: string; stats: string; inputs: string[] };
    // A source rewritten with the same bytes (a checkout): its times differ, its hash does not, so the
    // build stays and only the recorded times are brought up to date.
    const stamp = JSON.parse(readFileSync(stampFile, 'utf8')) as Stamp;
    const cli = path.join(root, 'server', 'src', 'cli.ts');
    const later = new Date(Date.now() + 1000);
    utimesSync(cli, later, later);
    await ensureBuilt({ quiet: true });
    const touched = JSON.parse(readFileSync(stampFile, 'utf8')) as Stamp;
    expect(touched.key).toBe(stamp.key);
    expect(touched.stats).not.toBe(stamp.stats);

    // As if a source had changed since the build: its times and the recorded hash no longer match.
    writeFileSync(stampFile, JSON.stringify({ ...touched, key: 'stale', stats: 'stale' }));
    await ensureBuilt({ quiet: true });
    const rebuilt = JSON.parse(readFileSync(stampFile, 'utf8')) as Stamp;
    expect(rebuilt.key).toBe(stamp.key);
    expect(rebuilt.stats).toBe(touched.stats);
    expect(rebuilt.inputs).toContain('server/src/cli.ts');
    expect(rebuilt.inputs).toContain('packages/graph/src/index.ts');
  }, 240_000);
});
