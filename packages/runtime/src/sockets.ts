/** Runtime values of the generation socket types, for every pack that imports `@reelgraph/runtime`. */
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
