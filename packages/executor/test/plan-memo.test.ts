import { type GraphDocument, validateGraph } from '@reelgraph/graph';
import { type AnyNodeDefinition, defineNode, input, toCatalog } from '@reelgraph/sdk';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Executor, GraphValidationError, type Plan, PlanMemo, planGraph } from '../src';

const num = defineNode({
  type: 'm.num',
  title: 'Number',
  category: 'test',
  description: '',
  inputs: { value: input.float({ default: 1, min: -10, max: 10 }) },
  outputs: { value: 'FLOAT' },
  run: ({ value }) => ({ value }),
});
const int = defineNode({
  type: 'm.int',
  title: 'Integer',
  category: 'test',
  description: '',
  inputs: { value: input.int({ default: 0 }) },
  outputs: { value: 'INT' },
  run: ({ value }) => ({ value }),
});
const add = defineNode({
  type: 'm.add',
  title: 'Add',
  category: 'test',
  description: '',
  inputs: { a: input.float(), b: input.float({ default: 0 }) },
  outputs: { sum: 'FLOAT' },
  run: ({ a, b }) => ({ sum: a + b }),
});
const out = defineNode({
  type: 'm.out',
  title: 'Out',
  category: 'test',
  description: '',
  inputs: { value: input.float(), label: input.string({ optional: true }) },
  outputs: {},
  output: true,
  run: () => ({}),
});
const defs = [num, int, add, out] as AnyNodeDefinition[];
const nodes = new Map(defs.map((d) => [d.schema.type, d]));
const catalog = toCatalog(defs);

/** A plan without its coercion closures, for comparing two plans. */
function shape(plan: Plan) {
  return {
    roots: plan.roots,
    skipped: plan.skipped,
    nodes: plan.nodes.map((n) => ({
      ...n,
      schema: n.schema.type,
      links: n.links.map((l) => ({ ...l, convert: l.convert !== undefined })),
    })),
  };
}

/** What validating and planning from scratch gives: the plan, or the validation errors. */
function fromScratch(doc: GraphDocument, targets?: string[]) {
  let errors = validateGraph(doc, catalog);
  if (targets) errors = errors.filter((e) => e.code !== 'no_output_node');
  if (errors.length > 0) return { errors };
  try {
    return { plan: shape(planGraph(doc, catalog, { targets })) };
  } catch (err) {
    if (err instanceof GraphValidationError) return { errors: err.errors };
    throw err;
  }
}

function memoised(executor: Executor, doc: GraphDocument, targets?: string[]) {
  try {
    return { plan: shape(executor.plan(doc, targets)) };
  } catch (err) {
    if (err instanceof GraphValidationError) return { errors: err.errors };
    throw err;
  }
}

const ids = ['a', 'b', 'c', 'd', 'e', 'f'];
const types = ['m.num', 'm.int', 'm.add', 'm.out'];
const inputsOf: Record<string, string[]> = {
  'm.num': ['value'],
  'm.int': ['value'],
  'm.add': ['a', 'b'],
  'm.out': ['value', 'label'],
};
const outputsOf: Record<string, string[]> = {
  'm.num': ['value'],
  'm.int': ['value'],
  'm.add': ['sum'],
  'm.out': [],
};

/** Values a widget may be set to: fitting ones, out-of-range ones, wrong types, JSON-only oddities. */
const constant = fc.oneof(
  fc.integer({ min: -12, max: 12 }),
  fc.double({ min: -12, max: 12, noNaN: true }),
  fc.constantFrom(0.5, -0, 1e9, null, '3', true, 'label'),
);

const edit = fc.oneof(
  fc.record({
    kind: fc.constant('set' as const),
    id: fc.constantFrom(...ids),
    value: constant,
    pick: fc.nat(),
  }),
  fc.record({
    kind: fc.constant('link' as const),
    id: fc.constantFrom(...ids),
    from: fc.constantFrom(...ids, 'missing'),
    pick: fc.nat(),
  }),
  fc.record({
    kind: fc.constant('add' as const),
    id: fc.constantFrom(...ids),
    type: fc.constantFrom(...types),
  }),
  fc.record({ kind: fc.constant('remove' as const), id: fc.constantFrom(...ids) }),
  // Removed and put back unchanged: another place in document order.
  fc.record({ kind: fc.constant('reorder' as const), id: fc.constantFrom(...ids) }),
  fc.record({
    kind: fc.constant('mode' as const),
    id: fc.constantFrom(...ids),
    mode: fc.constantFrom('active', 'muted', 'bypassed', undefined),
  }),
  // Runs again unchanged: as the same object, or as a copy.
  fc.record({ kind: fc.constant('same' as const), copy: fc.boolean() }),
);
/** Each run plans for every output node, or only up to some nodes. */
const targetsArb = fc.constantFrom<string[] | undefined>(undefined, ['b'], ['a', 'b'], ['c']);
type Edit = typeof edit extends fc.Arbitrary<infer T> ? T : never;

/** Applies an edit in place (as an editor would) and returns the document to run next. */
function apply(doc: GraphDocument, e: Edit): GraphDocument {
  const node = e.kind === 'same' ? undefined : doc.nodes[e.id];
  switch (e.kind) {
    case 'same':
      return e.copy ? structuredClone(doc) : doc;
    case 'add':
      doc.nodes[e.id] = { type: e.type, inputs: {} };
      return doc;
    case 'remove':
      delete doc.nodes[e.id];
      return doc;
    case 'reorder':
      if (node) {
        delete doc.nodes[e.id];
        doc.nodes[e.id] = node;
      }
      return doc;
    case 'mode':
      if (node) {
        if (e.mode === undefined) delete node.mode;
        else node.mode = e.mode;
      }
      return doc;
    case 'set': {
      const names = node ? inputsOf[node.type] : undefined;
      if (node && names?.length) node.inputs[names[e.pick % names.length]!] = e.value as never;
      return doc;
    }
    case 'link': {
      const names = node ? inputsOf[node.type] : undefined;
      const source = doc.nodes[e.from];
      const outputs = source ? outputsOf[source.type] : ['value'];
      if (node && names?.length)
        node.inputs[names[e.pick % names.length]!] = [
          e.from,
          outputs?.[e.pick % (outputs.length || 1)] ?? 'x',
        ];
      return doc;
    }
  }
}

const start = (): GraphDocument => ({
  version: 1,
  nodes: {
    a: { type: 'm.num', inputs: { value: 2 } },
    b: { type: 'm.add', inputs: { a: ['a', 'value'], b: 1 } },
    c: { type: 'm.out', inputs: { value: ['b', 'sum'] } },
  },
});

describe('plan memo and incremental planning', () => {
  it('gives the same plan or errors as validating and planning from scratch, over random edit sequences', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(edit, targetsArb), { minLength: 1, maxLength: 12 }), (steps) => {
        const executor = new Executor({ nodes, catalog });
        let doc = start();
        for (const [e, targets] of steps) {
          doc = apply(doc, e);
          const expected = fromScratch(structuredClone(doc), targets);
          expect(memoised(executor, doc, targets)).toEqual(expected);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('hands back the same plan for an identical document, and plans again after any change', () => {
    const executor = new Executor({ nodes, catalog });
    const doc = start();
    const first = executor.plan(doc);
    expect(executor.plan(structuredClone(doc))).toBe(first);
    doc.nodes.b!.inputs.b = 2;
    const second = executor.plan(doc);
    expect(second).not.toBe(first);
    expect(second.nodes.find((n) => n.id === 'b')?.constants.b).toBe(2);
    // Targets are part of the key.
    expect(executor.plan(doc, ['b'])).not.toBe(second);
  });

  it('re-plans a widget change by re-reading that node alone, sharing the rest of the plan', () => {
    const executor = new Executor({ nodes, catalog });
    const doc = start();
    // An executor's first document is validated and planned in full, without the incremental validator.
    doc.nodes.a!.inputs.value = 2;
    executor.plan(doc);
    doc.nodes.a!.inputs.value = 1;
    const first = executor.plan(doc);
    doc.nodes.a!.inputs.value = 3;
    const second = executor.plan(doc);
    const at = (p: Plan, id: string) => p.nodes.find((n) => n.id === id)!;
    expect(at(second, 'a').constants.value).toBe(3);
    expect(at(second, 'a')).not.toBe(at(first, 'a'));
    expect(at(second, 'b')).toBe(at(first, 'b'));
    expect(second.roots).toBe(first.roots);
    // A link changed: planned again in full.
    doc.nodes.c!.inputs.value = ['a', 'value'];
    const third = executor.plan(doc);
    expect(at(third, 'a')).not.toBe(at(second, 'a'));
    expect(third.nodes.map((n) => n.id)).toEqual(['a', 'c']);
  });

  it('refuses a document that no longer matches the catalog of a reloaded executor', () => {
    const doc = start();
    new Executor({ nodes, catalog }).plan(doc);
    const reloaded = toCatalog([num, out] as AnyNodeDefinition[]);
    const executor = new Executor({ nodes, catalog: reloaded });
    expect(() => executor.plan(doc)).toThrow(GraphValidationError);
  });

  it('never reuses a plan made against another catalog (a hot reload)', () => {
    const memo = new PlanMemo();
    const plan = planGraph(start(), catalog);
    const key = PlanMemo.keyOf(start(), undefined)!;
    memo.set(key, catalog, plan);
    expect(memo.get(key, catalog)).toBe(plan);
    expect(memo.get(key, toCatalog(defs))).toBeUndefined();
    expect(memo.get(key, catalog)).toBeUndefined();
  });

  it('keeps at most its budget of document text, dropping the least recently used first', () => {
    const memo = new PlanMemo(25);
    const plan = planGraph(start(), catalog);
    memo.set('x'.repeat(10), catalog, plan);
    memo.set('y'.repeat(10), catalog, plan);
    memo.get('x'.repeat(10), catalog);
    memo.set('z'.repeat(10), catalog, plan);
    expect(memo.get('y'.repeat(10), catalog)).toBeUndefined();
    expect(memo.get('x'.repeat(10), catalog)).toBe(plan);
    expect(memo.size).toBe(2);
    expect(PlanMemo.keyOf({ self: 1n }, undefined)).toBeUndefined();
  });
});
