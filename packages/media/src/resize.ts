/** Resizing clips frame by frame with sharp. */
import { type Frames, frameBytes, makeFrames } from './frames';
import { sharp } from './sharp';

export const RESIZE_MODES = ['stretch', 'crop', 'pad'] as const;
export type ResizeMode = (typeof RESIZE_MODES)[number];
export const RESIZE_FILTERS = ['lanczos3', 'cubic', 'linear', 'nearest'] as const;
export type ResizeFilter = (typeof RESIZE_FILTERS)[number];

const FIT = { stretch: 'fill', crop: 'cover', pad: 'contain' } as const;

export async function resizeFrames(
  f: Frames,
  width: number,
  height: number,
  mode: ResizeMode = 'stretch',
  filter: ResizeFilter = 'lanczos3',
): Promise<Frames> {
  if (f.width === width && f.height === height) return f;
  const out = makeFrames(width, height, f.count, f.batch, f.fps);
  const inB = frameBytes(f);
  const outB = width * height * 3;
  const n = f.count * f.batch;
  // A handful of frames at a time: sharp runs them on libuv's pool in parallel.
  for (let start = 0; start < n; start += 8) {
    const jobs: Promise<void>[] = [];
    for (let i = start; i < Math.min(n, start + 8); i++) {
      const src = Buffer.from(f.data.buffer, f.data.byteOffset + i * inB, inB);
      jobs.push(
        sharp(src, { raw: { width: f.width, height: f.height, channels: 3 } })
          .resize(width, height, { fit: FIT[mode], kernel: filter, background: '#000000' })
          .raw()
          .toBuffer()
          .then((buf) => out.data.set(buf.subarray(0, outB), i * outB)),
      );
    }
    await Promise.all(jobs);
  }
  return out;
}
