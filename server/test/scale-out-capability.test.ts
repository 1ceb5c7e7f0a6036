import type { PackCatalog } from '@reelgraph/packs';
import { describe, expect, it } from 'vitest';
import { canRun, capabilityOf, missingOn, needsOf, queueOf } from '../src/queue/redis/capability';

/** A catalog with a model loader (its `model` input is a model combo) and a plain node. */
function catalog(version: string, models: string[]): PackCatalog {
  return {
    types: {},
    nodes: {
      'video.load_model': {
        type: 'video.load_model',
        inputs: {
          model: { type: 'STRING', widget: 'combo', options: models, models: {} },
          device: { type: 'STRING', widget: 'combo', options: ['cpu', 'cuda'] },
        },
        outputs: {},
      },
      'core.int': { type: 'core.int', inputs: { value: { type: 'INT', widget: 'number' } }, outputs: {} },
    },
    packs: [
      { name: 'video', version, status: 'loaded' },
      { name: 'core', version: '1.0.0', status: 'loaded' },
    ],
  } as unknown as PackCatalog;
}

const graph = {
  version: 1 as const,
  nodes: {
    m: { type: 'video.load_model', inputs: { model: 'tiny', device: 'cpu' } },
    n: { type: 'core.int', inputs: { value: 3 } },
  },
};

describe('scale-out capabilities', () => {
  it('a worker announces its node types, model ids and pack versions', () => {
    expect(capabilityOf(catalog('0.1.0', ['tiny', 'big']))).toEqual({
      nodeTypes: ['core.int', 'video.load_model'],
      models: ['big', 'tiny'],
      packs: { core: '1.0.0', video: '0.1.0' },
    });
  });

  it('a job needs its node types, the models its model inputs name and its packs’ versions', () => {
    expect(needsOf(graph, catalog('0.1.0', ['tiny']))).toEqual({
      nodeTypes: ['core.int', 'video.load_model'],
      models: ['tiny'],
      packs: { core: '1.0.0', video: '0.1.0' },
    });
  });

  it('names what a worker lacks: node types, models, pack versions', () => {
    const needs = needsOf(graph, catalog('0.1.0', ['tiny']));
    expect(canRun(missingOn(needs, capabilityOf(catalog('0.1.0', ['tiny']))))).toBe(true);
    expect(missingOn(needs, capabilityOf(catalog('0.1.0', ['big'])))).toEqual({
      nodeTypes: [],
      models: ['tiny'],
      packs: [],
    });
    expect(missingOn(needs, capabilityOf(catalog('0.2.0', ['tiny'])))).toEqual({
      nodeTypes: [],
      models: [],
      packs: ['video@0.1.0'],
    });
    expect(missingOn(needs, { nodeTypes: ['core.int'], models: [], packs: {} })).toEqual({
      nodeTypes: ['video.load_model'],
      models: ['tiny'],
      packs: [],
    });
  });
});

describe('queueOf: one BullMQ queue per capability set', () => {
  it('names the same set alike, whatever its order, and another set differently', () => {
    const a = capabilityOf(catalog('1.0.0', ['tiny', 'big']));
    const shuffled = { ...a, nodeTypes: [...a.nodeTypes].reverse(), models: [...a.models].reverse() };
    expect(queueOf(shuffled)).toBe(queueOf(a));
    expect(queueOf(capabilityOf(catalog('1.0.1', ['tiny', 'big'])))).not.toBe(queueOf(a));
    expect(queueOf(capabilityOf(catalog('1.0.0', ['tiny'])))).not.toBe(queueOf(a));
    expect(queueOf(a)).toMatch(/^reelgraph-jobs-[0-9a-f]{16}$/);
  });
});
