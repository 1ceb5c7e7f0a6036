import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliArgs, startProcess } from './run-process';

const root = fileURLToPath(new URL('../../', import.meta.url));
const mathGraph = path.join(root, 'graphs/engine-math.json');

/**
 * The real command, as `pnpm reelgraph` runs it (tsx), in a non-TTY: plain output. Each start costs about
 * a second of tsx and pack loading, hence the roomy timeouts on a busy machine.
 */
const start = (args: string[], env: Record<string, string> = {}) =>
  startProcess(process.execPath, cliArgs(args), { env, timeoutMs: 60_000 });

const reelgraph = (args: string[], env?: Record<string, string>) => start(args, env).done;

let tmp: string;
async function writeGraph(name: string, nodes: Record<string, unknown>): Promise<string> {
  const file = path.join(tmp, name);
  await writeFile(file, JSON.stringify({ version: 1, nodes }, null, 2));
  return file;
}

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'reelgraph-cli-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('reelgraph (no command, help, unknown)', { timeout: 90_000 }, () => {
  it('prints usage: exit 0 for help, 2 for an unknown command', async () => {
    const help = await reelgraph(['help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: reelgraph <command>');
    const unknown = await reelgraph(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown command "frobnicate"');
    expect(unknown.stderr).toContain('Usage: reelgraph <command>');
  });
});

describe('reelgraph validate', { timeout: 90_000 }, () => {
  it('accepts the engine-math preset: exit 0', async () => {
    const r = await reelgraph(['validate', mathGraph]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('engine-math.json is valid: 7 nodes, 2 output nodes');
  });

  it('prints every problem as node.input: code: message and exits 1', async () => {
    const file = await writeGraph('bad.json', {
      a: { type: 'core.math', inputs: { op: 'modulo', a: 'x', b: ['nope', 'value'] } },
      b: { type: 'core.nothing', inputs: {} },
      p: { type: 'core.preview', inputs: { value: ['a', 'result'] } },
    });
    const r = await reelgraph(['validate', file]);
    expect(r.code).toBe(1);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toBe(`${file}: 4 errors`);
    expect(lines).toContainEqual(expect.stringMatching(/^b: unknown_node_type: .*core\.nothing/));
    expect(lines).toContainEqual(expect.stringMatching(/^a\.op: not_in_options: .*"modulo"/));
    expect(lines).toContainEqual(expect.stringMatching(/^a\.a: wrong_value_type: /));
    expect(lines).toContainEqual(expect.stringMatching(/^a\.b: link_missing_node: .*"nope"/));

    const json = await reelgraph(['validate', file, '--json']);
    expect(json.code).toBe(1);
    const body = JSON.parse(json.stdout);
    expect(body.valid).toBe(false);
    expect(body.errors.map((e: { code: string }) => e.code).sort()).toEqual([
      'link_missing_node',
      'not_in_options',
      'unknown_node_type',
      'wrong_value_type',
    ]);
  });

  it('reports broken JSON at the document level, and an unreadable file, with exit 1', async () => {
    const file = path.join(tmp, 'broken.json');
    await writeFile(file, '{ "version": 1,\n  "nodes": { ');
    const r = await reelgraph(['validate', file]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^\(graph\): invalid_json: Invalid JSON at line 2/m);

    const missing = await reelgraph(['validate', path.join(tmp, 'missing.json')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('missing.json": no such file');
  });

  it('exits 2 on a bad command line', async () => {
    const r = await reelgraph(['validate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('validate takes exactly one graph file');
  });

  it('loads extra packs from --nodes and REELGRAPH_NODES, warning about broken ones', async () => {
    const packs = path.join(tmp, 'packs');
    await mkdir(path.join(packs, 'extra'), { recursive: true });
    await writeFile(
      path.join(packs, 'extra', 'reelgraph.pack.json'),
      JSON.stringify({
        name: 'extra',
        version: '0.1.0',
        description: 'd',
        reelgraph: '^0.1.0',
        entry: 'index.ts',
      }),
    );
    await writeFile(
      path.join(packs, 'extra', 'index.ts'),
      [
        "import { defineNode, input } from '@reelgraph/sdk';",
        'export const Shout = defineNode({',
        "  type: 'extra.shout', title: 'Shout', category: 'text', description: 'upper case',",
        "  inputs: { text: input.string() }, outputs: { text: 'STRING' },",
        '  run: ({ text }) => ({ text: text.toUpperCase() }),',
        '});',
      ].join('\n'),
    );
    await mkdir(path.join(packs, 'broken'), { recursive: true });
    await writeFile(path.join(packs, 'broken', 'reelgraph.pack.json'), '{ nope');
    const file = await writeGraph('extra.json', {
      s: { type: 'extra.shout', inputs: { text: 'hi' } },
      p: { type: 'core.preview', inputs: { value: ['s', 'text'] } },
    });

    const without = await reelgraph(['validate', file]);
    expect(without.code).toBe(1);
    expect(without.stdout).toContain('s: unknown_node_type');

    const viaFlag = await reelgraph(['validate', file, '--nodes', packs]);
    expect(viaFlag.code).toBe(0);
    expect(viaFlag.stderr).toContain('warning: pack "broken" has errors');

    const viaEnv = await reelgraph(['run', file], { REELGRAPH_NODES: packs });
    expect(viaEnv.code).toBe(0);
    expect(viaEnv.stdout).toContain('p (core.preview): HI');
  });
});

describe('reelgraph run', { timeout: 90_000 }, () => {
  it('runs the engine-math preset, printing progress lines, outputs and a summary', async () => {
    const r = await reelgraph(['run', mathGraph]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^job \S+ started: 7 nodes to run$/m);
    expect(r.stdout).toMatch(/^\[area\] core\.math done in /m);
    expect(r.stdout).toContain('show-area (core.preview): 4.5');
    expect(r.stdout).toContain('show-caption (core.preview): 3 red balls covering 4.5 square units');
    expect(r.stdout).toMatch(/^Done in .*: 7 nodes run, 0 cached\.$/m);
  });

  it('applies --set values (JSON when it parses; text widgets keep the text) before validating', async () => {
    const r = await reelgraph(['run', mathGraph, '--set', 'count.value=4', '--set', 'subject.value=42']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('show-caption (core.preview): 4 42 covering 6 square units');

    const link = await reelgraph(['run', mathGraph, '--set', 'show-area.value=["count","value"]']);
    expect(link.stdout).toContain('show-area (core.preview): 3');
  });

  it('refuses a --set that makes the graph invalid or names no node: exit 1, nothing run', async () => {
    const bad = await reelgraph(['run', mathGraph, '--set', 'area.op=modulo']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^area\.op: not_in_options: /m);
    expect(bad.stdout).not.toContain('started');

    const nowhere = await reelgraph(['run', mathGraph, '--set', 'ghost.value=1']);
    expect(nowhere.code).toBe(1);
    expect(nowhere.stderr).toContain('the graph has no node "ghost"');

    const malformed = await reelgraph(['run', mathGraph, '--set', 'novalue']);
    expect(malformed.code).toBe(2);
  });

  it('prints files with absolute paths in the --outputs folder, and --json gives the job result', async () => {
    const outputs = path.join(tmp, 'out');
    const file = await writeGraph('save.json', {
      t: { type: 'core.string', inputs: { value: 'hello file' } },
      save: { type: 'core.save-text', inputs: { text: ['t', 'value'], prefix: 'cli' } },
    });
    const r = await reelgraph(['run', file, '--outputs', outputs]);
    expect(r.code).toBe(0);
    const written = path.join(outputs, 'cli_00001.txt');
    expect(r.stdout).toContain(`save (core.save-text): ${written}`);
    expect(await readFile(written, 'utf8')).toBe('hello file');

    const json = await reelgraph(['run', file, '--outputs', outputs, '--json']);
    expect(json.code).toBe(0);
    const result = JSON.parse(json.stdout);
    expect(result.status).toBe('success');
    expect(result.artifacts.save[0]).toMatchObject({
      kind: 'file',
      path: path.join(outputs, 'cli_00002.txt'),
    });
  });

  it('exits 1 on a failed node, naming it, while independent outputs still show', async () => {
    const file = await writeGraph('fail.json', {
      f: { type: 'core.fail', inputs: { message: 'the model file is missing' } },
      p: { type: 'core.preview', inputs: { value: ['f', 'value'] } },
      s: { type: 'core.seed', inputs: { seed: 7 } },
      q: { type: 'core.preview', inputs: { value: ['s', 'seed'] } },
    });
    const r = await reelgraph(['run', file]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('[f] core.fail failed: the model file is missing');
    expect(r.stdout).toContain('[p] core.preview skipped (needs f)');
    expect(r.stdout).toContain('q (core.preview): 7');
    expect(r.stdout).toContain('Errors:\n  f (core.fail): the model file is missing');
    expect(r.stdout).toMatch(/^Failed in .*1 failed, 1 skipped\.$/m);
  });

  it('cancels the job cleanly on Ctrl+C (SIGINT): exit 130, well before the node would finish', async () => {
    const file = await writeGraph('slow.json', {
      d: { type: 'core.delay', inputs: { ms: 60_000 } },
      p: { type: 'core.preview', inputs: { value: ['d', 'value'] } },
    });
    const { child, done } = start(['run', file]);
    await new Promise<void>((resolve) => {
      const onData = (d: Buffer) => {
        if (d.toString().includes('[d] core.delay started')) {
          child.stdout?.off('data', onData);
          resolve();
        }
      };
      child.stdout?.on('data', onData);
    });
    const sent = performance.now();
    child.kill('SIGINT');
    const r = await done;
    expect(r.code).toBe(130);
    expect(performance.now() - sent).toBeLessThan(10_000);
    expect(r.stderr).toContain('Cancelling');
    expect(r.stdout).toMatch(/^Cancelled in /m);
  });
});
