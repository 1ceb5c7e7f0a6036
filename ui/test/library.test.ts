import type { Catalog, ModelConstraints, NodeSchema } from '@reelgraph/graph';
import { describe, expect, it } from 'vitest';
import { describeConstraints, matchesQuery, modelList, nodeTree } from '../src/lib/library';

const node = (
  type: string,
  title: string,
  category: string,
  inputs: NodeSchema['inputs'] = {},
): NodeSchema => ({
  type,
  title,
  category,
  description: '',
  version: 1,
  inputs,
  outputs: {},
  output: false,
  cache: 'pure',
});

const tiny: ModelConstraints = {
  width: { multiple: 16, min: 64, max: 64 },
  height: { multiple: 16, min: 64, max: 128 },
  frames: { multiple: 4, offset: 1, max: 33 },
  text: { maxWords: 12, lowercase: true, split: '\\s+', vocab: ['a', 'red', 'ball'] },
};

const catalog: Catalog = {
  types: {},
  nodes: Object.fromEntries(
    [
      node('video.sampler', 'Sampler', 'video/sampling'),
      node('video.decode', 'Decode', 'video/latent'),
      node('video.advanced', 'Advanced sampler', 'video/sampling'),
      node('core.int', 'Integer', 'constants'),
      node('video.load_model', 'Load model', 'video/loaders', {
        model: { type: 'STRING', widget: 'combo', options: ['tiny', 'big'], models: { tiny } },
      }),
    ].map((n) => [n.type, n]),
  ),
};

describe('the library sidebar', () => {
  it('groups nodes by category path, categories and nodes sorted', () => {
    const tree = nodeTree(catalog);
    expect(tree.map((c) => c.name)).toEqual(['constants', 'video']);
    const video = tree[1]!;
    expect(video.children.map((c) => c.path)).toEqual(['video/latent', 'video/loaders', 'video/sampling']);
    expect(video.children[2]!.nodes.map((n) => n.title)).toEqual(['Advanced sampler', 'Sampler']);
    expect(video.nodes).toEqual([]);
  });

  it('lists every model of every model combo, with its constraints and loader', () => {
    const models = modelList(catalog);
    expect(models.map((m) => m.name)).toEqual(['big', 'tiny']);
    expect(models[1]!.loaders).toEqual([{ type: 'video.load_model', input: 'model', title: 'Load model' }]);
    expect(models[0]!.constraints).toBeUndefined();
    expect(describeConstraints(models[1]!.constraints!)).toBe(
      'width 64 · height 64–128 (×16) · frames 4n+1 up to 33 · 12 words · 3-word vocabulary',
    );
  });

  it('filters by every word of the query', () => {
    const sampler = catalog.nodes['video.advanced']!;
    expect(matchesQuery(sampler, 'adv samp')).toBe(true);
    expect(matchesQuery(sampler, 'video/sampling')).toBe(true);
    expect(matchesQuery(sampler, 'decode')).toBe(false);
  });
});
