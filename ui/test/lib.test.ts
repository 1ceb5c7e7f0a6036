import { gifWithComment } from '@reelgraph/media/metadata';
import { describe, expect, it } from 'vitest';
import { estimatedFit } from '../src/flow/fitEstimate';
import { constrainNumber, normalizeNumber } from '../src/flow/widgets/number';
import { extractEmbeddedGraph } from '../src/lib/embedded';
import { fuzzyScore, searchNodes } from '../src/lib/fuzzy';
import { findMissing } from '../src/lib/missing';
import { packFailureText, packRefs } from '../src/lib/packs';
import type { FlowNode } from '../src/store/types';
import { catalog, sampleDoc } from './fixtures';

describe('node search', () => {
  const nodes = Object.values(catalog.nodes);
  it('ranks by title, then type, category and description; every word must match', () => {
    expect(searchNodes(nodes, 'sampler')[0]?.type).toBe('test.sampler');
    expect(searchNodes(nodes, 'smplr')[0]?.type).toBe('test.sampler'); // fuzzy subsequence
    expect(searchNodes(nodes, 'loaders').map((n) => n.type)).toContain('test.loader'); // by category
    expect(searchNodes(nodes, 'diffusion')[0]?.type).toBe('test.loader'); // by description
    expect(searchNodes(nodes, 'add numbers').map((n) => n.type)).toEqual(['test.add']);
    expect(searchNodes(nodes, 'zzzq')).toEqual([]);
  });
  it('prefers contiguous and word-start matches', () => {
    expect(fuzzyScore('vid', 'Save Video')).toBeGreaterThan(fuzzyScore('vid', 'very idle'));
    expect(fuzzyScore('xyz', 'Save Video')).toBe(-1);
  });
});

describe('number widgets', () => {
  it('clamp, snap to the step and keep integers integral', () => {
    const cfg = catalog.nodes['test.sampler']!.inputs.cfg!;
    expect(normalizeNumber(cfg, 4.3)).toBe(4.5);
    expect(normalizeNumber(cfg, 99)).toBe(20);
    expect(normalizeNumber(cfg, -3)).toBe(0);
    const steps = catalog.nodes['test.sampler']!.inputs.steps!;
    expect(normalizeNumber(steps, 7.6)).toBe(8);
    expect(normalizeNumber(steps, 0)).toBe(1);
    expect(normalizeNumber(steps, Number.NaN)).toBe(8);
  });
});

describe('graphs embedded in media', () => {
  const json = JSON.stringify(sampleDoc);
  it('reads the GIF comment Reelgraph writes', () => {
    const gif = new Uint8Array([...new TextEncoder().encode('GIF89a'), 0, 0, 0, 0, 0, 0, 0, 0x3b]);
    expect(extractEmbeddedGraph(gifWithComment(gif, json))).toEqual(sampleDoc);
  });
  it('finds a graph JSON object inside other bytes, and nothing where there is none', () => {
    const junk = new Uint8Array(300).fill(7);
    const bytes = new Uint8Array([
      ...junk,
      ...new TextEncoder().encode(`{"x":{"a":1},"graph":${json}}`),
      ...junk,
    ]);
    expect(extractEmbeddedGraph(bytes)).toEqual(sampleDoc);
    expect(extractEmbeddedGraph(junk)).toBeNull();
  });
});

describe('missing nodes and models', () => {
  it('lists unknown node types and combo values the server does not offer', () => {
    const doc = structuredClone(sampleDoc);
    doc.nodes['1']!.inputs.name = 'huge-model';
    expect(findMissing(doc, catalog)).toEqual({
      nodes: [{ type: 'nope.missing', ids: ['5'] }],
      packs: [{ name: 'nope', types: ['nope.missing'] }],
      values: [{ nodeId: '1', input: 'name', value: 'huge-model', options: ['tiny', 'big'] }],
    });
    // A graph that names the pack behind the missing type: "needs nope ^1.2.0", from its npm package.
    const named = { ...doc, packs: { nope: { version: '1.2.0', package: 'reelgraph-pack-nope' } } };
    expect(findMissing(named, catalog)?.packs).toEqual([
      { name: 'nope', types: ['nope.missing'], version: '1.2.0', package: 'reelgraph-pack-nope' },
    ]);
    delete doc.nodes['5'];
    doc.nodes['1']!.inputs.name = 'tiny';
    expect(findMissing(doc, catalog)).toBeNull();
  });
});

describe('pack load failures', () => {
  it('name each failed pack with its reason', () => {
    const text = packFailureText([
      { name: 'ok', status: 'loaded', errors: [], nodes: ['ok.a'] },
      { name: 'fx', status: 'error', errors: ['failed to import src/index.ts: boom', 'second'], nodes: [] },
      {
        name: 'old',
        status: 'error',
        errors: ['incompatible: the pack requires Reelgraph >=2.0.0'],
        nodes: [],
      },
    ]);
    expect(text).toBe(
      'Node packs failed to load — fx: failed to import src/index.ts: boom (and 1 more); ' +
        'old: incompatible: the pack requires Reelgraph >=2.0.0',
    );
    expect(packFailureText([{ name: 'ok', status: 'loaded', errors: [], nodes: [] }])).toBeUndefined();
  });
});

describe('number widgets say why a value changed', () => {
  const width = {
    type: 'INT',
    widget: 'number' as const,
    min: 8,
    max: 4096,
    step: 8,
    modelRule: { via: 'vae', rule: 'width' as const },
  };
  const tiny = {
    id: 'tiny',
    constraints: {
      width: { multiple: 8, min: 64, max: 64 },
      height: { multiple: 8, min: 64, max: 64 },
      frames: { multiple: 4, offset: 1, max: 61 },
      text: { maxWords: 15, lowercase: true, split: '[^a-z]+' },
    },
  };
  it('names the step without a model, and the model with one', () => {
    expect(constrainNumber(width, 64)).toEqual({ value: 64 });
    expect(constrainNumber(width, 63)).toEqual({ value: 64, reason: 'it takes steps of 8 from 8' });
    expect(constrainNumber(width, 63, tiny).reason).toMatch(/"tiny" makes 64×64 video only/);
    expect(constrainNumber(width, 1000, tiny)).toMatchObject({ value: 64 });
    expect(constrainNumber(width, 64, tiny)).toEqual({ value: 64 });
    expect(constrainNumber(width, 5000)).toEqual({ value: 4096, reason: 'the maximum is 4096' });
  });
});

describe('saved graphs name their packs', () => {
  it('records the loaded version and npm package of each pack used, keeping what is missing', () => {
    const doc = {
      version: 2 as const,
      nodes: {
        a: { type: 'fx.hello', inputs: {} },
        b: { type: 'gone.x', inputs: {} },
        c: { type: 'fx.other', inputs: {} },
      },
    };
    const cat = { types: {}, nodes: { 'fx.hello': { pack: 'fx' }, 'fx.other': { pack: 'fx' } } } as never;
    const packs = [
      {
        name: 'fx',
        version: '1.3.0',
        status: 'loaded' as const,
        errors: [],
        nodes: [],
        package: { name: 'reelgraph-pack-fx', version: '1.3.0' },
      },
    ];
    expect(packRefs(doc, cat, packs, { gone: { version: '0.2.0' }, unused: { version: '9.0.0' } })).toEqual({
      fx: { version: '1.3.0', package: 'reelgraph-pack-fx' },
      gone: { version: '0.2.0' },
    });
    expect(packRefs({ version: 2, nodes: {} }, cat, packs)).toBeUndefined();
  });
});

describe('node search over the real catalog', () => {
  const node = (type: string, title: string, category: string, description: string) =>
    ({
      type,
      title,
      category,
      description,
      version: 2,
      inputs: {},
      outputs: {},
      output: false,
      cache: 'pure',
    }) as const;
  const nodes = [
    node('video.sampler', 'DiT sampler', 'video/sampling', 'Denoise a latent clip'),
    node('video.ksampler_adv', 'Advanced sampler', 'video/sampling', 'More control'),
    node('core.seed', 'Seed', 'constants', 'One seed for several noise or sampler nodes.'),
    node(
      'core.math',
      'Math',
      'math',
      'Combine two numbers: add, subtract, multiply, divide, power, min or max.',
    ),
    node('video.noise', 'Noise', 'video/sampling', 'Seeded Gaussian noise'),
  ];
  const types = (q: string) => searchNodes(nodes as never, q).map((n) => n.type);
  it('ranks exact and prefix matches first and drops description-only matches when names match', () => {
    expect(types('sampler')).toEqual(['video.sampler', 'video.ksampler_adv']);
    expect(types('seed')).toEqual(['core.seed']);
    expect(types('noise')[0]).toBe('video.noise');
    expect(types('math')[0]).toBe('core.math');
    expect(types('multiply')).toEqual(['core.math']); // by description when no name matches
  });
});

describe('fit before the first render', () => {
  const node = (id: string, x: number, y: number, extra: Partial<FlowNode> = {}): FlowNode => ({
    id,
    type: 'rg',
    position: { x, y },
    data: {},
    ...extra,
  });
  const view = { width: 1600, height: 1000 };
  const zoom = { min: 0.05, max: 1 };
  it('fits the nodes from their positions, at most zoom 1, centred', () => {
    const wide = estimatedFit([node('a', 0, 0), node('b', 11_240, 6_000)], view, zoom)!;
    // 11,500 × 6,200 with 10% padding, into 1600 × 1000: the width decides.
    expect(wide.zoom).toBeCloseTo(1600 / (11_500 * 1.1), 2);
    expect(wide.x + (11_500 / 2) * wide.zoom).toBeCloseTo(800, 0);
    expect(estimatedFit([node('a', 0, 0)], view, zoom)!.zoom).toBe(1);
  });
  it('uses measured sizes when known, skips children of groups, and has no fit for nothing', () => {
    const measured = estimatedFit([node('a', 0, 0, { measured: { width: 2600, height: 100 } })], view, zoom)!;
    expect(measured.zoom).toBeCloseTo(1600 / (2600 * 1.1), 2);
    const child = node('c', 50_000, 50_000, { parentId: 'a' });
    expect(estimatedFit([node('a', 0, 0), child], view, zoom)!.zoom).toBe(1);
    expect(estimatedFit([], view, zoom)).toBeNull();
    expect(estimatedFit([node('a', 0, 0)], { width: 0, height: 0 }, zoom)).toBeNull();
  });
});
