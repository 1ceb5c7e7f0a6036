/** sharp, loaded on its first call: loading it costs ~40 ms that `reelgraph validate` must not pay. */
import { createRequire } from 'node:module';
import type Sharp from 'sharp';

const require = createRequire(import.meta.url);
let loaded: typeof Sharp | undefined;

export function sharp(...args: Parameters<typeof Sharp>): Sharp.Sharp {
  loaded ??= require('sharp') as typeof Sharp;
  return loaded(...args);
}
