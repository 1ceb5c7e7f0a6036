// The generation pack: loaded through reelgraph.pack.json like any user pack; these exports are its
// nodes and the socket types they use.

export { GENERATION_SOCKETS } from '@reelgraph/runtime';
export { ImageSocket } from '@reelgraph/sdk/frames';

export { Concat, LoadImage, LoadVideo, PreviewVideo, Resize, SaveVideo } from './io-nodes';
export { EmptyLatent, ExtendVideo, ImageToVideo, Noise } from './latent-nodes';
export { VisibleMark } from './mark-node';
export { LoadModel, TextEncode } from './model-nodes';
export { Sampler } from './sampler-node';
export { VaeDecode, VaeEncode } from './vae-nodes';
