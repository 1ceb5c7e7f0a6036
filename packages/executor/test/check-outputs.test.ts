import { defineNode, input } from '@reelgraph/sdk';
import { describe, expect, it } from 'vitest';
import { Executor, OUTPUT_CHECKS } from '../src';
import { graph } from './fixtures';

const frames = (w: number, h: number, count: number, batch = 1) => ({
  width: w,
  height: h,
  count,
  batch,
  data: new Uint8Array(w * h * count * batch * 3),
});

describe('OUTPUT_CHECKS', () => {
  it.each([
    ['INT', 3, 3.5],
    ['FLOAT', 0.5, Number.NaN],
    ['STRING', '', 42],
    ['BOOLEAN', false, 'false'],
    ['IMAGE', frames(2, 2, 3), { ...frames(2, 2, 3), count: 4 }],
    ['IMAGE', frames(2, 2, 0), 42],
    [
      'LATENT',
      { shape: [1, 4, 2, 3, 3], data: new Float32Array(72) },
      { shape: [1, 4], data: new Float32Array(4) },
    ],
    ['NOISE', { seed: 1 }, 1],
    ['CONDITIONING', { context: new Float32Array(4), text: 'a', model: 'm' }, { text: 'a' }],
  ])('%s accepts %o and refuses %o', (type, good, bad) => {
    const check = OUTPUT_CHECKS[type]!;
    expect(check(good)).toBeUndefined();
    expect(check(bad)).toEqual(expect.any(String));
  });
});

describe('Executor: outputs are checked as they leave the node', () => {
  const source = defineNode({
    type: 't.source',
    title: 'Source',
    category: 'test',
    description: 'returns what it is told as IMAGE',
    inputs: { what: input.combo(['frames', 'number', 'nothing'] as const) },
    outputs: { images: 'IMAGE' },
    run: ({ what }) =>
      ({ images: what === 'frames' ? frames(1, 1, 2) : what === 'number' ? 42 : undefined }) as never,
  });
  const count = defineNode({
    type: 't.count',
    title: 'Count',
    category: 'test',
    description: 'shows the frame count',
    inputs: { images: input.socket('IMAGE') },
    outputs: {},
    output: true,
    run: ({ images }, ctx) => {
      ctx.artifact({ kind: 'value', value: (images as { count: number }).count });
      return {};
    },
  });
  const silent = defineNode({
    type: 't.silent',
    title: 'Silent',
    category: 'test',
    description: 'an output node that writes nothing',
    inputs: { images: input.socket('IMAGE') },
    outputs: {},
    output: true,
    run: () => ({}),
  });
  const nodes = new Map([source, count, silent].map((d) => [d.schema.type, d]));
  const executor = new Executor({ nodes: nodes as never });

  it('a node returning 42 as IMAGE fails, named with its output; the next node never runs', async () => {
    const result = await executor.run(
      graph({
        bad: ['t.source', { what: 'number' }],
        show: ['t.count', { images: ['bad', 'images'] }],
        good: ['t.source', { what: 'frames' }],
        other: ['t.count', { images: ['good', 'images'] }],
      }),
    );
    expect(result.status).toBe('failed');
    expect(result.errors.bad).toMatchObject({
      name: 'InvalidOutput',
      message:
        'Node "bad" (t.source) returned a wrong value for its output "images" (IMAGE): expected frames ' +
        '{ width, height, count, batch, data: Uint8Array of RGB bytes }, got number 42',
    });
    expect(result.skipped).toEqual({ show: 'bad' });
    expect(result.artifacts.other).toEqual([{ kind: 'value', value: 2 }]); // the independent branch ran
  });

  it('an output value that is missing (undefined) fails the node', async () => {
    const result = await executor.run(
      graph({ s: ['t.source', { what: 'nothing' }], c: ['t.count', { images: ['s', 'images'] }] }),
    );
    expect(result.errors.s?.message).toContain('"images" (IMAGE): expected a value, got undefined');
  });

  it('an output node that produced nothing fails', async () => {
    const result = await executor.run(
      graph({ s: ['t.source', { what: 'frames' }], q: ['t.silent', { images: ['s', 'images'] }] }),
    );
    expect(result.status).toBe('failed');
    expect(result.errors.q).toMatchObject({
      name: 'NothingWritten',
      message:
        'Node "q" (t.silent) is an output node but produced nothing: no file written and no value shown',
    });
  });
});
