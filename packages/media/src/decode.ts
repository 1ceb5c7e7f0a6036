/** Reading images (sharp) and clips (ffmpeg) into frames. */
import sharp from 'sharp';
import { runFfmpeg } from './ffmpeg';
import { type Frames, makeFrames } from './frames';
import { probeVideo } from './probe';

/** Images larger than this are refused before decoding (decompression bombs). */
export const MAX_IMAGE_PIXELS = 8192 * 8192;

/** A still image (or the first page of an animated one) as a one-frame clip, RGB, alpha flattened on black. */
export async function loadImage(input: string | Uint8Array): Promise<Frames> {
  const src = typeof input === 'string' ? input : Buffer.from(input);
  const { data, info } = await sharp(src, { limitInputPixels: MAX_IMAGE_PIXELS })
    .rotate()
    .flatten({ background: '#000000' })
    .removeAlpha()
    .toColourspace('srgb')
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, count: 1, batch: 1, data: new Uint8Array(data) };
}

/** Every frame of an animated WebP/GIF as a clip. */
export async function loadAnimated(input: string | Uint8Array): Promise<Frames> {
  const src = typeof input === 'string' ? input : Buffer.from(input);
  const img = sharp(src, { animated: true, limitInputPixels: MAX_IMAGE_PIXELS });
  const meta = await img.metadata();
  const { data, info } = await img
    .flatten({ background: '#000000' })
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const pageHeight = meta.pageHeight ?? info.height;
  const count = Math.round(info.height / pageHeight);
  const delay = meta.delay?.[0];
  return {
    width: info.width,
    height: pageHeight,
    count,
    batch: 1,
    data: new Uint8Array(data),
    ...(delay ? { fps: 1000 / delay } : {}),
  };
}

export interface LoadVideoOptions {
  /** Stop after this many frames (0 = all). */
  maxFrames?: number;
  /** Skip this many frames first. */
  skipFrames?: number;
  /** Resample to this frame rate (0 = keep). */
  fps?: number;
  signal?: AbortSignal;
}

/** Decodes a video file's frames to RGB with ffmpeg. */
export async function loadVideo(path: string, opts: LoadVideoOptions = {}): Promise<Frames> {
  const info = await probeVideo(path, { signal: opts.signal });
  const { width, height } = info;
  const filters: string[] = [];
  if (opts.fps) filters.push(`fps=${opts.fps}`);
  if (opts.skipFrames) filters.push(`select=gte(n\\,${opts.skipFrames})`, 'setpts=N/FRAME_RATE/TB');
  const args = ['-loglevel', 'error', '-i', path, '-map', '0:v:0'];
  if (filters.length) args.push('-vf', filters.join(','));
  if (opts.maxFrames) args.push('-frames:v', String(opts.maxFrames));
  args.push('-vsync', 'passthrough', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1');
  const { stdout } = await runFfmpeg(args, { signal: opts.signal });
  const fb = width * height * 3;
  const count = Math.floor(stdout.length / fb);
  const out = makeFrames(width, height, count, 1, opts.fps || info.fps || undefined);
  out.data.set(stdout.subarray(0, count * fb));
  return out;
}
