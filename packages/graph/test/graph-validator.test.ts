import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Catalog, type GraphDocument, GraphValidator, validateGraph } from '../src';
import { catalog as base } from './catalog';

const tiny = {
  width: { multiple: 8, min: 64, max: 64 },
  height: { multiple: 8, min: 64, max: 64 },
  frames: { multiple: 4, offset: 1, max: 61 },
  text: { maxWords: 3, lowercase: true, split: '[^a-z]+' },
};
const schema = (type: string, inputs: object, outputs: object, output = false) => ({
  type,
  version: 1,
  title: type,
  category: 't',
  description: '',
  inputs,
  outputs,
  output,
  cache: 'pure' as const,
});
/** The shared test catalog plus a model loader, a pass-through and a node with model rules. */
const catalog = {
  types: { ...base.types, VAE: { color: '#fff', accepts: [] } },
  nodes: {
    ...base.nodes,
    load: schema(
      'load',
      { model: { type: 'STRING', widget: 'combo', options: ['tiny', 'other'], models: { tiny } } },
      { vae: { type: 'VAE' } },
    ),
    pass: schema('pass', { vae: { type: 'VAE', widget: 'socket' } }, { vae: { type: 'VAE' } }),
    rule: schema(
      'rule',
      {
        vae: { type: 'VAE', widget: 'socket' },
        width: { type: 'INT', widget: 'number', default: 64, modelRule: { via: 'vae', rule: 'width' } },
        frames: { type: 'INT', widget: 'number', default: 9, modelRule: { via: 'vae', rule: 'frames' } },
      },
      { latent: { type: 'LATENT' } },
      true,
    ),
  },
} as unknown as Catalog;

const ids = ['a', 'b', 'c', 'd', 'e', 'f'];
const types = [...Object.keys(catalog.nodes), 'no.such'];
const inputNames = ['value', 'a', 'b', 'x', 'width', 'frames', 'vae', 'latent', 'images', 'model', 'sampler'];
const outputNames = ['value', 'sum', 'vae', 'latent', 'images', 'text', 'nope'];
const constant = fc.oneof(
  fc.integer({ min: -20, max: 600 }),
  fc.double({ min: -2, max: 70 }),
  fc.constantFrom(0, -0, 9, 13, 64, 65, 'tiny', 'other', 'euler', 'x', true, null, undefined, Number.NaN),
);

const edit = fc.oneof(
  fc.record({
    kind: fc.constant('set' as const),
    id: fc.constantFrom(...ids),
    input: fc.constantFrom(...inputNames),
    value: constant,
  }),
  fc.record({
    kind: fc.constant('link' as const),
    id: fc.constantFrom(...ids),
    input: fc.constantFrom(...inputNames),
    from: fc.constantFrom(...ids, 'gone'),
    output: fc.constantFrom(...outputNames),
  }),
  fc.record({
    kind: fc.constant('badLink' as const),
    id: fc.constantFrom(...ids),
    input: fc.constantFrom(...inputNames),
  }),
  fc.record({
    kind: fc.constant('add' as const),
    id: fc.constantFrom(...ids),
    type: fc.constantFrom(...types),
  }),
  fc.record({ kind: fc.constant('remove' as const), id: fc.constantFrom(...ids) }),
  // Removed and put back unchanged: same content, another place in document order.
  fc.record({ kind: fc.constant('reorder' as const), id: fc.constantFrom(...ids) }),
  fc.record({
    kind: fc.constant('mode' as const),
    id: fc.constantFrom(...ids),
    mode: fc.constantFrom('active', 'muted', 'bypassed', 'odd', undefined),
  }),
  fc.record({
    kind: fc.constant('meta' as const),
    id: fc.constantFrom(...ids),
    meta: fc.constantFrom({ position: { x: 1, y: 2 } }, { title: 3 }, undefined),
  }),
  // A group whose id may collide with a node's.
  fc.record({ kind: fc.constant('group' as const), id: fc.constantFrom(...ids, 'g') }),
  fc.record({ kind: fc.constant('version' as const), version: fc.constantFrom(1, 2) }),
  fc.record({ kind: fc.constant('same' as const), copy: fc.boolean() }),
);
type Edit = typeof edit extends fc.Arbitrary<infer T> ? T : never;

function apply(doc: GraphDocument, e: Edit): GraphDocument {
  const nodes = doc.nodes as Record<string, { type: string; inputs: Record<string, unknown> } & object>;
  const node = 'id' in e ? nodes[e.id] : undefined;
  switch (e.kind) {
    case 'same':
      return e.copy ? structuredClone(doc) : doc;
    case 'add':
      nodes[e.id] = { type: e.type, inputs: {} };
      return doc;
    case 'remove':
      delete nodes[e.id];
      return doc;
    case 'reorder':
      if (node) {
        delete nodes[e.id];
        nodes[e.id] = node;
      }
      return doc;
    case 'mode':
      if (node) (node as Record<string, unknown>).mode = e.mode;
      return doc;
    case 'meta':
      if (node) (node as Record<string, unknown>).meta = e.meta;
      return doc;
    case 'set':
      if (node) node.inputs[e.input] = e.value;
      return doc;
    case 'link':
      if (node) node.inputs[e.input] = [e.from, e.output];
      return doc;
    case 'badLink':
      if (node) node.inputs[e.input] = [e.input];
      return doc;
    case 'group':
      doc.meta = { groups: [{ id: e.id, title: 'G', bounds: { x: 0, y: 0, width: 1, height: 1 } }] };
      return doc;
    case 'version':
      (doc as { version: number }).version = e.version;
      return doc;
  }
}

const start = (): GraphDocument => ({
  version: 1,
  nodes: {
    a: { type: 'load', inputs: { model: 'tiny' } },
    b: { type: 'pass', inputs: { vae: ['a', 'vae'] } },
    c: { type: 'rule', inputs: { vae: ['b', 'vae'], width: 64, frames: 9 } },
    d: { type: 't.int', inputs: { value: 3 } },
  },
});

describe('GraphValidator', () => {
  it('gives what validateGraph gives, errors included, over random edit sequences', () => {
    fc.assert(
      fc.property(fc.array(edit, { minLength: 1, maxLength: 16 }), (steps) => {
        const validator = new GraphValidator(catalog);
        let doc = start();
        for (const e of steps) {
          doc = apply(doc, e);
          expect(validator.validate(doc)).toEqual(validateGraph(structuredClone(doc), catalog));
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('re-checks only the changed node and the nodes whose rules read it', () => {
    const nodes: GraphDocument['nodes'] = { n0: { type: 't.int', inputs: { value: 1 } } };
    for (let i = 1; i < 1000; i++)
      nodes[`n${i}`] = { type: 't.round', inputs: { x: [`n${i - 1}`, 'value'] } };
    const doc: GraphDocument = { version: 1, nodes };
    const validator = new GraphValidator(catalog);
    validator.validate(doc);
    expect(validator.lastWork).toEqual({ read: 1000, inputs: 1000 });
    expect(validator.takeChanges().structural).toBe(true);
    doc.nodes.n0!.inputs.value = 500;
    const errors = validator.validate(doc);
    expect(errors.map((e) => e.code)).toEqual(['above_max', 'no_output_node']);
    // n0 itself, and n1, which links from it.
    expect(validator.lastWork).toEqual({ read: 1, inputs: 2 });
    expect(validator.takeChanges()).toEqual({ changed: new Set(['n0']), structural: false });
    doc.nodes.n1!.inputs.x = ['n0', 'nope'];
    validator.validate(doc);
    expect(validator.takeChanges()).toEqual({ changed: new Set(['n1']), structural: true });
  });

  it('re-checks a model rule when the model upstream changes', () => {
    const validator = new GraphValidator(catalog);
    const doc = start();
    expect(validator.validate(doc)).toEqual([]);
    (doc.nodes.a!.inputs as Record<string, unknown>).model = 'other';
    expect(validator.validate(doc)).toEqual([]);
    (doc.nodes.a!.inputs as Record<string, unknown>).model = 'tiny';
    (doc.nodes.c!.inputs as Record<string, unknown>).width = 128;
    expect(validator.validate(doc).map((e) => e.code)).toEqual(['model_mismatch']);
    (doc.nodes.a!.inputs as Record<string, unknown>).model = 'other';
    expect(validator.validate(doc)).toEqual([]);
    // The loader and the rule node two links below it; the pass-through reads only the loader's type.
    expect(validator.lastWork).toEqual({ read: 1, inputs: 3 });
  });

  it('starts over from scratch for a document that is not exactly its JSON text', () => {
    const validator = new GraphValidator(catalog);
    const doc = start();
    validator.validate(doc);
    (doc.nodes.d!.inputs as Record<string, unknown>).value = Number.NaN;
    expect(validator.validate(doc)).toEqual(validateGraph(doc, catalog));
    expect(validator.lastWork.read).toBe(-1);
  });
});
