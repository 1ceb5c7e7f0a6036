/** The Reelgraph version packs declare compatibility with (`"reelgraph": ">=0.1.0 <1.0.0"`). */
export const HOST_VERSION = '0.1.0';
