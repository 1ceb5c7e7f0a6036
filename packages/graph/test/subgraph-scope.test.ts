import { describe, expect, it } from 'vitest';
import {
  BOUNDARY_INPUTS_TYPE,
  BOUNDARY_OUTPUTS_TYPE,
  catalogWithBoundary,
  definitionAsGraph,
  graphAsDefinition,
  SUBGRAPH_OUTPUTS,
  validateGraph,
} from '../src';
import { catalog, sampler } from './catalog';

describe('editing inside a subgraph', () => {
  it('shows a definition as its nodes between two boundary nodes, and reads it back unchanged', () => {
    const doc = definitionAsGraph(sampler);
    expect(Object.keys(doc.nodes)).toEqual(['$inputs', 'lat', 's', 'dec', '$outputs']);
    expect(doc.nodes.$inputs!.type).toBe(BOUNDARY_INPUTS_TYPE);
    expect(doc.nodes[SUBGRAPH_OUTPUTS]).toMatchObject({
      type: BOUNDARY_OUTPUTS_TYPE,
      inputs: { images: ['dec', 'images'] },
    });
    expect(graphAsDefinition(doc, sampler)).toEqual(sampler);
  });

  it('takes edits made inside: a changed widget, a rewired output, a dropped output', () => {
    const doc = definitionAsGraph(sampler);
    doc.nodes.s = { ...doc.nodes.s!, inputs: { ...doc.nodes.s!.inputs, sampler: 'euler' } };
    doc.nodes.lat2 = { type: 't.latent', inputs: { seed: ['$inputs', 'seed'] } };
    doc.meta = { notes: [{ id: 'n1', text: 'inside', position: { x: 0, y: 0 } }] };
    const edited = graphAsDefinition(doc, sampler);
    expect(edited.nodes.s!.inputs.sampler).toBe('euler');
    expect(edited.nodes.lat2).toEqual(doc.nodes.lat2);
    expect(edited.meta?.notes?.[0]?.text).toBe('inside');
    expect(edited.inputs).toEqual(sampler.inputs);
    doc.nodes[SUBGRAPH_OUTPUTS] = { ...doc.nodes[SUBGRAPH_OUTPUTS]!, inputs: {} };
    expect(graphAsDefinition(doc, sampler).outputs).toEqual([]);
  });

  it('gives the boundary nodes schemas whose sockets are the subgraph’s, so links inside validate', () => {
    const c = catalogWithBoundary(catalog, sampler);
    expect(Object.keys(c.nodes[BOUNDARY_INPUTS_TYPE]!.outputs)).toEqual(['seed', 'width']);
    expect(c.nodes[BOUNDARY_OUTPUTS_TYPE]!.inputs.images).toMatchObject({ type: 'IMAGE', widget: 'socket' });
    // The inside, its boundary renamed to a plain id, is a valid graph of its own (that makes no output).
    const doc = definitionAsGraph(sampler);
    const nodes = JSON.parse(JSON.stringify(doc.nodes).replaceAll('"$inputs"', '"in"'));
    nodes.in = { type: BOUNDARY_INPUTS_TYPE, inputs: {} };
    expect(validateGraph({ version: 2, nodes }, c).map((e) => e.code)).toEqual(['no_output_node']);
  });
});
