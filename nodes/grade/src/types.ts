/** The IMAGE socket carries `Frames` (declared by the SDK's frames module). */
import '@reelgraph/sdk/frames';
