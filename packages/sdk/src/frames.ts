/**
 * Frames (socket type IMAGE) for node packs: the type, its helpers, and the IMAGE socket's value type.
 * Importing this module anywhere in a pack makes `input.socket('IMAGE')` and `outputs: { x: 'IMAGE' }`
 * carry `Frames`.
 */
import type { Frames } from '@reelgraph/media/frames';

export * from '@reelgraph/media/frames';

declare module '@reelgraph/sdk' {
  interface SocketTypes {
    IMAGE: Frames;
  }
}
