/** Latent videos as they flow between nodes: normalised space, channel-first `[B, C, T, H, W]`. */

export type Shape5 = [batch: number, channels: number, frames: number, height: number, width: number];

export interface KnownFrames {
  /** `[B, T]`: 1 where the latent frame is given (start image, frames to continue from), else 0. */
  mask: Float32Array;
  /** Same shape as the latent: the known frames' normalised latents, 0 elsewhere. */
  latent: Float32Array;
}

export interface Latent {
  shape: Shape5;
  data: Float32Array;
  /** Concat-style conditioning for image-to-video and extension; absent for plain text-to-video. */
  known?: KnownFrames;
  /** Model the latent belongs to (channels and compression must match). */
  family?: string;
}

export function numel(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Frames of `[B, C, T, H, W]` → offset of (b, c, t). */
export function offset(shape: Shape5, b: number, c: number, t: number): number {
  const [, C, T, H, W] = shape;
  return ((b * C + c) * T + t) * H * W;
}

/** Copies latent frames [t0, t1) of every batch row and channel into a new `[B, C, t1-t0, H, W]` array. */
export function sliceFrames(data: Float32Array, shape: Shape5, t0: number, t1: number): Float32Array {
  const [B, C, , H, W] = shape;
  const n = t1 - t0;
  const out = new Float32Array(B * C * n * H * W);
  const plane = H * W;
  for (let b = 0; b < B; b++)
    for (let c = 0; c < C; c++)
      out.set(
        data.subarray(offset(shape, b, c, t0), offset(shape, b, c, t0) + n * plane),
        (b * C + c) * n * plane,
      );
  return out;
}

/** Forward flow process: x = (1 − σ)·x0 + σ·ε. */
export function noised(x0: Float32Array, noise: Float32Array, sigma: number): Float32Array {
  const out = new Float32Array(x0.length);
  for (let i = 0; i < out.length; i++)
    out[i] = (1 - sigma) * (x0[i] as number) + sigma * (noise[i] as number);
  return out;
}

/** Overwrites known latent frames with their condition latent (`known_frames_replace: final`). */
export function replaceKnown(x: Float32Array, shape: Shape5, known: KnownFrames): void {
  const [B, C, T, H, W] = shape;
  const plane = H * W;
  for (let b = 0; b < B; b++)
    for (let t = 0; t < T; t++) {
      if (!known.mask[b * T + t]) continue;
      for (let c = 0; c < C; c++) {
        const o = offset(shape, b, c, t);
        x.set(known.latent.subarray(o, o + plane), o);
      }
    }
}

/** Repeats a batch-1 latent (or conditioning) to batch B. */
export function repeatBatch(data: Float32Array, batch: number): Float32Array {
  if (batch === 1) return data;
  const out = new Float32Array(data.length * batch);
  for (let b = 0; b < batch; b++) out.set(data, b * data.length);
  return out;
}
