/**
 * Regenerates the presets' input files in graphs/assets from the tiny data generator (deterministic):
 *   pnpm exec tsx nodes/video/scripts/make-assets.ts
 * start.png — first frame of "a yellow square moves right on a purple background" (image-to-video)
 * clip.mp4  — "a red circle moves left on a green background", 17 frames at 8 fps (video-to-video)
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeImage, writeVideo } from '@reelgraph/media';
import { caption, clipSpec, renderClip } from '@reelgraph/tinyvid';

const here = join(dirname(fileURLToPath(import.meta.url)), '../../../graphs/assets');

function find(want: string, maxSeed = 200_000): number {
  for (let s = 0; s < maxSeed; s++) if (caption(clipSpec(s)) === want) return s;
  throw new Error(`no seed renders "${want}"`);
}

const start = renderClip(clipSpec(find('a yellow square moves right on a purple background')), 1);
await writeImage({ width: 64, height: 64, count: 1, batch: 1, data: start.data }, join(here, 'start.png'));

const clip = renderClip(clipSpec(find('a red circle moves left on a green background')));
await writeVideo(
  { width: 64, height: 64, count: clip.frames, batch: 1, data: clip.data },
  join(here, 'clip.mp4'),
  {
    format: 'mp4',
    fps: 8,
    quality: 12,
  },
);
console.log('wrote start.png and clip.mp4 in', here);
