import { toCatalog } from '@reelgraph/sdk';
import { describe, expect, it } from 'vitest';
import { GraphValidationError, planGraph } from '../src';
import { graph, testNodes } from './fixtures';

const { nodes } = testNodes();
const catalog = toCatalog(nodes.values());
const ids = (plan: ReturnType<typeof planGraph>) => plan.nodes.map((n) => n.id);

describe('planGraph', () => {
  it('plans only the ancestors of output nodes, producers before consumers', () => {
    const doc = graph({
      show: ['t.out', { value: ['sum', 'sum'] }],
      sum: ['t.add', { a: ['x', 'value'], b: ['y', 'value'] }],
      y: ['t.num', { value: 2 }],
      x: ['t.num', { value: 1 }],
      unused: ['t.add', { a: ['x', 'value'] }],
      lonely: ['t.num'],
    });
    const plan = planGraph(doc, catalog);
    expect(new Set(ids(plan))).toEqual(new Set(['x', 'y', 'sum', 'show']));
    const pos = new Map(ids(plan).map((id, i) => [id, i]));
    for (const n of plan.nodes) for (const l of n.links) expect(l.source).toBeLessThan(n.index);
    expect(pos.get('sum')).toBeGreaterThan(pos.get('x')!);
    expect(plan.roots.map((r) => plan.nodes[r]!.id)).toEqual(['show']);
    expect(plan.nodes.find((n) => n.id === 'sum')!.dependents).toEqual([pos.get('show')]);
  });

  it('fills catalog defaults for omitted widgets and keeps constants', () => {
    const doc = graph({
      x: ['t.num'],
      sum: ['t.add', { a: ['x', 'value'] }],
      show: ['t.out', { value: ['sum', 'sum'] }],
    });
    const plan = planGraph(doc, catalog);
    expect(plan.nodes.find((n) => n.id === 'x')!.constants).toEqual({ value: 1 });
    expect(plan.nodes.find((n) => n.id === 'sum')!.constants).toEqual({ b: 0 });
  });

  it('restricts the plan to targets', () => {
    const doc = graph({
      a: ['t.num', { value: 1 }],
      b: ['t.num', { value: 2 }],
      showA: ['t.out', { value: ['a', 'value'] }],
      showB: ['t.out', { value: ['b', 'value'] }],
    });
    expect(ids(planGraph(doc, catalog, { targets: ['showB'] }))).toEqual(['b', 'showB']);
    // A non-output target runs just that node and its ancestors.
    expect(ids(planGraph(doc, catalog, { targets: ['a'] }))).toEqual(['a']);
    expect(() => planGraph(doc, catalog, { targets: ['nope'] })).toThrow(GraphValidationError);
  });

  it('is defensive about cycles and dangling links in unvalidated documents', () => {
    const cyclic = graph({
      a: ['t.add', { a: ['b', 'sum'] }],
      b: ['t.add', { a: ['a', 'sum'] }],
      show: ['t.out', { value: ['b', 'sum'] }],
    });
    const err = (() => {
      try {
        planGraph(cyclic, catalog);
      } catch (e) {
        return e as GraphValidationError;
      }
    })();
    expect(err).toBeInstanceOf(GraphValidationError);
    expect(err!.errors[0]).toMatchObject({ code: 'cycle' });
    expect(err!.errors[0]!.message).toMatch(/a.*b|b.*a/);

    const dangling = graph({ show: ['t.out', { value: ['ghost', 'value'] }] });
    expect(() => planGraph(dangling, catalog)).toThrow(/ghost/);
  });

  it('skips muted nodes and everything that needs them, without running their private ancestors', () => {
    const doc = graph({
      x: ['t.num'],
      m: ['t.add', { a: ['x', 'value'] }, { mode: 'muted' }],
      after: ['t.add', { a: ['m', 'sum'] }],
      show: ['t.out', { value: ['after', 'sum'] }],
      y: ['t.num'],
      other: ['t.out', { value: ['y', 'value'] }],
    });
    const plan = planGraph(doc, catalog);
    expect(ids(plan)).toEqual(['y', 'other']);
    expect(plan.skipped).toEqual([
      { id: 'm', type: 't.add', blockedBy: 'm' },
      { id: 'after', type: 't.add', blockedBy: 'm' },
      { id: 'show', type: 't.out', blockedBy: 'm' },
    ]);
  });

  it('leaves out an optional input whose producer is muted instead of skipping the consumer', () => {
    const doc = graph({
      v: ['t.num'],
      s: ['t.text', { value: 'hi' }, { mode: 'muted' }],
      t: ['t.text', { value: 'x', suffix: ['s', 'text'] }],
      show: ['t.out', { value: ['t', 'text'] }],
    });
    const plan = planGraph(doc, catalog);
    expect(ids(plan)).toEqual(['t', 'show']);
    expect(plan.nodes[0]!.constants).toEqual({ value: 'x', suffix: '' }); // the widget's default
    expect(plan.skipped).toEqual([{ id: 's', type: 't.text', blockedBy: 's' }]);
  });

  it('wires bypassed nodes through from the first linked input of a compatible type', () => {
    const doc = graph({
      i: ['t.int', { value: 3 }],
      // add: FLOAT in, FLOAT out; bypassed, it passes `a` (fed by an INT) through.
      skip: ['t.add', { a: ['i', 'value'], b: 5 }, { mode: 'bypassed' }],
      show: ['t.out', { value: ['skip', 'sum'] }],
    });
    const plan = planGraph(doc, catalog);
    expect(ids(plan)).toEqual(['i', 'show']);
    const link = plan.nodes[1]!.links[0]!;
    expect(link).toMatchObject({ input: 'value', source: 0, output: 'value' });
    expect(link.via).toBe('INT>FLOAT>FLOAT');
  });

  it('marks a bypassed output with no compatible linked input as unavailable', () => {
    const doc = graph({
      // t.size takes IMAGE and outputs INT: nothing can pass through.
      b: ['t.big'],
      skip: ['t.size', { image: ['b', 'value'] }, { mode: 'bypassed' }],
      show: ['t.out', { value: ['skip', 'value'] }],
    });
    const plan = planGraph(doc, catalog);
    expect(ids(plan)).toEqual([]);
    expect(plan.skipped).toEqual([{ id: 'show', type: 't.out', blockedBy: 'skip' }]);
  });

  it('follows long chains of bypassed nodes without recursion', () => {
    const spec: Parameters<typeof graph>[0] = { n0: ['t.num', { value: 7 }] };
    for (let i = 1; i <= 20_000; i++)
      spec[`n${i}`] = ['t.add', { a: [`n${i - 1}`, i === 1 ? 'value' : 'sum'] }, { mode: 'bypassed' }];
    spec.show = ['t.out', { value: ['n20000', 'sum'] }];
    const plan = planGraph(graph(spec), catalog);
    expect(ids(plan)).toEqual(['n0', 'show']);
  });

  it('plans 10,000 nodes without deep recursion', () => {
    const spec: Parameters<typeof graph>[0] = { n0: ['t.num'] };
    for (let i = 1; i < 10_000; i++)
      spec[`n${i}`] = ['t.add', { a: [`n${i - 1}`, i === 1 ? 'value' : 'sum'] }];
    spec.show = ['t.out', { value: ['n9999', 'sum'] }];
    const plan = planGraph(graph(spec), catalog);
    expect(plan.nodes).toHaveLength(10_001);
    expect(plan.nodes[0]!.id).toBe('n0');
    expect(plan.nodes[10_000]!.id).toBe('show');
  });
});
