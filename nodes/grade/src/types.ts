/** The IMAGE socket carries `Frames` (the video pack declares the same; declarations merge). */
import type { Frames } from '@reelgraph/media/frames';

declare module '@reelgraph/sdk' {
  interface SocketTypes {
    IMAGE: Frames;
  }
}
