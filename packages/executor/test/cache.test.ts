import { toCatalog } from '@reelgraph/sdk';
import { describe, expect, it } from 'vitest';
import { BYTE_SIZE, computeKeys, estimateBytes, hash128, OutputCache, planGraph } from '../src';
import { graph, testNodes } from './fixtures';

describe('estimateBytes', () => {
  it('counts buffers, strings, self-reported sizes and plain containers', () => {
    expect(estimateBytes(new Float32Array(1000))).toBeGreaterThanOrEqual(4000);
    expect(estimateBytes(new ArrayBuffer(5000))).toBeGreaterThanOrEqual(5000);
    expect(estimateBytes('x'.repeat(1000))).toBeGreaterThanOrEqual(2000);
    expect(estimateBytes({ [BYTE_SIZE]: 123_456 })).toBe(123_456);
    expect(estimateBytes({ [BYTE_SIZE]: () => 777 })).toBe(777);
    expect(estimateBytes({ byteSize: 42 })).toBe(42);
    // A latent-like object holding a typed array is as big as the array.
    const latent = { shape: [1, 16, 5, 8, 8], data: new Float32Array(16 * 5 * 64) };
    expect(estimateBytes({ latent })).toBeGreaterThanOrEqual(16 * 5 * 64 * 4);
    class Tensor {
      data = new Float32Array(10_000);
    }
    expect(estimateBytes(new Tensor())).toBeGreaterThanOrEqual(40_000);
    // Long arrays are sampled, not walked, and still scale with length.
    expect(estimateBytes(new Array(100_000).fill('abcd'))).toBeGreaterThanOrEqual(100_000 * 8);
  });

  it('terminates on cycles and huge structures with a bounded estimate', () => {
    const a: Record<string, unknown> = {};
    a.self = a;
    expect(Number.isFinite(estimateBytes(a))).toBe(true);
    const wide = Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`k${i}`, { v: i }]));
    expect(estimateBytes(wide)).toBeGreaterThan(10_000 * 8);
  });
});

describe('OutputCache', () => {
  const buf = (n: number) => ({ value: new Uint8Array(n) });

  it('evicts least recently used entries to stay under maxBytes and counts stats', () => {
    const cache = new OutputCache({ maxBytes: 4000 }); // room for three 1 KB entries
    cache.set('a', buf(1000), []);
    cache.set('b', buf(1000), []);
    cache.set('c', buf(1000), []);
    expect(cache.get('a')).toBeDefined(); // a is now the most recent
    cache.set('d', buf(1000), []);
    expect(cache.has('b')).toBe(false);
    expect(cache.has('a')).toBe(true);
    expect(cache.has('d')).toBe(true);
    expect(cache.get('zzz')).toBeUndefined();
    const stats = cache.stats();
    expect(stats).toMatchObject({ hits: 1, misses: 1, evictions: 1, entries: 3, maxBytes: 4000 });
    expect(stats.bytes).toBeLessThanOrEqual(4000);
  });

  it('refuses an entry larger than the whole bound without evicting everything', () => {
    const cache = new OutputCache({ maxBytes: 2000 });
    cache.set('small', buf(100), []);
    expect(cache.set('huge', buf(10_000), [])).toBe(false);
    expect(cache.has('small')).toBe(true);
    expect(cache.has('huge')).toBe(false);
  });

  it('replaces an entry under the same key without double counting', () => {
    const cache = new OutputCache();
    cache.set('k', buf(1000), []);
    const before = cache.stats().bytes;
    cache.set('k', buf(1000), []);
    expect(cache.stats().bytes).toBe(before);
    expect(cache.size).toBe(1);
    cache.clear();
    expect(cache.stats()).toMatchObject({ bytes: 0, entries: 0 });
  });
});

describe('cache keys', () => {
  const { nodes } = testNodes();
  const catalog = toCatalog(nodes.values());
  const keysOf = (doc: Parameters<typeof planGraph>[0], nonce = 'n1') => {
    const plan = planGraph(doc, catalog);
    const set = computeKeys(plan, nonce);
    return Object.fromEntries(plan.nodes.map((n) => [n.id, set.key(n.index)!]));
  };

  it('hashes strings deterministically to 128 bits', () => {
    expect(hash128('abc')).toMatch(/^[0-9a-f]{32}$/);
    expect(hash128('abc')).toBe(hash128('abc'));
    expect(hash128('abc')).not.toBe(hash128('abd'));
    expect(hash128('')).not.toBe(hash128('\u0000'));
  });

  it('depend on content, not on ids or metadata; a change flows to descendants only', () => {
    const base = graph({
      x: ['t.num', { value: 1 }],
      y: ['t.num', { value: 2 }],
      s: ['t.add', { a: ['x', 'value'], b: ['y', 'value'] }],
      o: ['t.out', { value: ['s', 'sum'] }],
    });
    const k1 = keysOf(base);
    const renamed = graph({
      p: ['t.num', { value: 1 }, { meta: { position: { x: 5, y: 5 } } }],
      q: ['t.num', { value: 2 }],
      r: ['t.add', { a: ['p', 'value'], b: ['q', 'value'] }],
      out: ['t.out', { value: ['r', 'sum'] }],
    });
    const k2 = keysOf(renamed);
    expect([k2.p, k2.q, k2.r, k2.out]).toEqual([k1.x, k1.y, k1.s, k1.o]);

    const changed = structuredClone(base);
    changed.nodes.y!.inputs.value = 3;
    const k3 = keysOf(changed);
    expect(k3.x).toBe(k1.x);
    expect(k3.y).not.toBe(k1.y);
    expect(k3.s).not.toBe(k1.s);
    expect(k3.o).not.toBe(k1.o);
  });

  it('distinguish swapped inputs, value types and the run nonce for volatile nodes only', () => {
    const swap = (a: string, b: string) =>
      keysOf(
        graph({
          x: ['t.num', { value: 1 }],
          y: ['t.num', { value: 2 }],
          s: ['t.add', { a: [a, 'value'], b: [b, 'value'] }],
          o: ['t.out', { value: ['s', 'sum'] }],
        }),
      ).s;
    expect(swap('x', 'y')).not.toBe(swap('y', 'x'));
    const str = (v: string | number) =>
      keysOf(graph({ t: ['t.text', { value: v as string }], o: ['t.out', { value: ['t', 'text'] }] })).t;
    expect(str('1')).not.toBe(str(1));

    const vol = graph({
      r: ['t.random'],
      x: ['t.num'],
      o: ['t.out', { value: ['r', 'value'] }],
      o2: ['t.out', { value: ['x', 'value'] }],
    });
    const plan = planGraph(vol, catalog);
    const policies = plan.nodes.map((n) => (n.type === 't.random' ? { volatile: true } : undefined));
    const a = computeKeys(plan, 'run-1', policies);
    const b = computeKeys(plan, 'run-2', policies);
    const at = (id: string) => plan.nodes.find((n) => n.id === id)!.index;
    expect(a.key(at('r'))).not.toBe(b.key(at('r')));
    expect(a.key(at('o'))).not.toBe(b.key(at('o')));
    expect(a.volatile[at('o')]).toBe(1);
    expect(a.key(at('x'))).toBe(b.key(at('x')));
    expect(a.volatile[at('o2')]).toBe(0);
  });
});
