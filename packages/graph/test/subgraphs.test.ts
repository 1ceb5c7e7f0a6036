import { describe, expect, it } from 'vitest';
import {
  attributeError,
  expandSubgraphs,
  flattenGraph,
  type GraphDocument,
  instanceOf,
  type SubgraphDefinition,
  validateGraph,
} from '../src';
import { baseDoc, catalog, sampler, withSubgraph } from './catalog';

describe('expandSubgraphs', () => {
  it('replaces an instance by its inner nodes, namespaced, with links and constants carried through', () => {
    const { nodes, origins, errors } = expandSubgraphs(withSubgraph());
    expect(errors).toEqual([]);
    const flat = baseDoc().nodes;
    expect(nodes).toEqual({
      seed: flat.seed,
      'sg/lat': flat.lat,
      'sg/s': { ...flat.s, inputs: { ...flat.s!.inputs, latent: ['sg/lat', 'latent'] } },
      'sg/dec': { type: 't.decode', inputs: { latent: ['sg/s', 'latent'] } },
      save: { type: 't.save', inputs: { images: ['sg/dec', 'images'], fps: 24 } },
    });
    expect(origins.get('sg/lat')).toEqual({
      instance: 'sg',
      inner: 'lat',
      fedBy: { width: 'width', seed: 'seed' },
    });
    expect(origins.has('save')).toBe(false);
    expect(instanceOf('sg/lat')).toBe('sg');
    expect(instanceOf('save')).toBe('save');
  });

  it('leaves out an inner input whose instance input is not given, so its default applies', () => {
    const doc = withSubgraph();
    delete doc.nodes.sg!.inputs.width;
    const { nodes } = expandSubgraphs(doc);
    expect(nodes['sg/lat']!.inputs).toEqual({ frames: 9, seed: ['seed', 'value'] });
    expect(validateGraph(doc, catalog)).toEqual([]);
  });

  it('expands nested instances and sees through pass-through outputs', () => {
    const outer: SubgraphDefinition = {
      name: 'Outer',
      inputs: [{ name: 'seed', type: 'INT' }],
      outputs: [
        { name: 'images', type: 'IMAGE', from: ['inner', 'images'] },
        { name: 'seed', type: 'INT', from: ['$inputs', 'seed'] },
      ],
      nodes: { inner: { type: 'subgraph:smp', inputs: { seed: ['$inputs', 'seed'], width: 64 } } },
    };
    const doc: GraphDocument = {
      version: 2,
      definitions: { subgraphs: { smp: sampler, outer } },
      nodes: {
        seed: { type: 't.int', inputs: { value: 3 } },
        o: { type: 'subgraph:outer', inputs: { seed: ['seed', 'value'] } },
        save: { type: 't.save', inputs: { images: ['o', 'images'] } },
        show: { type: 't.show', inputs: { value: ['o', 'seed'] } },
      },
    };
    const { nodes, origins, errors } = expandSubgraphs(doc);
    expect(errors).toEqual([]);
    expect(Object.keys(nodes)).toEqual(['seed', 'o/inner/lat', 'o/inner/s', 'o/inner/dec', 'save', 'show']);
    expect(nodes['o/inner/lat']!.inputs).toEqual({ width: 64, frames: 9, seed: ['seed', 'value'] });
    expect(nodes.save!.inputs.images).toEqual(['o/inner/dec', 'images']);
    expect(nodes.show!.inputs.value).toEqual(['seed', 'value']);
    expect(origins.get('o/inner/lat')).toEqual({
      instance: 'o',
      inner: 'inner/lat',
      fedBy: { seed: 'seed' },
    });
    expect(validateGraph(doc, catalog)).toEqual([]);
  });

  it('passes a muted or bypassed instance mode to its active inner nodes', () => {
    const doc = withSubgraph();
    doc.nodes.sg!.mode = 'muted';
    doc.definitions!.subgraphs!.smp!.nodes.s!.mode = 'bypassed';
    const { nodes } = expandSubgraphs(doc);
    expect([nodes['sg/lat']!.mode, nodes['sg/s']!.mode, nodes['sg/dec']!.mode]).toEqual([
      'muted',
      'bypassed',
      'muted',
    ]);
  });

  it('refuses a subgraph that contains itself, and stops at the node limit', () => {
    const loop: SubgraphDefinition = {
      name: 'L',
      inputs: [],
      outputs: [],
      nodes: { me: { type: 'subgraph:loop', inputs: {} } },
    };
    const doc: GraphDocument = {
      version: 2,
      definitions: { subgraphs: { loop } },
      nodes: { a: { type: 'subgraph:loop', inputs: {} } },
    };
    expect(expandSubgraphs(doc).errors).toMatchObject([{ code: 'cycle', nodeId: 'a/me' }]);
    expect(validateGraph(doc, catalog)).toContainEqual(
      expect.objectContaining({ code: 'cycle', nodeId: 'a', inner: { nodeId: 'me' } }),
    );
    expect(validateGraph(withSubgraph(), catalog, { maxNodes: 3 })).toMatchObject([
      { code: 'document_too_large' },
    ]);
  });

  it('flattenGraph drops definitions and is the identity for a graph without instances', () => {
    const flat = flattenGraph(withSubgraph());
    expect(flat.definitions).toBeUndefined();
    expect(Object.keys(flat.nodes)).toContain('sg/dec');
    const plain = baseDoc();
    expect(flattenGraph(plain)).toBe(plain);
  });
});

describe('validateGraph with subgraphs', () => {
  it('accepts a valid instance', () => {
    expect(validateGraph(withSubgraph(), catalog)).toEqual([]);
  });

  it('puts an inner problem on the instance, naming the inner node and the instance input that feeds it', () => {
    const errors = validateGraph(withSubgraph(sampler, { width: 100 }), catalog);
    expect(errors).toEqual([
      expect.objectContaining({
        code: 'off_step',
        nodeId: 'sg',
        input: 'width',
        inner: { nodeId: 'lat', input: 'width' },
      }),
    ]);
    const broken = structuredClone(sampler);
    broken.nodes.s!.inputs.sampler = 'nope';
    expect(validateGraph(withSubgraph(broken), catalog)).toEqual([
      expect.objectContaining({
        code: 'not_in_options',
        nodeId: 'sg',
        inner: { nodeId: 's', input: 'sampler' },
      }),
    ]);
    expect(attributeError({ nodeId: 'save', code: 'cycle', message: 'x' }, new Map())).toEqual({
      nodeId: 'save',
      code: 'cycle',
      message: 'x',
    });
  });

  it('reports unknown instance inputs, missing outputs and unknown subgraphs', () => {
    const errors = validateGraph(withSubgraph(sampler, { nope: 1 }), catalog);
    expect(errors).toMatchObject([{ code: 'unknown_input', nodeId: 'sg', input: 'nope' }]);
    const doc = withSubgraph();
    doc.nodes.save!.inputs.images = ['sg', 'latent'];
    expect(validateGraph(doc, catalog)).toMatchObject([
      { code: 'link_missing_output', nodeId: 'save', input: 'images' },
    ]);
    doc.nodes.sg!.type = 'subgraph:missing';
    expect(validateGraph(doc, catalog)).toContainEqual(
      expect.objectContaining({ code: 'unknown_node_type', nodeId: 'sg' }),
    );
  });

  it('checks the shape of definitions', () => {
    const doc = withSubgraph() as unknown as Record<string, unknown>;
    doc.definitions = {
      subgraphs: {
        smp: {
          name: 3,
          nodes: { 'a/b': {}, $inputs: {} },
          inputs: [{ name: 'x' }],
          outputs: [{ name: 'y', type: 'IMAGE', from: 'no' }],
          extra: 1,
        },
      },
      other: {},
    };
    const messages = validateGraph(doc, catalog).map((e) => `${e.code}: ${e.message}`);
    expect(messages).toEqual([
      'invalid_document: "definitions" has an unknown field "other"',
      'invalid_document: Subgraph "smp" has an unknown field "extra"',
      'invalid_document: Subgraph "smp".name must be a string, got 3',
      'invalid_document: Subgraph "smp": node id "a/b" is not allowed (empty, reserved, "$inputs" or holding "/")',
      'invalid_document: Subgraph "smp": node id "$inputs" is not allowed (empty, reserved, "$inputs" or holding "/")',
      'invalid_document: Subgraph "smp".inputs[0] must have a non-empty "name" and a "type" string',
      'invalid_document: Subgraph "smp".outputs[0].from must be a link [nodeId, outputName], got the string "no"',
    ]);
  });
});
