/** Text conditioning, latents and the VAE. */

import type { GraphNode } from '@reelgraph/graph';
import type { ApiNode } from '../format';
import type { BuildContext, ClassTable, ExportContext, Flow, OutputMap, TypeExporter } from '../mapping';
import { out, w } from '../mapping';
import { ev, inputs, lv } from './values';

const size = [w.int('width', 832), w.int('height', 480), w.int('length', 33), w.int('batch_size', 1)];

/** A blank latent clip; ComfyUI's empty latents need no VAE, Reelgraph's takes the graph's. */
function emptyLatent(ctx: BuildContext, suffix: string, vae = ctx.vae()): string {
  return ctx.emit(suffix, 'video.empty_latent', {
    vae,
    width: lv(ctx, 'width'),
    height: lv(ctx, 'height'),
    frames: lv(ctx, 'length'),
    batch: lv(ctx, 'batch_size'),
  });
}

/** Wan's image-to-video latents: an empty clip, opened on the start image when one is linked. */
function wanLatent(ctx: BuildContext): Flow {
  const vae = ctx.link('vae');
  const start = ctx.link('start_image');
  if (!start) return { link: [emptyLatent(ctx, '', vae), 'latent'] };
  const empty = emptyLatent(ctx, '.empty', vae);
  const id = ctx.emit('', 'video.image_to_video', { vae, start_image: start, latent: [empty, 'latent'] });
  return { link: [id, 'latent'] };
}

const empty = (cls: string): ClassTable => ({
  class: cls,
  category: 'latent/video',
  widgets: size,
  sockets: {},
  outputs: out(['LATENT', 'LATENT']),
  build: (ctx) => [{ link: [emptyLatent(ctx, ''), 'latent'] }],
});

const EMPTY = ['EmptyHunyuanLatentVideo', 'EmptyLTXVLatentVideo', 'EmptyMochiLatentVideo'];

export const latentClasses: ClassTable[] = [
  {
    class: 'CLIPTextEncode',
    category: 'conditioning',
    widgets: [w.string('text', '', { multiline: true })],
    sockets: { clip: 'CLIP' },
    outputs: out(['CONDITIONING', 'CONDITIONING']),
    build: (ctx) => {
      const id = ctx.emit('', 'video.text_encode', { text_encoder: ctx.link('clip'), text: lv(ctx, 'text') });
      return [{ link: [id, 'conditioning'] }];
    },
  },
  ...EMPTY.map(empty),
  {
    class: 'Wan22ImageToVideoLatent',
    category: 'conditioning/inpaint',
    widgets: size,
    sockets: { vae: 'VAE', start_image: 'IMAGE' },
    optional: ['start_image'],
    outputs: out(['LATENT', 'LATENT']),
    build: (ctx) => [wanLatent(ctx)],
  },
  {
    class: 'WanImageToVideo',
    category: 'conditioning/video_models',
    widgets: size,
    sockets: {
      positive: 'CONDITIONING',
      negative: 'CONDITIONING',
      vae: 'VAE',
      clip_vision_output: 'CLIP_VISION_OUTPUT',
      start_image: 'IMAGE',
    },
    optional: ['clip_vision_output', 'start_image'],
    outputs: out(['positive', 'CONDITIONING'], ['negative', 'CONDITIONING'], ['latent', 'LATENT']),
    // A linked clip_vision_output has no Reelgraph input: the link accounting keeps that node foreign.
    // The conditioning passes on to the samplers; the node keeps its links and the samplers a pointer
    // to it, so that export wires the conditioning through WanImageToVideo again.
    build: (ctx) => {
      ctx.keepLink('positive');
      ctx.keepLink('negative');
      const through = { class: 'WanImageToVideo', values: { node: ctx.id } };
      const pass = (f: Flow | undefined) => f && { ...f, via: through };
      return [pass(ctx.flow('positive')), pass(ctx.flow('negative')), wanLatent(ctx)];
    },
  },
  {
    class: 'VAEDecode',
    category: 'latent',
    widgets: [],
    sockets: { samples: 'LATENT', vae: 'VAE' },
    outputs: out(['IMAGE', 'IMAGE']),
    build: (ctx) => {
      const id = ctx.emit('', 'video.vae_decode', { latent: ctx.link('samples'), vae: ctx.link('vae') });
      return [{ link: [id, 'images'] }];
    },
  },
  {
    class: 'VAEDecodeTiled',
    category: 'latent',
    widgets: [
      w.int('tile_size', 512),
      w.int('overlap', 64),
      w.int('temporal_size', 64),
      w.int('temporal_overlap', 8),
    ],
    sockets: { samples: 'LATENT', vae: 'VAE' },
    outputs: out(['IMAGE', 'IMAGE']),
    build: (ctx) => {
      // Reelgraph decodes a few latent frames at a time (chunk) instead of in spatial tiles.
      const id = ctx.emit('', 'video.vae_decode', { latent: ctx.link('samples'), vae: ctx.link('vae') });
      return [{ link: [id, 'images'] }];
    },
  },
  {
    class: 'VAEEncode',
    category: 'latent',
    widgets: [],
    sockets: { pixels: 'IMAGE', vae: 'VAE' },
    outputs: out(['LATENT', 'LATENT']),
    build: (ctx) => {
      const id = ctx.emit('', 'video.vae_encode', { images: ctx.link('pixels'), vae: ctx.link('vae') });
      return [{ link: [id, 'latent'] }];
    },
  },
];

export const latentExporters: TypeExporter[] = [
  {
    type: 'video.text_encode',
    outputs: { conditioning: ['', 0] },
    emit: (ctx) => ({
      '': {
        class_type: 'CLIPTextEncode',
        inputs: inputs({ clip: ctx.link('text_encoder'), text: ev(ctx, 'text') }),
      },
    }),
  },
  {
    type: 'video.empty_latent',
    outputs: wanOutputs,
    emit: (ctx) => {
      if (ctx.origin === 'WanImageToVideo') return wanImageToVideo(ctx, ctx.node);
      // The class it came from (ComfyUI has one per model family); Wan 2.2's also takes the VAE.
      const wan = ctx.origin === 'Wan22ImageToVideoLatent';
      const cls =
        wan || EMPTY.includes(ctx.origin ?? '') ? (ctx.origin as string) : 'EmptyHunyuanLatentVideo';
      return {
        '': {
          class_type: cls,
          inputs: inputs({
            ...(wan ? { vae: ctx.link('vae') } : {}),
            width: ev(ctx, 'width'),
            height: ev(ctx, 'height'),
            length: ev(ctx, 'frames'),
            batch_size: ev(ctx, 'batch'),
          }),
        },
      };
    },
  },
  {
    type: 'video.image_to_video',
    outputs: wanOutputs,
    emit: (ctx): Record<string, ApiNode> => {
      // The importer's shape: an empty latent of its own (id + ".empty") that nothing else reads.
      const src = ctx.source('latent');
      const own = src && src.id === `${ctx.id}.empty` && src.node.type === 'video.empty_latent';
      if (!own || ctx.consumers(src.id) !== 1) {
        ctx.warn(
          'only an image-to-video node fed by its own empty latent has a ComfyUI form (Wan22ImageToVideoLatent)',
        );
        return {};
      }
      ctx.absorb(src.id);
      if (ctx.origin === 'WanImageToVideo') return wanImageToVideo(ctx, src.node);
      const size = (name: string) => ctx.convert(src.node.inputs[name]);
      return {
        '': {
          class_type: 'Wan22ImageToVideoLatent',
          inputs: inputs({
            vae: ctx.link('vae'),
            start_image: ctx.link('start_image'),
            width: size('width'),
            height: size('height'),
            length: size('frames'),
            batch_size: size('batch'),
          }),
        },
      };
    },
  },
  {
    type: 'video.vae_decode',
    outputs: { images: ['', 0] },
    emit: (ctx) => ({
      '': {
        // VAEDecodeTiled's tile settings come back from the node's ComfyUI values.
        class_type: ctx.origin === 'VAEDecodeTiled' ? 'VAEDecodeTiled' : 'VAEDecode',
        inputs: inputs({ samples: ctx.link('latent'), vae: ctx.link('vae') }),
      },
    }),
  },
  {
    type: 'video.vae_encode',
    outputs: { latent: ['', 0] },
    emit: (ctx) => ({
      '': { class_type: 'VAEEncode', inputs: inputs({ pixels: ctx.link('images'), vae: ctx.link('vae') }) },
    }),
  },
];

/** WanImageToVideo's latent is its output 2 (after the conditioning it passes on). */
function wanOutputs(node: GraphNode): OutputMap {
  return { latent: ['', node.meta?.comfy?.class === 'WanImageToVideo' ? 2 : 0] };
}

/** A Wan latent imported from WanImageToVideo, written back with the conditioning it passed on. */
function wanImageToVideo(ctx: ExportContext, size: GraphNode): Record<string, ApiNode> {
  const links = ctx.node.meta?.comfy?.links ?? {};
  const positive = ctx.convert(links.positive);
  const negative = ctx.convert(links.negative);
  if (positive === undefined || negative === undefined)
    ctx.warn('the conditioning it passed on is gone: WanImageToVideo is written without positive/negative');
  const dim = (name: string) => ctx.convert(size.inputs[name]);
  return {
    '': {
      class_type: 'WanImageToVideo',
      inputs: inputs({
        positive,
        negative,
        vae: ctx.link('vae'),
        start_image: ctx.link('start_image'),
        width: dim('width'),
        height: dim('height'),
        length: dim('frames'),
        batch_size: dim('batch'),
      }),
    },
  };
}
