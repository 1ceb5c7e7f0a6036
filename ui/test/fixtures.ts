import type { GraphDocument } from '@reelgraph/graph';
import { defineNode, input, toCatalog } from '@reelgraph/sdk';

/** A small real catalog (built by the SDK like the server's) covering every widget kind. */
const nodes = [
  defineNode({
    type: 'test.int',
    title: 'Integer',
    category: 'math',
    description: 'A whole number constant',
    inputs: { value: input.int({ default: 3, min: 0, max: 100 }) },
    outputs: { value: 'INT' },
    run: ({ value }) => ({ value }),
  }),
  defineNode({
    type: 'test.add',
    title: 'Add',
    category: 'math',
    description: 'Adds two numbers',
    inputs: { a: input.float({ default: 1 }), b: input.float({ default: 2 }) },
    outputs: { sum: 'FLOAT' },
    run: ({ a, b }) => ({ sum: a + b }),
  }),
  defineNode({
    type: 'test.prompt',
    title: 'Prompt',
    category: 'text',
    description: 'Multiline text prompt',
    inputs: { text: input.string({ multiline: true, default: 'a red ball' }) },
    outputs: { text: 'STRING' },
    run: ({ text }) => ({ text }),
  }),
  defineNode({
    type: 'test.loader',
    title: 'Load Model',
    category: 'loaders',
    description: 'Loads a diffusion model',
    inputs: { name: input.combo(['tiny', 'big']) },
    outputs: { model: 'DIT' },
    run: () => ({ model: {} as never }),
  }),
  defineNode({
    type: 'test.sampler',
    title: 'Sampler',
    category: 'sampling',
    description: 'Denoises latents',
    inputs: {
      model: input.socket('DIT'),
      prompt: input.string({ default: '' }),
      seed: input.seed(),
      steps: input.int({ default: 8, min: 1, max: 50, slider: true }),
      cfg: input.float({ default: 4, min: 0, max: 20, step: 0.5 }),
      enabled: input.boolean({ default: true }),
      image: input.image({ optional: true }),
    },
    outputs: { latent: 'LATENT' },
    run: () => ({ latent: {} as never }),
  }),
  defineNode({
    type: 'test.save',
    title: 'Save Video',
    category: 'output',
    description: 'Writes the video file',
    inputs: { latent: input.socket('LATENT'), fps: input.float({ default: 8 }) },
    outputs: {},
    output: true,
    run: () => ({}),
  }),
];

export const catalog = toCatalog(nodes);

export const sampleDoc: GraphDocument = {
  version: 2,
  nodes: {
    '1': { type: 'test.loader', inputs: { name: 'tiny' }, meta: { position: { x: 0, y: 0 } } },
    '2': {
      type: 'test.prompt',
      inputs: { text: 'a blue square' },
      meta: { position: { x: 0, y: 200 }, title: 'Positive', color: '#335' },
    },
    '3': {
      type: 'test.sampler',
      inputs: { model: ['1', 'model'], prompt: ['2', 'text'], seed: 42, steps: 8, cfg: 4.5, enabled: true },
      mode: 'active',
      meta: { position: { x: 300, y: 0 }, size: { width: 280, height: 300 } },
    },
    '4': {
      type: 'test.save',
      inputs: { latent: ['3', 'latent'], fps: 8 },
      mode: 'bypassed',
      meta: { position: { x: 650, y: 0 }, collapsed: true },
    },
    '5': { type: 'nope.missing', inputs: { x: 1 }, mode: 'muted', meta: { position: { x: 0, y: 500 } } },
  },
  meta: {
    title: 'Sample',
    description: 'round trip',
    viewport: { x: 10, y: 20, zoom: 0.8 },
    groups: [
      { id: 'g1', title: 'Inputs', color: '#a33', bounds: { x: -30, y: -60, width: 400, height: 500 } },
    ],
    notes: [
      {
        id: 'n1',
        text: 'hello',
        position: { x: 900, y: 0 },
        size: { width: 200, height: 100 },
        color: '#ff0',
      },
      { id: 'n2', text: 'plain', position: { x: 900, y: 200 } },
    ],
  },
};
