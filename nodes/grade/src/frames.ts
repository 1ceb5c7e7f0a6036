/** Frame-by-frame helpers shared by the grade nodes: sharp works on one frame at a time. */
import { type Frames, frameBytes, makeFrames } from '@reelgraph/media/frames';
import { sharp } from '@reelgraph/media/sharp';
import type { NodeContext } from '@reelgraph/sdk';
import type { Sharp } from 'sharp';

/** Frames handed to sharp at once: it runs them on libuv's thread pool in parallel. */
const IN_FLIGHT = 8;

/** A frame of a clip as a sharp pipeline over its raw RGB bytes. */
export function frameImage(f: Frames, index: number): Sharp {
  const size = frameBytes(f);
  const src = Buffer.from(f.data.buffer, f.data.byteOffset + index * size, size);
  return sharp(src, { raw: { width: f.width, height: f.height, channels: 3 } });
}

/**
 * A new clip of the same size: `render(i)` returns the pipeline for frame `i` (of all clips, batch-major)
 * or null to copy the frame unchanged. Reports progress and stops between frames when the job is cancelled.
 */
export async function mapFrames(
  f: Frames,
  ctx: Pick<NodeContext, 'signal' | 'progress'>,
  render: (index: number) => Sharp | null,
): Promise<Frames> {
  const out = makeFrames(f.width, f.height, f.count, f.batch, f.fps);
  const size = frameBytes(f);
  const total = f.count * f.batch;
  for (let start = 0; start < total; start += IN_FLIGHT) {
    ctx.signal.throwIfAborted();
    const jobs: Promise<void>[] = [];
    for (let i = start; i < Math.min(total, start + IN_FLIGHT); i++) {
      const pipeline = render(i);
      if (!pipeline) {
        out.data.set(f.data.subarray(i * size, (i + 1) * size), i * size);
        continue;
      }
      jobs.push(
        pipeline
          .removeAlpha()
          .raw()
          .toBuffer({ resolveWithObject: true })
          .then(({ data, info }) => {
            if (info.width !== f.width || info.height !== f.height || info.channels !== 3)
              throw new Error(`sharp returned a ${info.width}×${info.height}×${info.channels} frame`);
            out.data.set(data, i * size);
          }),
      );
    }
    await Promise.all(jobs);
    ctx.progress(Math.min(total, start + IN_FLIGHT), total);
  }
  return out;
}

/** `#rgb` or `#rrggbb` → [r, g, b]; a clear error for anything else. */
export function parseColor(text: string, what: string): [number, number, number] {
  const m = /^#?([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(text.trim());
  if (!m?.[1]) throw new Error(`${what} must be a colour such as "#ffcc00" or "#fc0", got "${text}"`);
  const hex = m[1].length === 3 ? [...m[1]].map((c) => c + c).join('') : m[1];
  return [0, 2, 4].map((i) => Number.parseInt(hex.slice(i, i + 2), 16)) as [number, number, number];
}

/** A still PNG of one frame for the editor's preview (cheap: one small frame, not the clip). */
export async function stillPreview(f: Frames, index: number) {
  const data = new Uint8Array(await frameImage(f, index).png({ compressionLevel: 1 }).toBuffer());
  return { mime: 'image/png' as const, data, width: f.width, height: f.height, frames: 1 };
}
