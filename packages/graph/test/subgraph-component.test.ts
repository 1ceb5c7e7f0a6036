import { describe, expect, it } from 'vitest';
import {
  componentOf,
  type GraphDocument,
  insertComponent,
  type SubgraphDefinition,
  validateGraph,
} from '../src';
import { baseDoc, catalog, sampler, withSubgraph } from './catalog';

/** A subgraph holding an instance of `smp` (nested). */
const outer: SubgraphDefinition = {
  name: 'Outer',
  inputs: [{ name: 'seed', type: 'INT' }],
  outputs: [{ name: 'images', type: 'IMAGE', from: ['inner', 'images'] }],
  nodes: { inner: { type: 'subgraph:smp', inputs: { seed: ['$inputs', 'seed'], width: 64 } } },
};

function nested(): GraphDocument {
  const doc = withSubgraph();
  doc.definitions!.subgraphs!.out = outer;
  doc.nodes.o = { type: 'subgraph:out', inputs: { seed: ['seed', 'value'] }, meta: { title: 'Mine' } };
  return doc;
}

describe('components', () => {
  it('saves an instance with its constants and every definition it needs, nested ones too', () => {
    const c = componentOf(withSubgraph(), 'sg')!;
    expect(c.nodes).toEqual({
      smp: { type: 'subgraph:smp', inputs: { width: 128 }, meta: { title: 'Sampler' } },
    });
    expect(c.definitions).toEqual({ subgraphs: { smp: sampler } });
    const n = componentOf(nested(), 'o')!;
    expect(Object.keys(n.definitions!.subgraphs!)).toEqual(['out', 'smp']);
    expect(n.meta?.title).toBe('Mine');
    expect(componentOf(withSubgraph(), 'seed')).toBeUndefined();
  });

  it('inserts into a graph without subgraphs: definitions copied, the instance placed, a valid graph', () => {
    const c = componentOf(nested(), 'o')!;
    const r = insertComponent(baseDoc(), c, { x: 5, y: 6 })!;
    expect(r.instance).toBe('out');
    expect(r.doc.nodes.out).toMatchObject({ type: 'subgraph:out', meta: { position: { x: 5, y: 6 } } });
    expect(r.doc.definitions?.subgraphs).toEqual({ smp: sampler, out: outer });
    expect(validateGraph(r.doc, catalog)).toEqual([]);
  });

  it('shares a definition it finds unchanged, renames one whose id another holds, nested references too', () => {
    const c = componentOf(nested(), 'o')!;
    // Same definitions: shared, only the node id is fresh.
    const same = insertComponent(nested(), c)!;
    expect(same.subgraphs).toEqual({ smp: 'smp', out: 'out' });
    expect(same.instance).toBe('out');
    expect(Object.keys(same.doc.definitions!.subgraphs!)).toEqual(['smp', 'out']);
    // A different `smp` in the document: the component's is copied as `smp-2`, and `out` (which
    // instances it) no longer matches the document's, so it becomes `out-2` pointing at `smp-2`.
    const other = nested();
    other.definitions!.subgraphs!.smp = { ...sampler, name: 'Other' };
    const r = insertComponent(other, c)!;
    expect(r.subgraphs).toEqual({ smp: 'smp-2', out: 'out-2' });
    const defs = r.doc.definitions!.subgraphs!;
    expect(defs.smp!.name).toBe('Other');
    expect(defs['smp-2']).toEqual(sampler);
    expect(defs['out-2']!.nodes.inner!.type).toBe('subgraph:smp-2');
    expect(r.doc.nodes[r.instance]!.type).toBe('subgraph:out-2');
    expect(validateGraph(r.doc, catalog)).toEqual([]);
    expect(insertComponent(baseDoc(), baseDoc())).toBeUndefined();
  });
});
