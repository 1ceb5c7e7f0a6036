/** Runtime values of the generation socket types, registered with the SDK by augmentation. */
import type { Frames } from '@reelgraph/media';
import type { Latent, VideoModel } from '@reelgraph/runtime';

/** An encoded prompt. */
export interface Conditioning {
  /** `[1, L, D]` text context. */
  context: Float32Array;
  text: string;
  model: string;
}

/** A seeded noise source; the sampler draws noise of the latent's shape from it. */
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
    IMAGE: Frames;
  }
  interface NodeServices {
    /** Folder of uploaded files that load nodes may read (the server sets it). */
    uploadDir: string;
  }
}
