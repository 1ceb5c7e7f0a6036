// The grade pack: finishing nodes for generated clips. Loaded through its manifest like any user pack.
export { ImageSocket } from '@reelgraph/sdk/frames';
export { ColorGrade } from './color';
export { TextOverlay } from './text';
