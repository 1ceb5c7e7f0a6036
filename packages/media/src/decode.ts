/** Reading images (sharp) and clips (ffmpeg) into frames. */
import { runFfmpeg } from './ffmpeg';
import { type Frames, makeFrames } from './frames';
import { probeVideo } from './probe';
import { sharp } from './sharp';

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
  /** Refuse clips whose decoded RGB would exceed this many bytes (default 1 GiB). */
  maxBytes?: number;
  signal?: AbortSignal;
}

export const MAX_VIDEO_BYTES = 1 << 30;

/** Decodes a video file's frames to RGB with ffmpeg. */
export async function loadVideo(path: string, opts: LoadVideoOptions = {}): Promise<Frames> {
  const info = await probeVideo(path, { signal: opts.signal });
  const { width, height } = info;
  if (width * height > MAX_IMAGE_PIXELS)
    throw new Error(`${path}: ${width}×${height} frames are too large to decode`);
  const limit = opts.maxBytes ?? MAX_VIDEO_BYTES;
  const resample = opts.fps && info.fps ? opts.fps / info.fps : 1;
  const expected = Math.ceil(
    Math.min(
      opts.maxFrames || Number.POSITIVE_INFINITY,
      Math.max(0, info.frames - (opts.skipFrames ?? 0)) * resample,
    ),
  );
  if (expected * width * height * 3 > limit)
    throw new Error(
      `${path}: ${expected} frames of ${width}×${height} need ${Math.round((expected * width * height * 3) / 2 ** 20)} MiB decoded; the limit is ${Math.round(limit / 2 ** 20)} MiB (read fewer frames)`,
    );
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
