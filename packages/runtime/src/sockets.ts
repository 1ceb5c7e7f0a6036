/** Runtime values of the generation socket types, for every pack that imports `@reelgraph/runtime`. */
import { defineSocketType } from '@reelgraph/sdk';
import type { Latent } from './latent';
import type { VideoModel } from './model';

/** An encoded prompt (socket type CONDITIONING). */
export interface Conditioning {
  /** `[1, L, D]` text context. */
  context: Float32Array;
  text: string;
  model: string;
}

/** A seeded noise source (socket type NOISE); the sampler draws noise of the latent's shape from it. */
export interface NoiseSource {
  seed: number;
}

declare module '@reelgraph/sdk' {
  interface SocketTypes {
    TEXT_ENCODER: VideoModel;
    DIT: VideoModel;
    VAE: VideoModel;
    CONDITIONING: Conditioning;
    LATENT: Latent;
    NOISE: NoiseSource;
  }
}

/** The generation socket types; the video pack exports them, so any pack using them should too. */
export const GENERATION_SOCKETS = [
  defineSocketType({ name: 'TEXT_ENCODER', color: '#ffd28a', description: 'Text encoder model' }),
  defineSocketType({ name: 'DIT', color: '#b28dff', description: 'Diffusion transformer model' }),
  defineSocketType({ name: 'VAE', color: '#ff7a7a', description: 'Video autoencoder model' }),
  defineSocketType({ name: 'CONDITIONING', color: '#ffa931', description: 'Encoded prompt' }),
  defineSocketType({ name: 'LATENT', color: '#ff9cf9', description: 'Latent video' }),
  defineSocketType({ name: 'NOISE', color: '#c0c0c0', description: 'Seeded noise source' }),
];
