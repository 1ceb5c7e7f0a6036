/** Images in, videos out; ComfyUI's primitive nodes; known classes that have no Reelgraph equivalent. */

import type { InputValue } from '@reelgraph/graph';
import type { ApiNode } from '../format';
import type { BuildContext, ClassTable, ExportContext, Flow, TypeExporter } from '../mapping';
import { NotMappable, out, w } from '../mapping';
import { ev, inputs, lv } from './values';

type Format = 'mp4' | 'webm' | 'webp';

/**
 * Reelgraph file prefixes are relative paths of [A-Za-z0-9_.-] segments ("video/ComfyUI" is one); other
 * characters (spaces, "%date%" patterns) become "_".
 */
export function safePrefix(ctx: BuildContext, name: string): InputValue | undefined {
  const v = lv(ctx, name);
  if (typeof v !== 'string') return v;
  const safe = v
    .split(/[\\/]+/)
    .map((seg) => seg.replace(/[^\w.-]/g, '_').replace(/^[.]+/, ''))
    .filter((seg) => seg !== '')
    .join('/');
  const result = safe === '' ? 'ComfyUI' : safe;
  if (result !== v) ctx.warn(`file prefix "${v}" written as "${result}"`);
  return result;
}

function save(ctx: BuildContext, images: Flow['link'], fps: unknown, format: Format, quality?: unknown) {
  ctx.emit('', 'video.save', {
    images,
    fps: fps as number | undefined,
    format,
    prefix: safePrefix(ctx, 'filename_prefix'),
    ...(quality !== undefined ? { quality: quality as number } : {}),
  });
  return [];
}

const prefix = w.string('filename_prefix', 'ComfyUI');
const images = { images: 'IMAGE' };

export const ioClasses: ClassTable[] = [
  {
    class: 'LoadImage',
    category: 'image',
    widgets: [w.combo('image', []), { name: 'upload', type: 'STRING', uiOnly: true }],
    sockets: {},
    outputs: out(['IMAGE', 'IMAGE'], ['MASK', 'MASK']),
    build: (ctx) => [{ link: [ctx.emit('', 'video.load_image', { image: lv(ctx, 'image') }), 'image'] }],
  },
  {
    class: 'CreateVideo',
    category: 'image/video',
    widgets: [w.float('fps', 30)],
    sockets: { images: 'IMAGE', audio: 'AUDIO' },
    optional: ['audio'],
    outputs: out(['VIDEO', 'VIDEO']),
    build: (ctx) => {
      if (ctx.link('audio')) throw new NotMappable('its audio input has no Reelgraph source');
      const images = ctx.link('images');
      return [{ ...(images ? { links: { images } } : {}), params: { fps: lv(ctx, 'fps') as number } }];
    },
  },
  {
    class: 'SaveVideo',
    category: 'image/video',
    output: true,
    widgets: [prefix, w.combo('format', ['auto', 'mp4', 'webm']), w.combo('codec', ['auto', 'h264'])],
    sockets: { video: 'VIDEO' },
    outputs: [],
    build: (ctx) => {
      const video = ctx.flow('video');
      if (video?.link) throw new NotMappable('its video comes from a node other than CreateVideo');
      const format = ctx.value('format') === 'webm' ? 'webm' : 'mp4';
      return save(ctx, video?.links?.images, video?.params?.fps, format);
    },
  },
  {
    class: 'SaveWEBM',
    category: 'image/video',
    output: true,
    widgets: [prefix, w.combo('codec', ['vp9', 'av1']), w.float('fps', 24), w.float('crf', 32)],
    sockets: images,
    outputs: [],
    build: (ctx) => {
      const crf = ctx.value('crf');
      return save(
        ctx,
        ctx.link('images'),
        lv(ctx, 'fps'),
        'webm',
        typeof crf === 'number' ? Math.round(crf) : undefined,
      );
    },
  },
  {
    class: 'SaveAnimatedWEBP',
    category: 'image/animation',
    output: true,
    widgets: [
      prefix,
      w.float('fps', 6),
      w.bool('lossless', true),
      w.int('quality', 80),
      w.combo('method', ['default', 'fastest', 'slowest']),
    ],
    sockets: images,
    outputs: [],
    build: (ctx) => save(ctx, ctx.link('images'), lv(ctx, 'fps'), 'webp', lv(ctx, 'quality')),
  },
  {
    class: 'SaveAnimatedPNG',
    category: 'image/animation',
    output: true,
    widgets: [prefix, w.float('fps', 6), w.int('compress_level', 4)],
    sockets: images,
    outputs: [],
    build: (ctx) => {
      ctx.warn('Reelgraph writes no animated PNG: saved as animated WebP');
      return save(ctx, ctx.link('images'), lv(ctx, 'fps'), 'webp');
    },
  },
  {
    class: 'PreviewImage',
    category: 'image',
    output: true,
    widgets: [],
    sockets: images,
    outputs: [],
    build: (ctx) => {
      ctx.emit('', 'video.preview', { images: ctx.link('images') });
      return [];
    },
  },
  ...(
    [
      // ComfyUI's PrimitiveInt has control_after_generate: its "fixed"/"randomize" follows the value.
      ['PrimitiveInt', 'core.int', 'INT', w.int('value', 0, { control: true })],
      ['PrimitiveFloat', 'core.float', 'FLOAT', w.float('value', 0)],
      ['PrimitiveString', 'core.string', 'STRING', w.string('value')],
      ['PrimitiveStringMultiline', 'core.string', 'STRING', w.string('value', '', { multiline: true })],
      ['PrimitiveBoolean', 'core.boolean', 'BOOLEAN', w.bool('value', false)],
    ] as const
  ).map(
    ([cls, type, socket, widget]): ClassTable => ({
      class: cls,
      category: 'utils/primitive',
      widgets: [widget],
      sockets: {},
      outputs: out([socket, socket]),
      build: (ctx) => [{ link: [ctx.emit('', type, { value: lv(ctx, 'value') }), 'value'] }],
    }),
  ),
];

/** Known classes with no Reelgraph equivalent: the tables name their widgets, so they import as foreign nodes with named values. */
export const foreignClasses: ClassTable[] = [
  {
    class: 'LoraLoader',
    widgets: [w.combo('lora_name', []), w.float('strength_model', 1), w.float('strength_clip', 1)],
    sockets: { model: 'MODEL', clip: 'CLIP' },
    outputs: out(['MODEL', 'MODEL'], ['CLIP', 'CLIP']),
  },
  {
    class: 'LoraLoaderModelOnly',
    widgets: [w.combo('lora_name', []), w.float('strength_model', 1)],
    sockets: { model: 'MODEL' },
    outputs: out(['MODEL', 'MODEL']),
  },
  {
    class: 'CLIPVisionLoader',
    widgets: [w.combo('clip_name', [])],
    sockets: {},
    outputs: out(['CLIP_VISION', 'CLIP_VISION']),
  },
  {
    class: 'CLIPVisionEncode',
    widgets: [w.combo('crop', ['center', 'none'])],
    sockets: { clip_vision: 'CLIP_VISION', image: 'IMAGE' },
    outputs: out(['CLIP_VISION_OUTPUT', 'CLIP_VISION_OUTPUT']),
  },
  {
    class: 'WanVaceToVideo',
    widgets: [
      w.int('width', 832),
      w.int('height', 480),
      w.int('length', 81),
      w.int('batch_size', 1),
      w.float('strength', 1),
    ],
    sockets: {
      positive: 'CONDITIONING',
      negative: 'CONDITIONING',
      vae: 'VAE',
      control_video: 'IMAGE',
      control_masks: 'MASK',
      reference_image: 'IMAGE',
    },
    optional: ['control_video', 'control_masks', 'reference_image'],
    outputs: out(
      ['positive', 'CONDITIONING'],
      ['negative', 'CONDITIONING'],
      ['latent', 'LATENT'],
      ['trim_latent', 'INT'],
    ),
  },
  {
    class: 'TrimVideoLatent',
    widgets: [w.int('trim_amount', 0)],
    sockets: { samples: 'LATENT' },
    outputs: out(['LATENT', 'LATENT']),
  },
  { class: 'SaveImage', output: true, widgets: [prefix], sockets: images, outputs: [] },
];

const fpsOf = (ctx: ExportContext) => ev(ctx, 'fps');

export const ioExporters: TypeExporter[] = [
  {
    type: 'video.load_image',
    outputs: { image: ['', 0] },
    emit: (ctx) => ({ '': { class_type: 'LoadImage', inputs: inputs({ image: ev(ctx, 'image') }) } }),
  },
  {
    type: 'video.save',
    outputs: {},
    emit: (ctx): Record<string, ApiNode> => {
      const format = ctx.value('format') ?? 'mp4';
      const prefixValue = ev(ctx, 'prefix');
      const quality = ctx.node.inputs.quality;
      // From a SaveVideo, its own codec value comes back with the node's ComfyUI values.
      const codec = ctx.origin === 'SaveVideo' && ctx.node.meta?.comfy?.values?.codec ? undefined : 'h264';
      const video = (fmt: string): Record<string, ApiNode> => ({
        '.video': {
          class_type: 'CreateVideo',
          inputs: inputs({ images: ctx.link('images'), fps: fpsOf(ctx) }),
        },
        '': {
          class_type: 'SaveVideo',
          inputs: inputs({ video: [`${ctx.id}.video`, 0], filename_prefix: prefixValue, format: fmt, codec }),
        },
      });
      switch (format) {
        case 'webm':
          if (ctx.origin === 'SaveVideo') return video('webm');
          return {
            '': {
              class_type: 'SaveWEBM',
              inputs: inputs({
                images: ctx.link('images'),
                filename_prefix: prefixValue,
                codec: 'vp9',
                fps: fpsOf(ctx),
                crf: quality === undefined ? 32 : ctx.convert(quality),
              }),
            },
          };
        case 'webp':
          if (ctx.origin === 'SaveAnimatedPNG')
            return {
              '': {
                class_type: 'SaveAnimatedPNG',
                inputs: inputs({ images: ctx.link('images'), filename_prefix: prefixValue, fps: fpsOf(ctx) }),
              },
            };
          return {
            '': {
              class_type: 'SaveAnimatedWEBP',
              inputs: inputs({
                images: ctx.link('images'),
                filename_prefix: prefixValue,
                fps: fpsOf(ctx),
                lossless: false,
                quality: quality === undefined ? undefined : ctx.convert(quality),
                method: 'default',
              }),
            },
          };
        case 'mp4':
          return video('mp4');
        default:
          ctx.warn(`ComfyUI's core nodes save no ${String(format)}`);
          return {};
      }
    },
  },
  {
    type: 'video.preview',
    outputs: {},
    emit: (ctx) => ({ '': { class_type: 'PreviewImage', inputs: inputs({ images: ctx.link('images') }) } }),
  },
  ...(
    [
      ['core.int', 'PrimitiveInt'],
      ['core.float', 'PrimitiveFloat'],
      ['core.string', 'PrimitiveString'],
      ['core.boolean', 'PrimitiveBoolean'],
    ] as const
  ).map(
    ([type, cls]): TypeExporter => ({
      type,
      outputs: { value: ['', 0] },
      emit: (ctx) => ({ '': { class_type: cls, inputs: inputs({ value: ev(ctx, 'value') }) } }),
    }),
  ),
];
