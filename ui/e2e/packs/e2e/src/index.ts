import { encodeAnimated, makeFrames } from '@reelgraph/media';
import { defineNode, input } from '@reelgraph/sdk';

/**
 * Frames of a bar sweeping across a 64×64 clip, built up over `steps` steps like a sampler would: each
 * step reports progress and sends the whole clip so far as an animated WebP preview.
 */
export const Clip = defineNode({
  type: 'e2e.clip',
  title: 'Test clip',
  category: 'testing',
  description: 'A moving bar, made in steps with progress and live previews (browser tests).',
  inputs: {
    frames: input.int({ default: 9, min: 1, max: 33 }),
    steps: input.int({ default: 6, min: 1, max: 50 }),
    delay_ms: input.int({ default: 200, min: 0, max: 5000 }),
    batch: input.int({
      default: 1,
      min: 1,
      max: 8,
      tooltip: 'Clips at once (the bar is drawn in the first)',
    }),
  },
  outputs: { images: 'IMAGE' },
  cache: 'volatile',
  run: async (i, ctx) => {
    const f = makeFrames(64, 64, i.frames, i.batch, 8);
    for (let s = 1; s <= i.steps; s++) {
      ctx.signal.throwIfAborted();
      const level = Math.round((255 * s) / i.steps);
      for (let k = 0; k < i.frames; k++) {
        const x0 = Math.floor((k * 56) / Math.max(1, i.frames - 1));
        for (let y = 0; y < 64; y++) {
          for (let x = 0; x < 64; x++) {
            const p = ((k * 64 + y) * 64 + x) * 3;
            const on = x >= x0 && x < x0 + 8;
            f.data[p] = on ? level : 20;
            f.data[p + 1] = on ? 60 : 20;
            f.data[p + 2] = on ? 255 - level : 40;
          }
        }
      }
      ctx.progress(s, i.steps);
      const data = await encodeAnimated(f, { format: 'webp', fps: 8, fast: true });
      ctx.preview({ mime: 'image/webp', data, width: 64, height: 64, frames: i.frames, step: s });
      await new Promise((r) => setTimeout(r, i.delay_ms));
    }
    return { images: f as never };
  },
});
