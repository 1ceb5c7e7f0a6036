import { mkdir, mkdtemp, readdir, readFile, rm, symlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EngineEvent } from '@reelgraph/executor';
import { Executor, type JobResult } from '@reelgraph/executor';
import type { GraphDocument, GraphNode } from '@reelgraph/graph';
import { type LoadPacksResult, loadPacks, packCatalog } from '@reelgraph/packs';
import type { Logger } from '@reelgraph/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const coreDir = fileURLToPath(new URL('..', import.meta.url));
const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {} };

let loaded: LoadPacksResult;
let outputDir: string;
let executor: Executor;

beforeAll(async () => {
  // The built-in pack goes through the same manifest and loader as any user's pack.
  loaded = await loadPacks({ dirs: [coreDir] });
  outputDir = await mkdtemp(path.join(os.tmpdir(), 'reelgraph-core-'));
  executor = new Executor({ nodes: loaded.nodes, services: { outputDir }, logger: quiet });
});
afterAll(async () => {
  await rm(outputDir, { recursive: true, force: true });
});

function graph(nodes: Record<string, GraphNode>): GraphDocument {
  return { version: 1, nodes };
}

function values(result: JobResult, nodeId: string): unknown[] {
  return (result.artifacts[nodeId] ?? []).map((a) => (a.kind === 'value' ? a.value : a.path));
}

describe('core pack', () => {
  it('loads through its manifest with every node documented', () => {
    const status = loaded.packs[0];
    expect(status).toMatchObject({ name: 'core', status: 'loaded', errors: [] });
    expect(status?.nodes).toHaveLength(12);
    const catalog = packCatalog(loaded);
    for (const schema of Object.values(catalog.nodes)) {
      expect(schema.type).toMatch(/^core\./);
      expect(schema.pack).toBe('core');
      expect(schema.title.length).toBeGreaterThan(2);
      expect(schema.category.length).toBeGreaterThan(2);
      expect(schema.description.length).toBeGreaterThan(20);
      for (const input of Object.values(schema.inputs)) expect(input.tooltip).toBeTruthy();
    }
    expect(catalog.nodes['core.seed']?.inputs.seed).toMatchObject({
      widget: 'seed',
      controlAfterGenerate: true,
    });
    expect(catalog.nodes['core.preview']).toMatchObject({ output: true, inputs: { value: { type: '*' } } });
    expect(catalog.nodes['core.delay']?.cache).toBe('volatile');
  });

  it('runs constants → math → format → preview, then serves it from the cache', async () => {
    const doc = graph({
      count: { type: 'core.int', inputs: { value: 3 } },
      size: { type: 'core.float', inputs: { value: 1.5 } },
      area: { type: 'core.math', inputs: { op: 'multiply', a: ['count', 'value'], b: ['size', 'value'] } },
      text: {
        type: 'core.format',
        inputs: { template: '{a} balls of size {b}', a: ['count', 'value'], b: ['area', 'result'] },
      },
      show: { type: 'core.preview', inputs: { value: ['text', 'text'] } },
      showArea: { type: 'core.preview', inputs: { value: ['area', 'result'] } },
    });
    const first = await executor.run(doc);
    expect(first.status).toBe('success');
    expect(values(first, 'show')).toEqual(['3 balls of size 4.5']);
    expect(values(first, 'showArea')).toEqual([4.5]);

    const again = await executor.run(doc);
    expect(again.executed).toEqual([]);
    expect(values(again, 'show')).toEqual(['3 balls of size 4.5']);
  });

  it('computes integer math that rounds down and wraps', async () => {
    const cases: Array<[string, number, number, number]> = [
      ['divide', -7, 2, -4],
      ['modulo', -1, 5, 4],
      ['power', 2, 10, 1024],
      ['max', -3, 2, 2],
    ];
    for (const [op, a, b, expected] of cases) {
      const r = await executor.run(
        graph({
          m: { type: 'core.int-math', inputs: { op, a, b } },
          p: { type: 'core.preview', inputs: { value: ['m', 'result'] } },
        }),
      );
      expect(values(r, 'p'), op).toEqual([expected]);
    }
  });

  it('fails the node, naming the reason, when math has no finite answer', async () => {
    const r = await executor.run(
      graph({
        m: { type: 'core.math', inputs: { op: 'divide', a: 1, b: 0 } },
        p: { type: 'core.preview', inputs: { value: ['m', 'result'] } },
        seed: { type: 'core.seed', inputs: { seed: 42 } },
        ok: { type: 'core.preview', inputs: { value: ['seed', 'seed'] } },
      }),
    );
    expect(r.status).toBe('failed');
    expect(r.errors.m?.message).toBe('division by zero');
    expect(values(r, 'ok')).toEqual([42]);
  });

  it('core.fail throws its message and blocks only what depends on it', async () => {
    const r = await executor.run(
      graph({
        f: { type: 'core.fail', inputs: { message: 'boom' } },
        p: { type: 'core.preview', inputs: { value: ['f', 'value'] } },
        s: { type: 'core.string', inputs: { value: 'still here' } },
        q: { type: 'core.preview', inputs: { value: ['s', 'value'] } },
      }),
    );
    expect(r.status).toBe('failed');
    expect(r.errors.f).toMatchObject({ message: 'boom', name: 'Error' });
    expect(r.artifacts.p).toBeUndefined();
    expect(values(r, 'q')).toEqual(['still here']);
  });

  it('core.save-text writes numbered files into the output folder and never overwrites', async () => {
    const doc = (text: string) =>
      graph({ save: { type: 'core.save-text', inputs: { text, prefix: 'notes/run' } } });
    const one = await executor.run(doc('first'));
    const two = await executor.run(doc('second'));
    const [a] = one.artifacts.save ?? [];
    const [b] = two.artifacts.save ?? [];
    expect(a).toMatchObject({ kind: 'file', mime: 'text/plain', name: 'notes/run_00001.txt' });
    expect(b).toMatchObject({ kind: 'file', name: 'notes/run_00002.txt' });
    if (a?.kind !== 'file' || b?.kind !== 'file') throw new Error('expected files');
    expect(path.isAbsolute(a.path)).toBe(true);
    expect(await readFile(a.path, 'utf8')).toBe('first');
    expect(await readFile(b.path, 'utf8')).toBe('second');
  });

  it('core.save-text refuses a prefix that leaves the output folder', async () => {
    for (const prefix of ['../escape', '/etc/x', 'a/../../b', '.hidden']) {
      const r = await executor.run(
        graph({ save: { type: 'core.save-text', inputs: { text: 'x', prefix } } }),
      );
      expect(r.status, prefix).toBe('failed');
      expect(r.errors.save?.message).toMatch(/must be a relative name/);
    }
  });

  it('core.save-text fails, writing nothing, when a folder under outputs links outside', async () => {
    const outside = await mkdtemp(path.join(os.tmpdir(), 'reelgraph-outside-'));
    try {
      await symlink(outside, path.join(outputDir, 'linked'));
      await mkdir(path.join(outside, 'sub'));
      for (const prefix of ['linked/name', 'linked/sub/name']) {
        const r = await executor.run(
          graph({ save: { type: 'core.save-text', inputs: { text: 'x', prefix } } }),
        );
        expect(r.status, prefix).toBe('failed');
        expect(r.errors.save?.message).toMatch(/out of the output folder through a link/);
        expect(r.artifacts.save).toBeUndefined();
      }
      expect(await readdir(outside)).toEqual(['sub']);
      expect(await readdir(path.join(outside, 'sub'))).toEqual([]);
    } finally {
      await rm(outside, { recursive: true, force: true });
    }
  });

  it('core.delay reports progress, passes its value through, and stops at once when cancelled', async () => {
    const events: EngineEvent[] = [];
    const quick = await executor.run(
      graph({
        s: { type: 'core.string', inputs: { value: 'late' } },
        d: { type: 'core.delay', inputs: { ms: 250, value: ['s', 'value'] } },
        p: { type: 'core.preview', inputs: { value: ['d', 'value'] } },
      }),
      { onEvent: (e) => events.push(e) },
    );
    expect(values(quick, 'p')).toEqual(['late']);
    const steps = events.flatMap((e) => (e.type === 'node:progress' ? [`${e.step}/${e.total}`] : []));
    expect(steps).toEqual(['1/3', '2/3', '3/3']);

    const controller = new AbortController();
    const started = performance.now();
    setTimeout(() => controller.abort(), 100);
    const cancelled = await executor.run(
      graph({
        d: { type: 'core.delay', inputs: { ms: 60_000 } },
        p: { type: 'core.preview', inputs: { value: ['d', 'value'] } },
      }),
      { signal: controller.signal },
    );
    expect(cancelled.status).toBe('cancelled');
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});
