import type { GraphDocument } from '@reelgraph/graph';
import { describe, expect, it } from 'vitest';
import { type EngineEvent, Executor, GraphValidationError } from '../src';
import { graph, testNodes } from './fixtures';

/** x + y, then + 10: the same arithmetic flat and inside a subgraph instance. */
const flat = () =>
  graph({
    x: ['t.num', { value: 1 }],
    y: ['t.num', { value: 2 }],
    sum: ['t.add', { a: ['x', 'value'], b: ['y', 'value'] }],
    more: ['t.add', { a: ['sum', 'sum'], b: 10 }],
    show: ['t.out', { value: ['more', 'sum'] }],
  });

const nested = (b = 10): GraphDocument => ({
  version: 2,
  definitions: {
    subgraphs: {
      adder: {
        name: 'Adder',
        inputs: [
          { name: 'a', type: 'FLOAT' },
          { name: 'b', type: 'FLOAT' },
          { name: 'c', type: 'FLOAT' },
        ],
        outputs: [{ name: 'total', type: 'FLOAT', from: ['more', 'sum'] }],
        nodes: {
          sum: { type: 't.add', inputs: { a: ['$inputs', 'a'], b: ['$inputs', 'b'] } },
          more: { type: 't.add', inputs: { a: ['sum', 'sum'], b: ['$inputs', 'c'] } },
        },
      },
    },
  },
  nodes: {
    x: { type: 't.num', inputs: { value: 1 } },
    y: { type: 't.num', inputs: { value: 2 } },
    add: { type: 'subgraph:adder', inputs: { a: ['x', 'value'], b: ['y', 'value'], c: b } },
    show: { type: 't.out', inputs: { value: ['add', 'total'] } },
  },
});

describe('Executor: subgraph instances', () => {
  it('runs the inner nodes under namespaced ids, with the same result as the flat graph', async () => {
    const t = testNodes();
    const executor = new Executor({ nodes: t.nodes });
    const events: EngineEvent[] = [];
    const a = await executor.run(flat());
    const b = await new Executor({ nodes: t.nodes }).run(nested(), { onEvent: (e) => events.push(e) });
    expect(b.status).toBe('success');
    expect(b.artifacts.show).toEqual(a.artifacts.show);
    expect(b.executed.sort()).toEqual(['add/more', 'add/sum', 'show', 'x', 'y']);
    const started = events
      .filter((e) => e.type === 'node:started')
      .map((e) => ('nodeId' in e ? e.nodeId : ''));
    expect(started).toContain('add/sum');
  });

  it('caches per inner node: changing one inner input re-runs only what depends on it', async () => {
    const t = testNodes();
    const executor = new Executor({ nodes: t.nodes });
    await executor.run(nested(10));
    t.reset();
    const again = await executor.run(nested(20));
    expect(again.cached).toEqual(['add/sum']); // read from the cache; x and y are not even looked at
    expect(again.executed.sort()).toEqual(['add/more', 'show']);
  });

  it('refuses an invalid inner value, on the instance input that feeds it', async () => {
    const t = testNodes();
    const executor = new Executor({ nodes: t.nodes });
    const bad = nested();
    bad.nodes.add!.inputs.c = 'ten';
    const err = await executor.run(bad).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GraphValidationError);
    expect((err as GraphValidationError).errors).toEqual([
      expect.objectContaining({
        code: 'wrong_value_type',
        nodeId: 'add',
        input: 'c',
        inner: { nodeId: 'more', input: 'b' },
      }),
    ]);
  });

  it('runs a subgraph instance named as a target', async () => {
    const t = testNodes();
    const result = await new Executor({ nodes: t.nodes }).run(nested(), { targets: ['add'] });
    expect(result.outputs['add/more']).toEqual({ sum: 13 });
  });
});
