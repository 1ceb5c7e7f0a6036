import { describe, expect, it } from 'vitest';
import {
  catalogWithSubgraphs,
  convertToSubgraph,
  expandSubgraphs,
  type GraphDocument,
  unpackSubgraph,
  validateGraph,
} from '../src';
import { baseDoc, catalog } from './catalog';

const middle = ['lat', 's', 'dec'];

describe('convertToSubgraph', () => {
  it('makes one instance whose sockets are the links that crossed the selection', () => {
    const r = convertToSubgraph(baseDoc(), middle, catalog, 'Sampler')!;
    expect(r).toMatchObject({ subgraph: 'sampler', instance: 'sampler' });
    const def = r.doc.definitions!.subgraphs!.sampler!;
    expect(def.inputs).toEqual([{ name: 'seed', type: 'INT' }]);
    expect(def.outputs).toEqual([{ name: 'images', type: 'IMAGE', from: ['dec', 'images'] }]);
    expect(def.nodes.lat!.inputs).toEqual({ width: 128, frames: 9, seed: ['$inputs', 'seed'] });
    expect(Object.keys(r.doc.nodes)).toEqual(['seed', 'sampler', 'save']);
    expect(r.doc.nodes.sampler).toMatchObject({
      type: 'subgraph:sampler',
      inputs: { seed: ['seed', 'value'] },
    });
    expect(r.doc.nodes.save!.inputs.images).toEqual(['sampler', 'images']);
    expect(validateGraph(r.doc, catalog)).toEqual([]);
    // Expanded, it is the flat graph again, node for node (ids namespaced).
    const flat = expandSubgraphs(r.doc).nodes;
    expect(flat['sampler/s']!.inputs).toEqual({
      ...baseDoc().nodes.s!.inputs,
      latent: ['sampler/lat', 'latent'],
    });
  });

  it('reads one outer output once, however many inner inputs read it; ignores unknown ids', () => {
    const doc: GraphDocument = {
      version: 2,
      nodes: {
        n: { type: 't.float', inputs: { value: 2 } },
        a: { type: 't.add', inputs: { a: ['n', 'value'], b: ['n', 'value'] } },
        show: { type: 't.show', inputs: { value: ['a', 'sum'] } },
      },
    };
    const r = convertToSubgraph(doc, ['a', 'nope'], catalog, 'Twice')!;
    expect(r.doc.definitions!.subgraphs!.twice!.inputs).toEqual([{ name: 'a', type: 'FLOAT' }]);
    expect(r.doc.definitions!.subgraphs!.twice!.nodes.a!.inputs).toEqual({
      a: ['$inputs', 'a'],
      b: ['$inputs', 'a'],
    });
    expect(convertToSubgraph(doc, ['nope'], catalog)).toBeUndefined();
    expect(doc.definitions).toBeUndefined(); // not mutated
  });
});

describe('unpackSubgraph', () => {
  it('undoes convertToSubgraph: the same nodes and links, and the unused definition gone', () => {
    const original = baseDoc();
    const converted = convertToSubgraph(original, middle, catalog, 'Sampler')!;
    const back = unpackSubgraph(converted.doc, converted.instance)!;
    expect(back.nodes).toEqual(middle);
    expect(back.doc.definitions).toBeUndefined();
    expect(back.doc.nodes).toEqual({
      seed: original.nodes.seed,
      lat: original.nodes.lat,
      s: original.nodes.s,
      dec: original.nodes.dec,
      save: original.nodes.save,
    });
    expect(validateGraph(back.doc, catalog)).toEqual([]);
    expect(unpackSubgraph(back.doc, 'seed')).toBeUndefined();
  });

  it('keeps the definition while another instance uses it, and renames inner ids already taken', () => {
    const converted = convertToSubgraph(baseDoc(), middle, catalog, 'Sampler')!;
    const doc = structuredClone(converted.doc);
    doc.nodes.lat = { type: 't.int', inputs: { value: 1 } };
    doc.nodes.again = { ...doc.nodes.sampler! };
    const back = unpackSubgraph(doc, 'sampler')!;
    expect(back.nodes).toEqual(['lat-2', 's', 'dec']);
    expect(back.doc.nodes.s!.inputs.latent).toEqual(['lat-2', 'latent']);
    expect(Object.keys(back.doc.definitions!.subgraphs!)).toEqual(['sampler']);
  });
});

describe('catalogWithSubgraphs', () => {
  it('gives each subgraph a schema: inputs take the widget of what they feed, outputs their type', () => {
    const converted = convertToSubgraph(baseDoc(), middle, catalog, 'Sampler')!;
    const schema = catalogWithSubgraphs(catalog, converted.doc.definitions).nodes['subgraph:sampler']!;
    expect(schema.inputs.seed).toMatchObject({ type: 'INT', widget: 'seed', optional: true });
    expect(schema.outputs).toEqual({ images: { type: 'IMAGE' } });
    expect(schema).toMatchObject({ title: 'Sampler', category: 'Subgraphs', output: false });
    expect(catalogWithSubgraphs(catalog, undefined)).toBe(catalog);
  });
});
