import { type GraphDocument, validateGraph } from '@reelgraph/graph';
import { defineNode, input, type Logger, toCatalog } from '@reelgraph/sdk';
import { describe, expect, it } from 'vitest';
import { type EngineEvent, Executor, GraphValidationError } from '../src';
import { graph, testNodes } from './fixtures';

function setup(options: Partial<ConstructorParameters<typeof Executor>[0]> = {}) {
  const t = testNodes();
  const executor = new Executor({ nodes: t.nodes, ...options });
  const events: EngineEvent[] = [];
  const run = (doc: GraphDocument, opts: Parameters<Executor['run']>[1] = {}) => {
    events.length = 0;
    t.reset();
    return executor.run(doc, { onEvent: (e) => events.push(e), ...opts });
  };
  return { ...t, executor, events, run };
}

const diamond = () =>
  graph({
    x: ['t.num', { value: 1 }],
    y: ['t.num', { value: 2 }],
    sum: ['t.add', { a: ['x', 'value'], b: ['y', 'value'] }],
    show: ['t.out', { value: ['sum', 'sum'] }],
    z: ['t.num', { value: 10 }],
    show2: ['t.out', { value: ['z', 'value'] }],
    unused: ['t.add', { a: ['x', 'value'], b: 100 }],
  });

describe('Executor: running', () => {
  it('runs the output nodes and their ancestors only, returning outputs and artifacts', async () => {
    const s = setup();
    const result = await s.run(diamond());
    expect(result.status).toBe('success');
    expect(s.ran()).toEqual(['show', 'show2', 'sum', 'x', 'y', 'z']);
    expect(s.runs.get('unused')).toBeUndefined();
    expect(result.outputs).toEqual({ show: {}, show2: {} });
    expect(result.artifacts).toEqual({
      show: [{ kind: 'value', value: 3 }],
      show2: [{ kind: 'value', value: 10 }],
    });
    expect(result.executed.sort()).toEqual(['show', 'show2', 'sum', 'x', 'y', 'z']);
    expect(result.cached).toEqual([]);
    expect(result.errors).toEqual({});
  });

  it('passes linked values with the declared coercions (INT→FLOAT, INT→STRING)', async () => {
    const s = setup();
    const result = await s.run(
      graph({
        i: ['t.int', { value: 4 }],
        sum: ['t.add', { a: ['i', 'value'], b: 0.5 }],
        txt: ['t.text', { value: ['i', 'value'] }],
      }),
      { targets: ['sum', 'txt'] },
    );
    expect(result.outputs).toEqual({ sum: { sum: 4.5 }, txt: { text: '4' } });
    expect(typeof result.outputs.txt!.text).toBe('string');
  });

  it('emits events with job and node ids, in order, with timings', async () => {
    const s = setup();
    await s.run(graph({ x: ['t.num', { value: 1 }], show: ['t.out', { value: ['x', 'value'] }] }), {
      jobId: 'job-1',
    });
    expect(s.events.map((e) => `${e.type}${'nodeId' in e ? `:${e.nodeId}` : ''}`)).toEqual([
      'job:started',
      'node:started:x',
      'node:done:x',
      'node:started:show',
      'node:done:show',
      'job:finished',
    ]);
    for (const e of s.events) {
      expect(e.jobId).toBe('job-1');
      expect(typeof e.at).toBe('number');
      if ('nodeId' in e) expect(e.nodeType).toMatch(/^t\./);
    }
    const started = s.events[0] as Extract<EngineEvent, { type: 'job:started' }>;
    expect(started.planned).toEqual(['x', 'show']);
    const done = s.events.filter((e) => e.type === 'node:done');
    for (const e of done) expect(e.durationMs).toBeGreaterThanOrEqual(0);
    expect(done[1]!.artifacts).toEqual([{ kind: 'value', value: 1 }]);
    const finished = s.events.at(-1) as Extract<EngineEvent, { type: 'job:finished' }>;
    expect(finished.status).toBe('success');
    expect(finished.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('gives nodes merged services and a logger prefixed with job and node', async () => {
    const lines: string[] = [];
    const logger: Logger = {
      debug: (m) => lines.push(m),
      info: (m) => lines.push(m),
      warn: (m) => lines.push(m),
      error: (m) => lines.push(m),
    };
    const probe = defineNode({
      type: 't.probe',
      title: 'Probe',
      category: 'test',
      description: 'reads services',
      inputs: {},
      outputs: { value: 'STRING' },
      output: true,
      run(_, ctx) {
        ctx.log.info('hello');
        const value = JSON.stringify(ctx.services);
        ctx.artifact({ kind: 'value', value });
        return { value };
      },
    });
    const executor = new Executor({
      nodes: new Map([[probe.schema.type, probe]]),
      services: { a: 1, b: 1 } as never,
      logger,
    });
    const result = await executor.run(graph({ p: ['t.probe'] }), { jobId: 'J', services: { b: 2 } as never });
    expect(result.outputs.p).toEqual({ value: '{"a":1,"b":2}' });
    expect(lines).toEqual(['[job J] [node p] hello']);
  });

  it('survives an event listener that throws', async () => {
    const errors: string[] = [];
    const s = setup({ logger: { debug() {}, info() {}, warn() {}, error: (m) => errors.push(m) } });
    const result = await s.run(diamond(), {
      onEvent: () => {
        throw new Error('listener bug');
      },
    });
    expect(result.status).toBe('success');
    expect(errors.length).toBeGreaterThan(0);
  });
});

describe('Executor: caching', () => {
  it('re-runs a cached output node the host calls stale (e.g. its file was deleted), and only that', async () => {
    const gone = new Set<unknown>();
    const s = setup({
      isStale: (artifacts) => artifacts.some((a) => a.kind === 'value' && gone.has(a.value)),
    });
    await s.run(diamond());
    expect((await s.run(diamond())).executed).toEqual([]);
    gone.add(3); // what `show` reported is gone; `show2`'s is not
    const again = await s.run(diamond());
    expect(again.executed).toEqual(['show']);
    expect(again.cached.sort()).toEqual(['show2', 'sum']);
    expect(again.artifacts.show).toEqual([{ kind: 'value', value: 3 }]);
  });

  it('re-runs nothing for an identical graph, and re-shows output artifacts from the cache', async () => {
    const s = setup();
    await s.run(diamond());
    const again = await s.run(diamond());
    expect(s.ran()).toEqual([]);
    expect(again.status).toBe('success');
    expect(again.executed).toEqual([]);
    // Only what the outputs need is consulted: the cached output nodes themselves.
    expect(again.cached.sort()).toEqual(['show', 'show2']);
    expect(again.artifacts.show).toEqual([{ kind: 'value', value: 3 }]);
    const cachedEvents = s.events.filter((e) => e.type === 'node:cached');
    expect(cachedEvents.map((e) => [e.nodeId, e.artifacts])).toEqual(
      expect.arrayContaining([
        ['show', [{ kind: 'value', value: 3 }]],
        ['show2', [{ kind: 'value', value: 10 }]],
      ]),
    );
    expect(s.events.at(-1)).toMatchObject({ type: 'job:finished', status: 'success' });
  });

  it('changing one input re-runs exactly that node and its descendants', async () => {
    const s = setup();
    await s.run(diamond());
    const doc = diamond();
    doc.nodes.y!.inputs.value = 5;
    const result = await s.run(doc);
    expect(s.ran()).toEqual(['show', 'sum', 'y']);
    for (const id of ['show', 'sum', 'y']) expect(s.runs.get(id)).toBe(1);
    expect(result.artifacts.show).toEqual([{ kind: 'value', value: 6 }]);
    expect(result.cached.sort()).toEqual(['show2', 'x']);
  });

  it('ignores node ids and editor metadata: identical subgraphs share results', async () => {
    const s = setup();
    await s.run(diamond());
    const moved = diamond();
    moved.nodes.x!.meta = { position: { x: 10, y: 20 }, title: 'renamed' };
    moved.nodes.x2 = moved.nodes.x!;
    delete moved.nodes.x;
    moved.nodes.sum!.inputs.a = ['x2', 'value'];
    moved.nodes.unused!.inputs.a = ['x2', 'value'];
    moved.meta = { title: 'other' };
    await s.run(moved);
    expect(s.ran()).toEqual([]);

    // Two identical branches in one graph run once.
    const twins = graph({
      a1: ['t.num', { value: 7 }],
      a2: ['t.num', { value: 7 }],
      s1: ['t.add', { a: ['a1', 'value'] }],
      s2: ['t.add', { a: ['a2', 'value'] }],
      o1: ['t.out', { value: ['s1', 'sum'] }],
      o2: ['t.text', { value: ['s2', 'sum'], suffix: '!' }],
    });
    const r = await s.run(twins, { targets: ['o1', 'o2'] });
    expect(r.outputs.o2).toEqual({ text: '7!' });
    expect(s.runs.get('a1')! + (s.runs.get('a2') ?? 0)).toBe(1);
    expect((s.runs.get('s1') ?? 0) + (s.runs.get('s2') ?? 0)).toBe(1);
    // The second branch's head is served by its twin; the twin's own input is then not needed at all.
    expect(r.cached).toHaveLength(1);
  });

  it('re-runs volatile nodes and their descendants every time, and nothing else', async () => {
    const s = setup();
    const doc = graph({
      r: ['t.random'],
      plus: ['t.add', { a: ['r', 'value'], b: 1 }],
      show: ['t.out', { value: ['plus', 'sum'] }],
      z: ['t.num', { value: 3 }],
      show2: ['t.out', { value: ['z', 'value'] }],
      r2: ['t.random'],
      show3: ['t.out', { value: ['r2', 'value'] }],
    });
    const first = await s.run(doc);
    // Two volatile nodes in one graph never share a result.
    expect(first.artifacts.show3![0]).not.toEqual({ kind: 'value', value: Number(first.artifacts.show![0]) });
    expect(s.runs.get('r')).toBe(1);
    expect(s.runs.get('r2')).toBe(1);
    const sizeAfterFirst = s.executor.cache.size;
    const second = await s.run(doc);
    expect(s.ran()).toEqual(['plus', 'r', 'r2', 'show', 'show3'].sort());
    expect(second.artifacts.show).not.toEqual(first.artifacts.show);
    // Results that can never be reused are not stored.
    expect(s.executor.cache.size).toBe(sizeAfterFirst);
  });

  it('re-runs a fingerprint node when its fingerprint changes, not otherwise', async () => {
    const s = setup();
    const doc = graph({ f: ['t.file', { path: 'a.txt' }], show: ['t.out', { value: ['f', 'value'] }] });
    await s.run(doc);
    await s.run(doc);
    expect(s.ran()).toEqual([]);
    s.setFingerprint('v2');
    const result = await s.run(doc);
    expect(s.ran()).toEqual(['f', 'show']);
    expect(result.artifacts.show).toEqual([{ kind: 'value', value: 'a.txt:v2' }]);
  });

  it('fails a node whose fingerprint throws, skipping its descendants only', async () => {
    const s = setup();
    const bad = defineNode({
      type: 't.badfp',
      title: 'Bad fingerprint',
      category: 'test',
      description: '',
      inputs: {},
      outputs: { value: 'FLOAT' },
      cache: {
        fingerprint: () => {
          throw new Error('cannot stat');
        },
      },
      run: () => ({ value: 1 }),
    });
    s.nodes.set(bad.schema.type, bad);
    const result = await s.run(
      graph({
        b: ['t.badfp'],
        show: ['t.out', { value: ['b', 'value'] }],
        z: ['t.num'],
        show2: ['t.out', { value: ['z', 'value'] }],
      }),
    );
    expect(result.status).toBe('failed');
    expect(result.errors.b).toMatchObject({ message: 'cannot stat' });
    expect(result.skipped).toEqual({ show: 'b' });
    expect(result.outputs.show2).toEqual({});
  });

  it('evicts under a tiny memory bound and stays correct', async () => {
    const s = setup({ cache: { maxBytes: 4000 } });
    const doc = graph({
      b1: ['t.big', { fill: 1 }],
      b2: ['t.big', { fill: 2 }],
      b3: ['t.big', { fill: 3 }],
      b4: ['t.big', { fill: 4 }],
      s1: ['t.size', { image: ['b1', 'value'] }],
      s2: ['t.size', { image: ['b2', 'value'] }],
      s3: ['t.size', { image: ['b3', 'value'] }],
      s4: ['t.size', { image: ['b4', 'value'] }],
      o1: ['t.out', { value: ['s1', 'value'] }],
      o2: ['t.out', { value: ['s2', 'value'] }],
      o3: ['t.out', { value: ['s3', 'value'] }],
      o4: ['t.out', { value: ['s4', 'value'] }],
    });
    const first = await s.run(doc);
    const stats = s.executor.cache.stats();
    expect(stats.evictions).toBeGreaterThan(0);
    expect(stats.bytes).toBeLessThanOrEqual(4000);
    expect(first.status).toBe('success');
    const values = (r: typeof first) => ['o1', 'o2', 'o3', 'o4'].map((o) => r.artifacts[o]);
    expect(values(first)).toEqual([1, 2, 3, 4].map((v) => [{ kind: 'value', value: v }]));
    // Output entries are small and survive; change one buffer and only its branch re-runs.
    doc.nodes.b2!.inputs.fill = 9;
    const second = await s.run(doc);
    expect(s.ran()).toEqual(['b2', 'o2', 's2']);
    expect(values(second)).toEqual([1, 9, 3, 4].map((v) => [{ kind: 'value', value: v }]));
  });
});

describe('Executor: failures', () => {
  const branches = (how: string) =>
    graph({
      bad: ['t.fail', { how }],
      after: ['t.add', { a: ['bad', 'value'] }],
      showA: ['t.out', { value: ['after', 'sum'] }],
      ok: ['t.num', { value: 42 }],
      wait: ['t.slow', { value: ['ok', 'value'], ms: 20 }],
      showB: ['t.out', { value: ['wait', 'value'] }],
    });

  it.each([
    ['sync', 'RangeError', 'sync boom'],
    ['async', 'Error', 'async boom'],
    ['string', 'NonErrorThrown', 'plain string thrown'],
    ['missing', 'MissingOutput', 'did not return its output "value"'],
  ])('isolates a %s failure to its descendants; the other branch completes', async (how, name, message) => {
    const s = setup();
    const result = await s.run(branches(how));
    expect(result.status).toBe('failed');
    expect(result.errors.bad).toMatchObject({ name });
    expect(result.errors.bad!.message).toContain(message);
    expect(result.skipped).toEqual({ after: 'bad', showA: 'bad' });
    expect(result.outputs.showB).toEqual({});
    expect(result.artifacts.showB).toEqual([{ kind: 'value', value: 42 }]);
    expect(s.runs.get('after')).toBeUndefined();
    const types = s.events.map((e) => e.type);
    expect(types.at(-1)).toBe('job:finished');
    expect(s.events.at(-1)).toMatchObject({ status: 'failed' });
    expect(s.events.filter((e) => e.type === 'node:skipped').map((e) => [e.nodeId, e.blockedBy])).toEqual([
      ['after', 'bad'],
      ['showA', 'bad'],
    ]);
  });

  it('does not cache failures: a fixed node runs again', async () => {
    const s = setup();
    await s.run(branches('sync'));
    const result = await s.run(branches('sync'));
    expect(s.runs.get('bad')).toBe(1);
    expect(result.cached).toEqual(['showB']);
  });

  it('fails a node with no implementation but runs the rest', async () => {
    const s = setup();
    const catalog = toCatalog(s.nodes.values());
    s.nodes.delete('t.add');
    const executor = new Executor({ nodes: s.nodes, catalog });
    const result = await executor.run(diamond());
    expect(result.errors.sum).toMatchObject({ name: 'UnknownNodeType' });
    expect(result.outputs.show2).toEqual({});
  });
});

describe('Executor: concurrency and cancellation', () => {
  const twoSlow = (ms: number) =>
    graph({
      x: ['t.num'],
      s1: ['t.slow', { value: ['x', 'value'], ms }],
      s2: ['t.slow', { value: ['x', 'value'], ms: ms + 1 }],
      o1: ['t.out', { value: ['s1', 'value'] }],
      o2: ['t.out', { value: ['s2', 'value'] }],
    });

  it('overlaps independent async branches', async () => {
    const s = setup();
    await s.run(twoSlow(40));
    const log = s.log.filter((l) => l.includes(':'));
    // Both slow nodes start before either ends.
    expect(log.slice(0, 2).sort()).toEqual(['s1:start', 's2:start']);
  });

  it('runs one async node at a time with concurrency 1', async () => {
    const s = setup({ concurrency: 1 });
    await s.run(twoSlow(10));
    const log = s.log.filter((l) => l.includes(':'));
    expect(log[1]).toMatch(/:end$/);
    expect(log).toHaveLength(4);
  });

  it('cancels mid-run: the running node sees the signal, nothing after it starts', async () => {
    const s = setup();
    const controller = new AbortController();
    const doc = graph({
      x: ['t.num'],
      wait: ['t.slow', { value: ['x', 'value'], ms: 60_000 }],
      after: ['t.add', { a: ['wait', 'value'] }],
      show: ['t.out', { value: ['after', 'sum'] }],
    });
    const t0 = Date.now();
    const result = await s.run(doc, {
      signal: controller.signal,
      onEvent: (e) => {
        s.events.push(e);
        if (e.type === 'node:started' && e.nodeId === 'wait') setTimeout(() => controller.abort(), 5);
      },
    });
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(result.status).toBe('cancelled');
    expect(s.log).toContain('wait:aborted');
    expect(s.runs.get('after')).toBeUndefined();
    expect(s.events.at(-1)!.type).toBe('job:cancelled');
    expect(s.events.some((e) => e.type === 'node:started' && e.nodeId === 'after')).toBe(false);
    // No events after cancellation, even though the node rejected afterwards.
    await new Promise((r) => setTimeout(r, 10));
    expect(s.events.at(-1)!.type).toBe('job:cancelled');
    // The completed prefix is cached; the cancelled node is not.
    await s.run(doc, { targets: ['x'] });
    expect(s.ran()).toEqual([]);
  });

  it('cancels a long run of synchronous nodes: the job yields to the event loop between slices', async () => {
    const busy = defineNode({
      type: 't.busy',
      title: 'Busy',
      category: 'test',
      description: 'spins for 20 µs',
      inputs: { a: input.float({ default: 0 }) },
      outputs: { sum: 'FLOAT' },
      run: ({ a }) => {
        const until = performance.now() + 0.02;
        while (performance.now() < until) {}
        return { sum: a + 1 };
      },
    });
    const executor = new Executor({ nodes: new Map([[busy.schema.type, busy]]) });
    const spec: Parameters<typeof graph>[0] = { n0: ['t.busy'] };
    for (let i = 1; i < 5000; i++) spec[`n${i}`] = ['t.busy', { a: [`n${i - 1}`, 'sum'] }];
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 5);
    const result = await executor.run(graph(spec), { targets: ['n4999'], signal: controller.signal });
    expect(result.status).toBe('cancelled');
    expect(result.executed.length).toBeGreaterThan(0);
    expect(result.executed.length).toBeLessThan(5000);
  });

  it('cancels while fingerprints are still being computed', async () => {
    const s = setup();
    const stuck = defineNode({
      type: 't.stuck',
      title: 'Stuck fingerprint',
      category: 'test',
      description: '',
      inputs: {},
      outputs: { value: 'FLOAT' },
      output: true,
      cache: { fingerprint: () => new Promise<string>(() => {}) },
      run: () => ({ value: 1 }),
    });
    s.nodes.set(stuck.schema.type, stuck);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 5);
    const result = await s.run(graph({ f: ['t.stuck'] }), { signal: controller.signal });
    expect(result.status).toBe('cancelled');
    expect(s.events.map((e) => e.type)).toEqual(['job:cancelled']);
  });

  it('resolves at once as cancelled when the signal is already aborted', async () => {
    const s = setup();
    const result = await s.run(diamond(), { signal: AbortSignal.abort() });
    expect(result.status).toBe('cancelled');
    expect(s.ran()).toEqual([]);
    expect(s.events.map((e) => e.type)).toEqual(['job:cancelled']);
  });
});

describe('Executor: modes', () => {
  it('bypasses a node by passing its input through, with coercion', async () => {
    const s = setup();
    const result = await s.run(
      graph({
        i: ['t.int', { value: 3 }],
        skip: ['t.add', { a: ['i', 'value'], b: 100 }, { mode: 'bypassed' }],
        txt: ['t.text', { value: ['skip', 'sum'] }],
        show: ['t.out', { value: ['txt', 'text'] }],
      }),
    );
    expect(s.runs.get('skip')).toBeUndefined();
    expect(result.artifacts.show).toEqual([{ kind: 'value', value: '3' }]);
  });

  it('skips muted nodes and what needs them (not a failure); other outputs run', async () => {
    const s = setup();
    const doc = diamond();
    doc.nodes.y!.mode = 'muted';
    const result = await s.run(doc);
    expect(result.status).toBe('success');
    expect(result.skipped).toEqual({ y: 'y', sum: 'y', show: 'y' });
    expect(s.ran()).toEqual(['show2', 'z']);
    const started = s.events[0] as Extract<EngineEvent, { type: 'job:started' }>;
    expect(started.planned).toEqual(['y', 'sum', 'show', 'z', 'show2']);
    expect(s.events.filter((e) => e.type === 'node:skipped')).toHaveLength(3);
  });
});

describe('Executor: validation', () => {
  const catalog = toCatalog(testNodes().nodes.values());
  const placeholder = validateGraph({}, catalog).length === 0;

  it.skipIf(placeholder)('rejects an invalid document with every validation error', async () => {
    const s = setup();
    const doc = graph({ a: ['t.nope'], show: ['t.out', { value: ['ghost', 'value'] }] });
    const err = await s.run(doc).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GraphValidationError);
    const codes = (err as GraphValidationError).errors.map((e) => e.code);
    expect(codes).toContain('unknown_node_type');
    expect(codes).toContain('link_missing_node');
    expect(s.ran()).toEqual([]);
    expect(s.events).toEqual([]);
  });

  it('rejects unknown targets as a validation error', async () => {
    const s = setup();
    await expect(s.run(diamond(), { targets: ['nope'] })).rejects.toBeInstanceOf(GraphValidationError);
  });
});
