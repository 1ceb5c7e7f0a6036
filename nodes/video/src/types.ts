/**
 * Runtime values of the generation socket types: IMAGE from `@reelgraph/sdk/frames`, the model,
 * latent, conditioning and noise types from `@reelgraph/runtime` (where outside packs get them too).
 */
import '@reelgraph/sdk/frames';

export type { Conditioning, NoiseSource } from '@reelgraph/runtime';
