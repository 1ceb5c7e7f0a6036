/** A small hand-built catalog shaped like what `toCatalog` from @reelgraph/sdk produces. */
import type {
  Catalog,
  GraphDocument,
  InputSchema,
  NodeSchema,
  OutputSchema,
  SubgraphDefinition,
} from '../src';
import { SocketRegistry } from '../src';

function node(
  type: string,
  inputs: Record<string, InputSchema>,
  outputs: Record<string, OutputSchema>,
  output = false,
): NodeSchema {
  return {
    type,
    version: 1,
    title: type,
    category: 'test',
    description: type,
    inputs,
    outputs,
    output,
    cache: 'pure',
  };
}

const socket = (type: string, extra: Partial<InputSchema> = {}): InputSchema => ({
  type,
  widget: 'socket',
  ...extra,
});

export const catalog: Catalog = {
  types: new SocketRegistry().toJSON(),
  nodes: {
    't.int': node(
      't.int',
      { value: { type: 'INT', widget: 'number', default: 0, min: -100, max: 100, step: 1 } },
      { value: { type: 'INT' } },
    ),
    't.float': node(
      't.float',
      { value: { type: 'FLOAT', widget: 'number', default: 1, min: 0, max: 10, step: 0.1 } },
      { value: { type: 'FLOAT' } },
    ),
    't.text': node(
      't.text',
      { text: { type: 'STRING', widget: 'text', default: '', multiline: true } },
      { text: { type: 'STRING' } },
    ),
    // `a` has no default, so it is required even though it is a widget.
    't.add': node(
      't.add',
      { a: { type: 'FLOAT', widget: 'number' }, b: { type: 'FLOAT', widget: 'number', default: 0 } },
      { sum: { type: 'FLOAT' } },
    ),
    't.round': node('t.round', { x: socket('FLOAT') }, { value: { type: 'INT' } }),
    't.latent': node(
      't.latent',
      {
        width: { type: 'INT', widget: 'number', default: 64, min: 16, max: 512, step: 16 },
        frames: { type: 'INT', widget: 'number', default: 9, min: 1, max: 33, step: 4 },
        seed: { type: 'INT', widget: 'seed', default: 0, min: 0, max: Number.MAX_SAFE_INTEGER, step: 1 },
      },
      { latent: { type: 'LATENT' } },
    ),
    't.sample': node(
      't.sample',
      {
        latent: socket('LATENT'),
        sampler: { type: 'STRING', widget: 'combo', options: ['euler', 'heun'], default: 'euler' },
        denoise: { type: 'FLOAT', widget: 'slider', optional: true, min: 0, max: 1, step: 0.05 },
        flag: { type: 'BOOLEAN', widget: 'toggle', default: false },
      },
      { latent: { type: 'LATENT' } },
    ),
    't.decode': node('t.decode', { latent: socket('LATENT') }, { images: { type: 'IMAGE' } }),
    't.save': node(
      't.save',
      {
        images: socket('IMAGE'),
        fps: { type: 'INT', widget: 'number', default: 24, min: 1, max: 120, step: 1 },
      },
      {},
      true,
    ),
    't.show': node('t.show', { value: socket('*') }, {}, true),
    't.pass': node('t.pass', { value: socket('*') }, { value: { type: '*' } }),
  },
};

/** A valid text-to-video-shaped document exercising links, widgets, options, meta. */
export function baseDoc(): GraphDocument {
  return {
    version: 2,
    nodes: {
      seed: { type: 't.int', inputs: { value: 7 } },
      lat: { type: 't.latent', inputs: { width: 128, frames: 9, seed: ['seed', 'value'] } },
      s: { type: 't.sample', inputs: { latent: ['lat', 'latent'], sampler: 'heun', denoise: 0.35 } },
      dec: { type: 't.decode', inputs: { latent: ['s', 'latent'] }, meta: { position: { x: 10, y: 20 } } },
      save: { type: 't.save', inputs: { images: ['dec', 'images'], fps: 24 } },
    },
    meta: {
      title: 'Base',
      groups: [{ id: 'g1', title: 'Sampling', bounds: { x: 0, y: 0, width: 100, height: 50 } }],
      notes: [{ id: 'n1', text: 'hello', position: { x: 1, y: 2 } }],
      viewport: { x: 0, y: 0, zoom: 1 },
    },
  };
}

/** A document of the given nodes with one output node reading `show` from `from`. */
export function docOf(nodes: Record<string, unknown>): Record<string, unknown> {
  return { version: 2, nodes };
}

/** latent → sample → decode, fed a seed and a width, giving images: the middle of `baseDoc`. */
export const sampler: SubgraphDefinition = {
  name: 'Sampler',
  inputs: [
    { name: 'seed', type: 'INT' },
    { name: 'width', type: 'INT' },
  ],
  outputs: [{ name: 'images', type: 'IMAGE', from: ['dec', 'images'] }],
  nodes: {
    lat: { type: 't.latent', inputs: { width: ['$inputs', 'width'], frames: 9, seed: ['$inputs', 'seed'] } },
    s: { type: 't.sample', inputs: { latent: ['lat', 'latent'], sampler: 'heun', denoise: 0.35 } },
    dec: { type: 't.decode', inputs: { latent: ['s', 'latent'] } },
  },
};

export function withSubgraph(
  def: SubgraphDefinition = sampler,
  inputs: GraphDocument['nodes'][string]['inputs'] = {},
): GraphDocument {
  return {
    version: 2,
    definitions: { subgraphs: { smp: def } },
    nodes: {
      seed: { type: 't.int', inputs: { value: 7 } },
      sg: { type: 'subgraph:smp', inputs: { seed: ['seed', 'value'], width: 128, ...inputs } },
      save: { type: 't.save', inputs: { images: ['sg', 'images'], fps: 24 } },
    },
  };
}
