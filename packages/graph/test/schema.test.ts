import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv2020 from 'ajv/dist/2020';
import { describe, expect, it } from 'vitest';
import schema from '../graph.schema.json';
import { validateGraph } from '../src';
import { baseDoc, catalog, withSubgraph } from './catalog';

const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
const check = ajv.compile(schema);
const graphsDir = fileURLToPath(new URL('../../../graphs', import.meta.url));
const presets = existsSync(graphsDir) ? readdirSync(graphsDir).filter((f) => f.endsWith('.json')) : [];

describe('graph.schema.json', () => {
  it('is a valid draft 2020-12 schema that accepts the fixtures', () => {
    const minimal = { version: 1, nodes: {} };
    const modes = {
      version: 1,
      nodes: {
        a: { type: 'x.y', inputs: { n: 1.5, s: 'text', b: false, l: ['b', 'out'] }, mode: 'muted' },
        b: {
          type: 'x.z',
          inputs: {},
          mode: 'bypassed',
          meta: { collapsed: true, size: { width: 1, height: 2 } },
        },
      },
    };
    const foreign = {
      version: 1,
      nodes: {
        f: {
          type: 'comfy/foreign',
          inputs: { s: 1 },
          foreign: { class: 'X', inputs: [], outputs: [{ name: 'O', type: 'MODEL' }], widgets: [1, null] },
        },
      },
    };
    const withPacks = {
      version: 1,
      nodes: {},
      packs: { fx: { version: '1.2.0', package: 'reelgraph-pack-fx' } },
    };
    for (const doc of [baseDoc(), minimal, modes, foreign, withPacks, withSubgraph()])
      expect(check(doc), ajv.errorsText(check.errors)).toBe(true);
  });

  it.each(presets.length ? presets : ['(no presets yet)'])('accepts preset %s', (name) => {
    if (!presets.length) return;
    const doc = JSON.parse(readFileSync(join(graphsDir, name), 'utf8'));
    expect(check(doc), ajv.errorsText(check.errors)).toBe(true);
  });

  const invalid: Array<[string, unknown]> = [
    ['no version', { nodes: {} }],
    ['version 3', { version: 3, nodes: {} }],
    [
      'a subgraph without outputs',
      { version: 2, nodes: {}, definitions: { subgraphs: { s: { name: 's', nodes: {}, inputs: [] } } } },
    ],
    ['unknown top-level key', { version: 1, nodes: {}, extra: 1 }],
    ['node without inputs', { version: 1, nodes: { a: { type: 'x' } } }],
    ['three-element link', { version: 1, nodes: { a: { type: 'x', inputs: { v: ['b', 'o', 1] } } } }],
    ['object input', { version: 1, nodes: { a: { type: 'x', inputs: { v: { w: 1 } } } } }],
    ['null input', { version: 1, nodes: { a: { type: 'x', inputs: { v: null } } } }],
    ['bad mode', { version: 1, nodes: { a: { type: 'x', inputs: {}, mode: 'off' } } }],
    ['empty id', { version: 1, nodes: { '': { type: 'x', inputs: {} } } }],
    ['reserved id', { version: 1, nodes: { constructor: { type: 'x', inputs: {} } } }],
    ['group without bounds', { version: 1, nodes: {}, meta: { groups: [{ id: 'g', title: 't' }] } }],
    ['zero zoom', { version: 1, nodes: {}, meta: { viewport: { x: 0, y: 0, zoom: 0 } } }],
    ['pack without version', { version: 1, nodes: {}, packs: { fx: { package: 'p' } } }],
    ['pack with unknown field', { version: 1, nodes: {}, packs: { fx: { version: '1.0.0', url: 'x' } } }],
    ['packs not an object', { version: 1, nodes: {}, packs: ['fx'] }],
  ];

  it.each(invalid)('refuses %s, as validateGraph does', (_, doc) => {
    expect(check(doc)).toBe(false);
    expect(validateGraph(doc, catalog).length).toBeGreaterThan(0);
  });
});
