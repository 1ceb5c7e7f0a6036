import { type Frames, resizeFrames, sliceFrames, toPlanar } from '@reelgraph/media';
import type { KnownFrames, Latent, VideoModel } from '@reelgraph/runtime';
import { defineNode, input } from '@reelgraph/sdk';

export const EmptyLatent = defineNode({
  type: 'video.empty_latent',
  title: 'Empty latent video',
  category: 'video/latent',
  description:
    'A blank latent clip of the given size for text-to-video. Frames follow the model frame rule (4n+1: 1, 5, 9, 13, 17 …).',
  inputs: {
    vae: input.socket('VAE', { tooltip: 'Sets the latent channels and compression' }),
    width: input.int({
      default: 64,
      min: 8,
      max: 4096,
      step: 8,
      tooltip: 'Width in pixels (a multiple of 8)',
      modelRule: { via: 'vae', rule: 'width' },
    }),
    height: input.int({
      default: 64,
      min: 8,
      max: 4096,
      step: 8,
      tooltip: 'Height in pixels (a multiple of 8)',
      modelRule: { via: 'vae', rule: 'height' },
    }),
    frames: input.int({
      default: 17,
      min: 1,
      max: 1025,
      step: 4,
      tooltip: 'Frames in the clip: 4n+1 (17 frames = 5 latent frames, the tiny model’s training length)',
      modelRule: { via: 'vae', rule: 'frames' },
    }),
    batch: input.int({
      default: 1,
      min: 1,
      max: 64,
      tooltip: 'Clips generated at once (each gets noise from seed + index)',
    }),
  },
  outputs: { latent: { type: 'LATENT', tooltip: 'To the sampler' } },
  run: ({ vae, width, height, frames, batch }) => {
    const shape = vae.latentShape(batch, frames, width, height);
    const latent: Latent = {
      shape,
      data: new Float32Array(shape.reduce((a, b) => a * b, 1)),
      family: vae.manifest.family,
    };
    return { latent };
  },
});

export const Noise = defineNode({
  type: 'video.noise',
  title: 'Noise',
  category: 'video/sampling',
  description:
    'Seeded Gaussian noise. The same seed gives the same video, run after run and machine to machine.',
  inputs: {
    seed: input.seed({ tooltip: 'Noise seed; set the editor to increment or randomize it after each run' }),
  },
  outputs: { noise: { type: 'NOISE', tooltip: 'To the sampler' } },
  run: ({ seed }) => ({ noise: { seed } }),
});

/** Encodes the first `k` frames of each clip as known latent frames `[0, (k−1)/4 + 1)` of `latent`. */
async function withKnownStart(
  vae: VideoModel,
  latent: Latent,
  frames: Frames,
  what: string,
): Promise<Latent> {
  const [B, C, T, H, W] = latent.shape;
  const s = vae.manifest.latent.spatial_compression;
  let f = frames;
  if (f.width !== W * s || f.height !== H * s) f = await resizeFrames(f, W * s, H * s, 'crop');
  const knownT = vae.latentFrames(f.count);
  if (knownT > T)
    throw new Error(`${what}: ${f.count} known frames do not fit a ${vae.pixelFrames(T)}-frame clip`);
  if (f.batch !== 1 && f.batch !== B) throw new Error(`${what}: ${f.batch} clips for a batch of ${B}`);
  const plane = H * W;
  const known: KnownFrames = { mask: new Float32Array(B * T), latent: new Float32Array(B * C * T * plane) };
  const encoded: Float32Array[] = [];
  for (let b = 0; b < f.batch; b++)
    encoded.push(await vae.encodeVideo(toPlanar(f, b), 1, f.count, f.height, f.width));
  for (let b = 0; b < B; b++) {
    const z = encoded[f.batch === 1 ? 0 : b] as Float32Array;
    for (let t = 0; t < knownT; t++) known.mask[b * T + t] = 1;
    for (let c = 0; c < C; c++)
      known.latent.set(z.subarray(c * knownT * plane, (c + 1) * knownT * plane), (b * C + c) * T * plane);
  }
  return { ...latent, known };
}

export const ImageToVideo = defineNode({
  type: 'video.image_to_video',
  title: 'Image to video',
  category: 'video/conditioning',
  description:
    'Start the clip from an image: the image is encoded into the first latent frame (mask + condition latent), so the generated clip opens on it.',
  inputs: {
    vae: input.socket('VAE', { tooltip: 'Encodes the start image' }),
    start_image: input.socket('IMAGE', {
      tooltip: 'The first frame; resized (cropped) to the model size if needed',
    }),
    latent: input.socket('LATENT', { tooltip: 'The clip to fill, from Empty latent video' }),
  },
  outputs: { latent: { type: 'LATENT', tooltip: 'The latent with its first frame known; to the sampler' } },
  run: async ({ vae, start_image, latent }) => {
    return { latent: await withKnownStart(vae, latent, sliceFrames(start_image, 0, 1), 'Image to video') };
  },
});

export const ExtendVideo = defineNode({
  type: 'video.extend_video',
  title: 'Extend video',
  category: 'video/conditioning',
  description:
    'Continue a clip: its last frames become the known first frames of a new latent clip. Sample it, decode, then Concatenate with "drop first" = context frames.',
  inputs: {
    vae: input.socket('VAE', { tooltip: 'Encodes the frames to continue from' }),
    video: input.socket('IMAGE', { tooltip: 'The clip to continue' }),
    latent: input.socket('LATENT', {
      tooltip: 'The new clip to fill (e.g. 17 frames from Empty latent video)',
    }),
    context_frames: input.int({
      default: 5,
      min: 1,
      max: 33,
      step: 4,
      tooltip:
        'How many of the last frames to continue from (4n+1). 5 keeps motion going; 1 only matches the last frame',
      modelRule: { via: 'vae', rule: 'frames' },
    }),
  },
  outputs: {
    latent: { type: 'LATENT', tooltip: 'The new clip with its first frames known; to the sampler' },
    overlap: {
      type: 'INT',
      tooltip: 'Frames the new clip repeats from the old one: wire to Concatenate "drop first"',
    },
  },
  run: async ({ vae, video, latent, context_frames }) => {
    if (video.count < context_frames)
      throw new Error(
        `Extend video: the clip has ${video.count} frames, fewer than ${context_frames} context frames`,
      );
    const tail = sliceFrames(video, video.count - context_frames);
    return { latent: await withKnownStart(vae, latent, tail, 'Extend video'), overlap: context_frames };
  },
});
