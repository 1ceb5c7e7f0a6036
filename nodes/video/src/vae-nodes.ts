import { type Frames, makeFrames, resizeFrames, sliceFrames, toPlanar, writePlanar } from '@reelgraph/media';
import { type Latent, type Shape5, sliceFrames as sliceLatent, type VideoModel } from '@reelgraph/runtime';
import { defineNode, input } from '@reelgraph/sdk';

/**
 * Decodes a latent clip a few latent frames at a time into 8-bit frames. A causal VAE decodes its first
 * latent frame as a lone image, so chunks after the first start `overlap` latent frames early and keep
 * only their own frames (exact for the tiny VAE, seamless for convolutional ones with a short temporal
 * reach). Each chunk is converted as it arrives: no float copy of the whole clip is held.
 */
export async function decodeChunked(
  vae: VideoModel,
  latent: Float32Array,
  shape: Shape5,
  chunk: number,
  fps: number,
  overlap = 1,
): Promise<Frames> {
  const [B, C, T, H, W] = shape;
  const tc = vae.manifest.latent.temporal_compression;
  const s = vae.manifest.latent.spatial_compression;
  const F = vae.pixelFrames(T);
  const out = makeFrames(W * s, H * s, F, B, fps);
  const step = chunk > 0 ? chunk : T;
  for (let b = 0; b < B; b++) {
    const row = latent.subarray(b * C * T * H * W, (b + 1) * C * T * H * W);
    const rowShape: Shape5 = [1, C, T, H, W];
    for (let a = 0; a < T; a += step) {
      const e = Math.min(T, a + step);
      const from = a === 0 ? 0 : Math.max(0, a - overlap);
      const part = sliceLatent(row, rowShape, from, e);
      const pixels = await vae.decodeLatent(part, [1, C, e - from, H, W]);
      const got = vae.pixelFrames(e - from);
      const keep = a === 0 ? vae.pixelFrames(e) : tc * (e - a);
      writePlanar(out, b, a === 0 ? 0 : vae.pixelFrames(a), pixels, got, got - keep, keep);
    }
  }
  return out;
}

export const VaeDecode = defineNode({
  type: 'video.vae_decode',
  title: 'VAE decode',
  category: 'video/latent',
  description:
    'Turn a latent clip into frames. Decodes a few latent frames at a time, so memory stays bounded for long clips.',
  inputs: {
    vae: input.socket('VAE', { tooltip: 'From Load video model' }),
    latent: input.socket('LATENT', { tooltip: 'From the sampler' }),
    chunk: input.int({
      default: 4,
      min: 0,
      max: 1024,
      tooltip: 'Latent frames decoded per call (each is 4 video frames); 0 decodes the whole clip at once',
    }),
    fps: input.float({
      default: 0,
      min: 0,
      max: 240,
      tooltip: 'Frame rate to attach to the frames; 0 uses the model’s native rate',
    }),
  },
  outputs: { images: { type: 'IMAGE', tooltip: 'Frames (one clip per batch row)' } },
  run: async ({ vae, latent, chunk, fps }, ctx) => {
    ctx.signal.throwIfAborted();
    return {
      images: await decodeChunked(vae, latent.data, latent.shape, chunk, fps || vae.manifest.video.fps),
    };
  },
});

/** Encodes latents [a, b) per chunk; chunks after the first carry one pixel frame of causal context. */
async function encodeChunked(vae: VideoModel, f: Frames, chunk: number): Promise<Latent> {
  const T = vae.latentFrames(f.count);
  const tc = vae.manifest.latent.temporal_compression;
  const C = vae.latentChannels;
  const s = vae.manifest.latent.spatial_compression;
  const [H, W] = [f.height / s, f.width / s];
  const plane = H * W;
  const data = new Float32Array(f.batch * C * T * plane);
  const step = chunk > 0 ? chunk : T;
  for (let b = 0; b < f.batch; b++) {
    const planar = toPlanar(f, b);
    for (let a = 0; a < T; a += step) {
      const e = Math.min(T, a + step);
      const p0 = a === 0 ? 0 : tc * (a - 1); // the context frame: last pixel frame of latent a−1
      const p1 = vae.pixelFrames(e);
      const n = p1 - p0;
      const part = new Float32Array(3 * n * f.height * f.width);
      const fp = f.height * f.width;
      for (let c = 0; c < 3; c++)
        part.set(planar.subarray((c * f.count + p0) * fp, (c * f.count + p1) * fp), c * n * fp);
      const z = await vae.encodeVideo(part, 1, n, f.height, f.width);
      const got = vae.latentFrames(n);
      const skip = a === 0 ? 0 : 1;
      for (let c = 0; c < C; c++)
        data.set(
          z.subarray((c * got + skip) * plane, (c * got + got) * plane),
          ((b * C + c) * T + a) * plane,
        );
    }
  }
  return { shape: [f.batch, C, T, H, W], data, family: vae.manifest.family };
}

export const VaeEncode = defineNode({
  type: 'video.vae_encode',
  title: 'VAE encode',
  category: 'video/latent',
  description:
    'Turn frames into a latent clip (for video-to-video). Frames are resized to the model size and trimmed to the frame rule (4n+1).',
  inputs: {
    vae: input.socket('VAE', { tooltip: 'From Load video model' }),
    images: input.socket('IMAGE', { tooltip: 'Frames to encode' }),
    chunk: input.int({
      default: 4,
      min: 0,
      max: 1024,
      tooltip: 'Latent frames encoded per call; 0 encodes the whole clip at once',
    }),
  },
  outputs: {
    latent: { type: 'LATENT', tooltip: 'To the sampler (use denoise < 1 to keep the clip’s layout)' },
  },
  run: async ({ vae, images, chunk }, ctx) => {
    const v = vae.manifest.video;
    let f = images;
    if (f.width !== v.width || f.height !== v.height) f = await resizeFrames(f, v.width, v.height, 'crop');
    const { multiple, offset } = v.frame_rule;
    if (f.count < offset) throw new Error(`VAE encode: no frames to encode`);
    const usable = f.count - ((f.count - offset) % multiple);
    if (usable !== f.count) {
      ctx.log.warn(
        `VAE encode: using the first ${usable} of ${f.count} frames (the model takes ${multiple}n+${offset})`,
      );
      f = sliceFrames(f, 0, usable);
    }
    return { latent: await encodeChunked(vae, f, chunk) };
  },
});
