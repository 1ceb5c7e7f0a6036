/** ComfyUI's model loaders → `video.load_model` (one Reelgraph model folder holds all three parts). */
import type { ClassTable, TypeExporter, WidgetSpec } from '../mapping';
import { out, w } from '../mapping';
import { matchModel } from '../model-names';

type Part = 'dit' | 'text_encoder' | 'vae';

function loader(
  cls: string,
  widgets: WidgetSpec[],
  outputs: [name: string, type: string, part: Part][],
): ClassTable {
  const file = widgets[0]?.name as string;
  return {
    class: cls,
    category: 'loaders',
    widgets,
    sockets: {},
    outputs: out(...outputs.map(([n, t]) => [n, t] as [string, string])),
    build: (ctx) => {
      const id = ctx.emit('', 'video.load_model', { model: ctx.model(file) });
      return outputs.map(([, , part]) => ({ link: [id, part] }));
    },
  };
}

const CLIP_TYPES = ['wan', 'ltxv', 'hunyuan_video', 'mochi', 'stable_diffusion', 'sd3', 'flux'];

export const loaderClasses: ClassTable[] = [
  loader(
    'CheckpointLoaderSimple',
    [w.combo('ckpt_name', [])],
    [
      ['MODEL', 'MODEL', 'dit'],
      ['CLIP', 'CLIP', 'text_encoder'],
      ['VAE', 'VAE', 'vae'],
    ],
  ),
  loader(
    'UNETLoader',
    [
      w.combo('unet_name', []),
      w.combo('weight_dtype', ['default', 'fp8_e4m3fn', 'fp8_e4m3fn_fast', 'fp8_e5m2']),
    ],
    [['MODEL', 'MODEL', 'dit']],
  ),
  loader(
    'CLIPLoader',
    [w.combo('clip_name', []), w.combo('type', CLIP_TYPES), w.combo('device', ['default', 'cpu'])],
    [['CLIP', 'CLIP', 'text_encoder']],
  ),
  loader(
    'DualCLIPLoader',
    [
      w.combo('clip_name1', []),
      w.combo('clip_name2', []),
      w.combo('type', ['hunyuan_video', 'flux', 'sd3', 'sdxl']),
      w.combo('device', ['default', 'cpu']),
    ],
    [['CLIP', 'CLIP', 'text_encoder']],
  ),
  loader('VAELoader', [w.combo('vae_name', [])], [['VAE', 'VAE', 'vae']]),
];

/** Each loader class: its file widget and which Reelgraph part each of its outputs is. */
const LOADED: Record<string, { file: string; parts: Part[] }> = {
  CheckpointLoaderSimple: { file: 'ckpt_name', parts: ['dit', 'text_encoder', 'vae'] },
  UNETLoader: { file: 'unet_name', parts: ['dit'] },
  CLIPLoader: { file: 'clip_name', parts: ['text_encoder'] },
  DualCLIPLoader: { file: 'clip_name1', parts: ['text_encoder'] },
  VAELoader: { file: 'vae_name', parts: ['vae'] },
};
/** The class a model node is written as: the loader it came from, else a checkpoint (all three parts). */
const loaded = (origin: string | undefined) =>
  (origin && LOADED[origin] ? origin : 'CheckpointLoaderSimple') as keyof typeof LOADED;

export const loaderExporters: TypeExporter[] = [
  {
    type: 'video.load_model',
    outputs: (node) =>
      Object.fromEntries(
        (LOADED[loaded(node.meta?.comfy?.class)]?.parts ?? []).map((p, i) => [p, ['', i] as const]),
      ),
    emit: (ctx) => {
      const cls = loaded(ctx.origin);
      const file = LOADED[cls]?.file as string;
      const model = ctx.value('model');
      // The file it was imported from, while the node still loads the local model that file matched.
      const original = cls === ctx.origin ? ctx.node.meta?.comfy?.values?.[file] : undefined;
      const same =
        typeof original === 'string' && typeof model === 'string' && matchModel(original, [model]) === model;
      return { '': { class_type: cls, inputs: { [file]: same ? original : model } } };
    },
  },
];
