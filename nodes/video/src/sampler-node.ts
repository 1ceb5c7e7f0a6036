import { encodeAnimated } from '@reelgraph/media';
import {
  batchNoise,
  denoiseSigmas,
  guidedVelocity,
  latentToRgb,
  noised,
  replaceKnown,
  SAMPLERS,
  SCHEDULERS,
  type Shape5,
  sample,
  type VideoModel,
} from '@reelgraph/runtime';
import { defineNode, input, type NodeContext } from '@reelgraph/sdk';
import { samplerDefaults } from './util';

/** Previews are published at most this often (plus the last step). */
export const PREVIEW_INTERVAL_MS = 250;

export const Sampler = defineNode({
  type: 'video.sampler',
  title: 'DiT sampler',
  category: 'video/sampling',
  description:
    'Denoise a latent clip with the diffusion transformer (flow matching, classifier-free guidance). Publishes an animated preview while it works; cancellable between steps.',
  inputs: {
    dit: input.socket('DIT', { tooltip: 'From Load video model' }),
    positive: input.socket('CONDITIONING', { tooltip: 'What the clip should show' }),
    negative: input.socket('CONDITIONING', {
      optional: true,
      tooltip: 'What to steer away from; the empty prompt when not connected',
    }),
    latent: input.socket('LATENT', {
      tooltip: 'Empty latent, image-to-video latent, or an encoded clip to edit',
    }),
    noise: input.socket('NOISE', { tooltip: 'Seeded noise' }),
    steps: input.int({ default: 20, min: 1, max: 1000, tooltip: 'Sampling steps in the full schedule' }),
    cfg: input.float({
      default: 5,
      min: 0,
      max: 30,
      step: 0.1,
      tooltip: 'Guidance scale: how strongly to follow the prompt (1 = no guidance, one model call per step)',
    }),
    shift: input.float({
      default: 3,
      min: 0.1,
      max: 20,
      step: 0.1,
      tooltip: 'Sigma shift: higher spends more steps at high noise (composition and motion)',
    }),
    scheduler: input.combo(SCHEDULERS, {
      tooltip:
        'Spacing of noise levels: shift (Wan/SD3 linear + shift), karras (ρ = 7), beta (dense at both ends)',
    }),
    sampler: input.combo(SAMPLERS, {
      tooltip:
        'euler: one model call per step; heun: second order, two calls per step (fewer steps for the same quality)',
    }),
    denoise: input.float({
      default: 1,
      min: 0.01,
      max: 1,
      step: 0.01,
      tooltip:
        'Below 1 keeps part of the input latent (video-to-video): 0.6 changes a clip, 0.3 touches it up',
    }),
    start_step: input.int({
      default: 0,
      min: 0,
      max: 10000,
      tooltip: 'First step to run; with end step, lets two samplers share one schedule',
    }),
    end_step: input.int({
      default: 10000,
      min: 0,
      max: 10000,
      tooltip:
        'Stop before this step, returning a still-noisy latent for a second sampler (start step = this)',
    }),
    add_noise: input.boolean({
      default: true,
      tooltip: 'Noise the input to the start level; turn off when continuing a latent from another sampler',
    }),
  },
  outputs: { latent: { type: 'LATENT', tooltip: 'The denoised latent; to VAE decode' } },
  inputsFor: (services) => {
    const d = samplerDefaults(services);
    return { steps: { default: d.steps }, cfg: { default: d.cfg }, shift: { default: d.shift } };
  },
  run: async (i, ctx) => {
    const model = i.dit;
    const shape = i.latent.shape;
    if (i.latent.family && i.latent.family !== model.manifest.family)
      throw new Error(`The latent was made for "${i.latent.family}" models, not "${model.manifest.family}"`);
    if (shape[1] !== model.latentChannels)
      throw new Error(`The latent has ${shape[1]} channels; ${model.id} works on ${model.latentChannels}`);
    const sigmas = denoiseSigmas(
      i.steps,
      i.shift,
      i.denoise,
      i.scheduler,
      model.manifest.sampler.sigma_max ?? 1,
    );
    const start = Math.min(i.start_step, i.steps);
    const end = Math.min(i.end_step, i.steps);
    if (end <= start) return { latent: i.latent };
    const [B, C, T, H, W] = shape;
    const perItem = C * T * H * W;
    let x = i.latent.data;
    if (i.add_noise) x = noised(x, batchNoise(i.noise.seed, B, perItem), sigmas[start] as number);

    const negative = i.negative?.context ?? (await model.emptyContext());
    const velocity = guidedVelocity({
      model,
      shape,
      positive: i.positive.context,
      negative,
      cfg: i.cfg,
      ...(i.latent.known ? { known: i.latent.known } : {}),
    });
    const preview = new LatentPreview(ctx, model, shape);
    const out = await sample(x, velocity, {
      sigmas,
      sampler: i.sampler,
      startStep: start,
      endStep: end,
      signal: ctx.signal,
      onStep: (s) => {
        ctx.progress(s.step, s.total);
        preview.maybe(s.denoised, start + s.step);
      },
    });
    await preview.flush();
    if (end === i.steps && i.latent.known && model.manifest.conditioning.known_frames_replace !== 'none')
      replaceKnown(out, shape, i.latent.known);
    return { latent: { ...i.latent, data: out } };
  },
});

/**
 * Time-throttled animated WebP of the clean estimate, from the manifest's latent→RGB projection.
 * Encoding runs on sharp's worker thread while the sampler goes on (one at a time); `flush` waits for
 * the one in flight so it is published before the node finishes.
 */
class LatentPreview {
  #last = Number.NEGATIVE_INFINITY;
  #inflight: Promise<void> | undefined;
  constructor(
    private readonly ctx: NodeContext,
    private readonly model: VideoModel,
    private readonly shape: Shape5,
  ) {}

  maybe(denoised: Float32Array, step: number): void {
    const now = performance.now();
    if (this.#inflight || now - this.#last < PREVIEW_INTERVAL_MS) return;
    this.#last = now;
    const [, , T, H, W] = this.shape;
    const rgb = latentToRgb(this.model.manifest, denoised, this.shape, 0);
    const scale = Math.max(1, Math.floor(64 / Math.max(H, W)));
    const m = this.model.manifest;
    const fps = m.video.fps / m.latent.temporal_compression;
    this.#inflight = encodeAnimated(
      { width: W, height: H, count: T, batch: 1, data: rgb },
      { format: 'webp', fps, scale, fast: true },
    )
      .then((data) =>
        this.ctx.preview({ mime: 'image/webp', data, width: W * scale, height: H * scale, frames: T, step }),
      )
      .catch((err: Error) => this.ctx.log.warn(`preview failed: ${err.message}`))
      .finally(() => {
        this.#inflight = undefined;
      });
  }

  flush(): Promise<void> | undefined {
    return this.#inflight;
  }
}
