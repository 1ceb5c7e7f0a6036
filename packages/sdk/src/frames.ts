/**
 * Frames (socket type IMAGE) for node packs: the type, its helpers, and the IMAGE socket's value type.
 * Importing this module anywhere in a pack makes `input.socket('IMAGE')` and `outputs: { x: 'IMAGE' }`
 * carry `Frames`.
 */
import type { Frames } from '@reelgraph/media/frames';
import { defineSocketType } from './socket-types';

export * from '@reelgraph/media/frames';

declare module '@reelgraph/sdk' {
  interface SocketTypes {
    IMAGE: Frames;
  }
}

/** The IMAGE socket type: packs whose nodes take or give frames export it (the same object is shared). */
export const ImageSocket = defineSocketType({
  name: 'IMAGE',
  color: '#64b5f6',
  description: 'Frames (one image or a clip of frames)',
});
