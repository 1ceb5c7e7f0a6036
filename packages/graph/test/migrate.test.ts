import { describe, expect, it } from 'vitest';
import { GRAPH_VERSION, MIGRATIONS, type Migration, migrateGraph, validateGraph } from '../src';
import { baseDoc, catalog } from './catalog';

// A made-up version 0 that stored nodes as a list with ids and `class` instead of `type`, and its
// migration to version 1: the kind of step a real `1 → 2` will be.
const v0to1: Migration = (doc) => {
  const nodes: Record<string, unknown> = {};
  for (const n of doc.nodes as Array<{ id: string; class: string; inputs: unknown }>) {
    nodes[n.id] = { type: n.class, inputs: n.inputs };
  }
  return { ...doc, version: 1, nodes };
};
const table = { 0: v0to1 };

const v0 = {
  version: 0,
  nodes: [
    { id: 'n', class: 't.int', inputs: { value: 3 } },
    { id: 'show', class: 't.show', inputs: { value: ['n', 'value'] } },
  ],
};

describe('migrateGraph', () => {
  it('migrates version 1 to 2 by its number alone, leaving the input untouched', () => {
    expect(GRAPH_VERSION).toBe(2);
    expect(Object.keys(MIGRATIONS)).toEqual(['1']);
    const v1 = { ...baseDoc(), version: 1 as const };
    const v2 = migrateGraph(v1);
    expect(v2).toEqual({ ...v1, version: 2 });
    expect(v1.version).toBe(1);
    expect(migrateGraph(v2)).toBe(v2); // current: the same object back
    expect(validateGraph(v1, catalog)).toEqual([]); // the validator migrates first
  });

  it('refuses a version 1 document that claims definitions (no version 1 program wrote one)', () => {
    const odd = { ...baseDoc(), version: 1, definitions: { subgraphs: {} } };
    expect(migrateGraph(odd)).toBe(odd);
    expect(validateGraph(odd, catalog)).toMatchObject([
      {
        code: 'unsupported_version',
        message: 'Document version 1 is older than 2 and could not be migrated',
      },
    ]);
  });

  it('applies the registered step and yields a valid current document', () => {
    const out = migrateGraph(v0, table);
    expect(out).toEqual({
      version: 1,
      nodes: {
        n: { type: 't.int', inputs: { value: 3 } },
        show: { type: 't.show', inputs: { value: ['n', 'value'] } },
      },
    });
    expect(validateGraph(out, catalog)).toEqual([]);
    expect(v0.version).toBe(0); // input untouched
  });

  it('chains steps up to the target version', () => {
    const steps = {
      0: (d: Record<string, unknown>) => ({ ...d, version: 1, a: true }),
      1: (d: Record<string, unknown>) => ({ ...d, version: 2, b: true }),
    };
    expect(migrateGraph({ version: 0 }, steps, 2)).toEqual({ version: 2, a: true, b: true });
  });

  it('stops, leaving the document for the validator, when a step is missing, throws or misbehaves', () => {
    expect(migrateGraph(v0)).toBe(v0);
    expect(validateGraph(v0, catalog)).toMatchObject([
      {
        code: 'unsupported_version',
        message: 'Document version 0 is older than 2 and could not be migrated',
      },
    ]);
    const throws = {
      0: () => {
        throw new Error('no');
      },
    };
    expect(migrateGraph(v0, throws)).toBe(v0);
    expect(migrateGraph(v0, { 0: (d) => ({ ...d }) })).toBe(v0); // does not advance: no infinite loop
  });

  it('passes through what it cannot read', () => {
    for (const v of [null, 5, 'x', [], { nodes: {} }, { version: '0' }, { version: 3 }])
      expect(migrateGraph(v, table)).toBe(v);
  });
});
