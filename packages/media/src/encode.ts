/**
 * Writing clips: MP4 (H.264 yuv420p; muxed in-process, or by ffmpeg when audio is added), WebM (VP9)
 * through ffmpeg; animated WebP and GIF through sharp.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { runFfmpeg } from './ffmpeg';
import { clip, type Frames } from './frames';
import { encodeH264, type H264Stream } from './h264';
import { GRAPH_TAG, gifWithComment, graphXmp } from './metadata';
import { muxMp4 } from './mp4mux';
import { setMp4Tags } from './mp4tag';
import { sharp } from './sharp';

/** Clips this small encode fastest single-threaded: thread start-up costs more than the frames. */
const SMALL_FRAME = 320 * 320;
/** Linux caps one argument at 128 KiB; WebM tags go through `-metadata`. */
const MAX_ARG_TAG = 120_000;

export const VIDEO_FORMATS = ['mp4', 'webm', 'webp', 'gif'] as const;
export type VideoFormat = (typeof VIDEO_FORMATS)[number];

export const MIME: Record<VideoFormat, string> = {
  mp4: 'video/mp4',
  webm: 'video/webm',
  webp: 'image/webp',
  gif: 'image/gif',
};

export interface EncodeOptions {
  format: VideoFormat;
  fps: number;
  /** Quality: H.264 quantizer for mp4, CRF for webm (lower is better for both), 0–100 for webp. Sensible defaults per format. */
  quality?: number;
  /** Audio file muxed into mp4/webm (cut to the video's length). */
  audioPath?: string;
  /** Graph JSON text to embed. */
  graph?: string;
  /** Batch row to write. */
  clipIndex?: number;
  signal?: AbortSignal;
}

/** Encodes one clip and writes it to `path`. */
export async function writeVideo(frames: Frames, path: string, opts: EncodeOptions): Promise<void> {
  const one = clip(frames, opts.clipIndex ?? 0);
  if (one.count < 1) throw new Error('Cannot write a video with no frames');
  if (!(opts.fps > 0)) throw new Error(`fps must be > 0, got ${opts.fps}`);
  if (opts.format === 'webp' || opts.format === 'gif') {
    await writeFile(path, await encodeAnimated(one, opts));
    return;
  }
  if (opts.format === 'mp4' && !opts.audioPath) {
    const stream = await encodeH264(one, { ...opts, ...(opts.quality ? { quantizer: opts.quality } : {}) });
    await writeFile(path, mp4File(stream, opts.fps, opts.graph));
    return;
  }
  await encodeWithFfmpeg(one, path, opts);
}

/** An MP4 of an encoded stream at `fps`, with the graph tag: re-timing a clip is just calling this again. */
export function mp4File(stream: H264Stream, fps: number, graph?: string): Uint8Array {
  return muxMp4(stream, fps, graph ? { [GRAPH_TAG]: graph } : {});
}

/** Animated WebP or GIF in memory (also used for the sampler's live previews). */
export async function encodeAnimated(
  frames: Frames,
  opts: Pick<EncodeOptions, 'format' | 'fps' | 'quality' | 'graph'> & {
    /** Integer upscale with nearest neighbour (latent previews are tiny). */
    scale?: number;
    /** Lossless at the lowest effort: the cheapest WebP for small, blocky previews (~2 ms). */
    fast?: boolean;
  },
): Promise<Uint8Array> {
  const { width, height, count } = frames;
  const delay = Math.max(1, Math.round(1000 / opts.fps));
  let img = sharp(Buffer.from(frames.data.buffer, frames.data.byteOffset, frames.data.byteLength), {
    raw: { width, height: height * count, channels: 3, pageHeight: height },
    animated: true,
  });
  // For animated input sharp resizes each page: the height is the page height.
  if (opts.scale && opts.scale !== 1)
    img = img.resize(width * opts.scale, height * opts.scale, { kernel: 'nearest' });
  if (opts.format === 'gif') {
    const gif = await img.gif({ loop: 0, delay: Array(count).fill(delay), effort: 1 }).toBuffer();
    return opts.graph ? gifWithComment(gif, opts.graph) : new Uint8Array(gif);
  }
  if (opts.graph) img = img.withXmp(graphXmp(opts.graph));
  const webp = await img
    .webp({
      loop: 0,
      delay: Array(count).fill(delay),
      quality: opts.quality ?? 90,
      effort: 2,
      smartSubsample: true,
    })
    .toBuffer();
  return new Uint8Array(webp);
}

async function encodeWithFfmpeg(f: Frames, path: string, opts: EncodeOptions): Promise<void> {
  const small = f.width * f.height <= SMALL_FRAME;
  const args = [
    '-y',
    '-loglevel',
    'error',
    '-f',
    'rawvideo',
    '-pix_fmt',
    'rgb24',
    '-s',
    `${f.width}x${f.height}`,
  ];
  args.push('-r', String(opts.fps), '-i', 'pipe:0');
  const audio = Boolean(opts.audioPath);
  if (opts.audioPath) args.push('-i', opts.audioPath);
  args.push('-map', '0:v');
  if (audio) args.push('-map', '1:a:0?', '-shortest');
  args.push('-map_metadata', '-1');
  if (opts.graph && opts.format === 'webm') {
    if (opts.graph.length > MAX_ARG_TAG)
      throw new Error(`Graph too large to embed in WebM (${opts.graph.length} bytes)`);
    args.push('-metadata', `${GRAPH_TAG}=${opts.graph}`);
  }
  // yuv420p needs even sizes: pad by one pixel when odd.
  if (f.width % 2 || f.height % 2) args.push('-vf', 'pad=ceil(iw/2)*2:ceil(ih/2)*2');
  if (small) args.push('-threads', '1');
  if (opts.format === 'mp4') {
    args.push(
      '-c:v',
      'libx264',
      '-preset',
      small ? 'veryfast' : 'medium',
      // Constant quantizer, as the in-process encoder uses, so `quality` means the same with audio.
      '-qp',
      String(opts.quality ?? 18),
    );
    args.push('-pix_fmt', 'yuv420p', '-movflags', '+faststart+use_metadata_tags');
    if (audio) args.push('-c:a', 'aac', '-b:a', '128k');
    args.push('-f', 'mp4');
  } else {
    args.push('-c:v', 'libvpx-vp9', '-crf', String(opts.quality ?? 30), '-b:v', '0', '-pix_fmt', 'yuv420p');
    args.push('-deadline', 'good', '-cpu-used', '4', '-row-mt', '1');
    if (audio) args.push('-c:a', 'libopus', '-b:a', '96k');
    args.push('-f', 'webm');
  }
  args.push(path);
  await runFfmpeg(args, { input: f.data, signal: opts.signal });
  // The graph goes into MP4s afterwards, in JS (no size limit, see mp4tag.ts).
  if (opts.graph && opts.format === 'mp4')
    await writeFile(path, setMp4Tags(await readFile(path), { [GRAPH_TAG]: opts.graph }));
}

/** Writes frame `index` of clip 0 as a PNG (optionally carrying the graph as XMP). */
export async function writeImage(
  frames: Frames,
  path: string,
  opts: { index?: number; graph?: string } = {},
): Promise<void> {
  const fb = frames.width * frames.height * 3;
  const at = (opts.index ?? 0) * fb;
  let img = sharp(Buffer.from(frames.data.buffer, frames.data.byteOffset + at, fb), {
    raw: { width: frames.width, height: frames.height, channels: 3 },
  });
  if (opts.graph) img = img.withXmp(graphXmp(opts.graph));
  await img.png().toFile(path);
}
