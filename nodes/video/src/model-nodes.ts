import type { ExecutionProvider } from '@reelgraph/runtime';
import { defineNode, input } from '@reelgraph/sdk';
import { modelConstraintsOn, modelIds, runtimeOf } from './util';

export const LoadModel = defineNode({
  type: 'video.load_model',
  title: 'Load video model',
  category: 'video/loaders',
  description:
    'Load a text-to-video model folder (model.json + ONNX files) from models/ or REELGRAPH_MODEL_DIRS. Sessions are cached and shared by every node and job.',
  inputs: {
    model: input.combo([] as string[], {
      tooltip: 'Model folder; the list is every valid model this host found when it loaded its packs',
    }),
    device: input.combo(['cpu', 'cuda', 'webgpu'] as const, {
      tooltip: 'Execution provider to try first; falls back to CPU when it is not available on this machine',
    }),
    threads: input.int({
      default: 0,
      min: 0,
      max: 256,
      tooltip: 'Intra-op threads for onnxruntime; 0 lets onnxruntime choose (one per core)',
    }),
  },
  // The DiT first, as ComfyUI's loaders put MODEL first: it feeds the sampler's top socket, so its link
  // need not cross the prompt's (graphs/*.json lay out without crossings only in this order).
  outputs: {
    dit: { type: 'DIT', tooltip: 'The diffusion transformer the sampler runs' },
    text_encoder: { type: 'TEXT_ENCODER', tooltip: 'Turns prompts into conditioning' },
    vae: { type: 'VAE', tooltip: 'Encodes frames to latents and decodes latents to frames' },
  },
  inputsFor: (services) => {
    const ids = modelIds(services);
    return {
      model: {
        options: ids,
        models: modelConstraintsOn(services),
        ...(ids[0] !== undefined ? { default: ids[0] } : {}),
      },
    };
  },
  run: async ({ model, device, threads }, ctx) => {
    const runtime = runtimeOf(ctx);
    const m = runtime.load(model, {
      ...(threads ? { intraOpThreads: threads } : {}),
      ...(device !== 'cpu' ? { executionProviders: [device as ExecutionProvider] } : {}),
    });
    // Load and verify every file now, so a broken model fails here with a clear message.
    await Promise.all(
      (['text_encoder', 'dit', 'vae_encoder', 'vae_decoder'] as const).map((k) => m.session(k)),
    );
    return { text_encoder: m, dit: m, vae: m };
  },
});

export const TextEncode = defineNode({
  type: 'video.text_encode',
  title: 'Text encode',
  category: 'video/conditioning',
  description: "Encode a prompt with the model's tokenizer and text encoder.",
  inputs: {
    text_encoder: input.socket('TEXT_ENCODER', { tooltip: 'From Load video model' }),
    text: input.string({
      multiline: true,
      default: 'a red circle moves right on a blue background',
      tooltip:
        'The prompt. The tiny model knows colours, shapes (circle, square, triangle, diamond) and motions',
      modelRule: { via: 'text_encoder', rule: 'prompt' },
    }),
  },
  outputs: { conditioning: { type: 'CONDITIONING', tooltip: 'Feed to the sampler as positive or negative' } },
  run: async ({ text_encoder, text }, ctx) => {
    const unknown = text_encoder.tokenizer.unknownWords(text);
    if (unknown.length) ctx.log.warn(`words the model does not know are ignored: ${unknown.join(', ')}`);
    const context = await text_encoder.encodeText([text]);
    return { conditioning: { context, text, model: text_encoder.id } };
  },
});
