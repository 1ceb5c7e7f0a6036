import { validateGraph } from '@reelgraph/graph';
import { type AnyNodeDefinition, defineNode, input, toCatalog } from '@reelgraph/sdk';
import { describe, expect, it } from 'vitest';
import { importComfy, mappingsFor, toApiPrompt } from '../src';
import { builtinNodes } from './fixtures/catalog';
import { wan21T2v } from './fixtures/wan21-t2v';

/** A pack's node claiming a custom ComfyUI class, declared the way a plugin author writes it. */
const Sharpen = defineNode({
  type: 'fx.sharpen',
  title: 'Sharpen',
  category: 'fx',
  description: 'Sharpen frames',
  inputs: {
    images: input.socket('IMAGE'),
    amount: input.float({ default: 1, min: 0, max: 5 }),
    mode: input.combo(['unsharp', 'laplace'] as const),
  },
  outputs: { images: 'IMAGE' },
  comfy: {
    class: 'ImageSharpenPro',
    inputs: { image: 'images', strength: 'amount' },
    widgets: ['strength', 'mode'],
  },
  run: ({ images }) => ({ images }),
});

const catalog = toCatalog([...builtinNodes, Sharpen as AnyNodeDefinition]);

describe('ComfyUI classes claimed by packs', () => {
  it('the catalog carries the claim, and imports map the class onto the pack node', () => {
    expect(catalog.nodes['fx.sharpen']?.comfy?.class).toBe('ImageSharpenPro');
    const wf = wan21T2v() as { nodes: any[]; links: any[] };
    // Put the custom node between the decoder and the save: 8 → 99 → 49.
    wf.nodes.push({
      id: 99,
      type: 'ImageSharpenPro',
      mode: 0,
      inputs: [{ name: 'image', type: 'IMAGE', link: 900 }],
      outputs: [{ name: 'IMAGE', type: 'IMAGE', links: [901] }],
      widgets_values: [2.5, 'laplace'],
    });
    const toCreate = wf.links.find((l) => l[3] === 49);
    toCreate[0] = 901;
    toCreate[1] = 99;
    wf.links.push([900, 8, 0, 99, 0, 'IMAGE']);
    const r = importComfy(wf, { mappings: mappingsFor(catalog) });
    if (!r.ok) throw new Error(r.message);
    expect(r.doc.nodes['99']).toMatchObject({
      type: 'fx.sharpen',
      inputs: { images: ['8', 'images'], amount: 2.5, mode: 'laplace' },
    });
    expect(r.doc.nodes['50']?.inputs.images).toEqual(['99', 'images']);
    expect(validateGraph(r.doc, catalog).filter((e) => e.nodeId === '99')).toEqual([]);

    const { prompt, errors } = toApiPrompt(r.doc, mappingsFor(catalog), catalog);
    expect(errors).toEqual([]);
    expect(prompt['99']).toEqual({
      class_type: 'ImageSharpenPro',
      inputs: { image: ['8', 0], strength: 2.5, mode: 'laplace' },
      _meta: { title: 'ImageSharpenPro' },
    });
  });

  it('without the pack the same class stays foreign', () => {
    const r = importComfy(
      { '1': { class_type: 'ImageSharpenPro', inputs: { strength: 1 } } },
      { mappings: mappingsFor(undefined) },
    );
    expect(r.ok && r.doc.nodes['1']?.type).toBe('comfy/foreign');
  });
});
