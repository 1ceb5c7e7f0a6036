import { closeSync, openSync, writeSync } from 'node:fs';
import { readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  clip,
  concatFrames,
  encodeAnimated,
  encodeH264,
  type Frames,
  type H264Stream,
  loadAnimated,
  loadImage,
  loadVideo,
  MIME,
  mp4File,
  RESIZE_FILTERS,
  RESIZE_MODES,
  resizeFrames,
  sliceFrames,
  VIDEO_FORMATS,
  type VideoFormat,
  writeVideo,
} from '@reelgraph/media';
import { defineNode, input } from '@reelgraph/sdk';
import { outputTarget } from '@reelgraph/sdk/output-folder';
import { markedForSave } from './mark-node';
import { fileFingerprint, resolveInputFile } from './util';

export const LoadImage = defineNode({
  type: 'video.load_image',
  title: 'Load image',
  category: 'video/io',
  description:
    'Read a PNG, JPEG, WebP or GIF (first frame) as a one-frame clip, e.g. the start image for image-to-video.',
  inputs: {
    image: input.image({
      default: 'graphs/assets/start.png',
      tooltip: 'An uploaded image, or a path relative to the working folder when run headless',
    }),
  },
  outputs: { image: { type: 'IMAGE', tooltip: 'One frame' } },
  cache: { fingerprint: ({ image }) => fileFingerprint(image) },
  run: async ({ image }, ctx) => ({ image: await loadImage(resolveInputFile(image, ctx)) }),
});

export const LoadVideo = defineNode({
  type: 'video.load_video',
  title: 'Load video',
  category: 'video/io',
  description: 'Decode a video (MP4, WebM, MOV …) or an animated WebP/GIF into frames.',
  inputs: {
    video: input.string({
      default: 'graphs/assets/clip.mp4',
      tooltip: 'An uploaded video, or a path relative to the working folder when run headless',
    }),
    max_frames: input.int({
      default: 0,
      min: 0,
      max: 100000,
      tooltip: 'Stop after this many frames; 0 reads them all',
    }),
    skip_frames: input.int({ default: 0, min: 0, max: 100000, tooltip: 'Frames to skip at the start' }),
    fps: input.float({
      default: 0,
      min: 0,
      max: 240,
      tooltip: 'Resample to this frame rate; 0 keeps the file’s rate',
    }),
  },
  outputs: {
    images: { type: 'IMAGE', tooltip: 'The frames' },
    fps: { type: 'FLOAT', tooltip: 'Frame rate of the frames' },
    frame_count: { type: 'INT', tooltip: 'How many frames were read' },
  },
  cache: { fingerprint: ({ video }) => fileFingerprint(video) },
  run: async ({ video, max_frames, skip_frames, fps }, ctx) => {
    const file = resolveInputFile(video, ctx);
    let images: Awaited<ReturnType<typeof loadVideo>>;
    if (/\.(webp|gif)$/i.test(file)) {
      images = await loadAnimated(file);
      images = sliceFrames(images, skip_frames, max_frames ? skip_frames + max_frames : undefined);
    } else {
      images = await loadVideo(file, {
        maxFrames: max_frames,
        skipFrames: skip_frames,
        fps,
        signal: ctx.signal,
      });
    }
    if (images.count === 0) throw new Error(`No frames read from "${video}"`);
    return { images, fps: images.fps ?? 8, frame_count: images.count };
  },
});

export const Resize = defineNode({
  type: 'video.resize',
  title: 'Resize',
  category: 'video/frames',
  description: 'Scale every frame to a new size (upscale a result, or fit an input to the model).',
  inputs: {
    images: input.socket('IMAGE', { tooltip: 'Frames to resize' }),
    width: input.int({ default: 256, min: 1, max: 8192, tooltip: 'New width in pixels' }),
    height: input.int({ default: 256, min: 1, max: 8192, tooltip: 'New height in pixels' }),
    mode: input.combo(RESIZE_MODES, {
      tooltip:
        'stretch: ignore aspect ratio; crop: fill and cut the overflow; pad: fit inside with black bars',
    }),
    filter: input.combo(RESIZE_FILTERS, { tooltip: 'Resampling filter; nearest keeps hard pixel edges' }),
  },
  outputs: { images: { type: 'IMAGE', tooltip: 'Resized frames' } },
  run: async ({ images, width, height, mode, filter }) => ({
    images: await resizeFrames(images, width, height, mode, filter),
  }),
});

export const Concat = defineNode({
  type: 'video.concat',
  title: 'Concatenate clips',
  category: 'video/frames',
  description:
    'Join two clips end to end (stitching shots, or appending an extension without its repeated frames).',
  inputs: {
    first: input.socket('IMAGE', { tooltip: 'Plays first' }),
    second: input.socket('IMAGE', { tooltip: 'Plays after the first' }),
    drop_first: input.int({
      default: 0,
      min: 0,
      max: 100000,
      tooltip: 'Frames to drop from the start of the second clip (the overlap output of Extend video)',
    }),
  },
  outputs: { images: { type: 'IMAGE', tooltip: 'The joined clip' } },
  run: ({ first, second, drop_first }) => ({
    images: concatFrames([first, sliceFrames(second, drop_first)]),
  }),
});

/** Next free number per output base: found by listing the folder once, then counted on. */
const nextNumber = new Map<string, number>();

async function nextIndex(dir: string, base: string): Promise<number> {
  const pattern = new RegExp(`^${base.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}_(\\d+)\\.\\w+$`);
  let max = 0;
  for (const name of await readdir(dir)) {
    const m = pattern.exec(name);
    if (m) max = Math.max(max, Number(m[1]));
  }
  return max + 1;
}

/**
 * Claims `<base>_NNNNN.<ext>` atomically (never overwrites a concurrent writer's file); returns it open
 * for writing. The open is synchronous: it takes microseconds, and runs while x264 codes on its own
 * threads instead of queueing behind them for the thread pool.
 */
async function claimFile(dir: string, base: string, ext: string): Promise<{ file: string; fd: number }> {
  const key = path.join(dir, base);
  let n = nextNumber.get(key) ?? (await nextIndex(dir, base));
  for (;;) {
    const file = path.join(dir, `${base}_${String(n).padStart(5, '0')}.${ext}`);
    try {
      const fd = openSync(file, 'wx');
      nextNumber.set(key, n + 1);
      return { file, fd };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      n++;
    }
  }
}

/** Files up to this size are written in place: one thread-pool round trip costs more than the write. */
const SYNC_WRITE_BYTES = 4 << 20;

async function writeAll(fd: number, file: string, data: Uint8Array): Promise<void> {
  if (data.length > SYNC_WRITE_BYTES) return writeFile(file, data);
  for (let at = 0; at < data.length; ) at += writeSync(fd, data, at);
}

/**
 * The H.264 coded for each decoded clip (by the frames object the cache hands back), so a re-run that
 * only changes the fps re-muxes those frames instead of encoding again.
 */
const lastH264 = new WeakMap<Frames, Map<string, Promise<H264Stream>>>();

/** Starts (or reuses) the H.264 encode of clip `b`; a failed or cancelled encode is not kept. */
function h264Of(images: Frames, b: number, quality: number, signal: AbortSignal): Promise<H264Stream> {
  const key = `${b}|${quality}`;
  const perClip = lastH264.get(images) ?? new Map<string, Promise<H264Stream>>();
  lastH264.set(images, perClip);
  let stream = perClip.get(key);
  if (!stream) {
    stream = encodeH264(clip(images, b), { ...(quality ? { quantizer: quality } : {}), signal });
    perClip.set(key, stream);
    stream.catch(() => perClip.delete(key));
  }
  return stream;
}

async function writeClip(
  images: Frames,
  b: number,
  { file, fd }: { file: string; fd: number },
  o: {
    fps: number;
    quality: number;
    audioPath?: string;
    graph?: string;
    format: VideoFormat;
    /** The clip's H.264, for an MP4 without audio (muxed in-process). */
    h264?: Promise<H264Stream>;
    signal: AbortSignal;
  },
): Promise<void> {
  if (o.h264) {
    try {
      await writeAll(fd, file, mp4File(await o.h264, o.fps, o.graph));
    } finally {
      closeSync(fd);
    }
    return;
  }
  closeSync(fd);
  await writeVideo(clip(images, b), file, {
    format: o.format,
    fps: o.fps,
    ...(o.quality ? { quality: o.quality } : {}),
    ...(o.audioPath ? { audioPath: o.audioPath } : {}),
    ...(o.graph ? { graph: o.graph } : {}),
    signal: o.signal,
  });
}

export const SaveVideo = defineNode({
  type: 'video.save',
  title: 'Save video',
  category: 'video/io',
  description:
    'Write the clip to the output folder: MP4 (H.264, plays in browsers), WebM (VP9), animated WebP or GIF, with the graph embedded so dropping the file into the editor restores it.',
  inputs: {
    images: input.socket('IMAGE', { tooltip: 'Frames to write (each clip of a batch becomes its own file)' }),
    fps: input.float({ default: 8, min: 0.1, max: 240, step: 0.1, tooltip: 'Playback frame rate' }),
    format: input.combo(VIDEO_FORMATS, {
      tooltip: 'mp4: H.264 yuv420p; webm: VP9; webp/gif: animated images',
    }),
    prefix: input.string({
      default: 'reelgraph',
      tooltip: 'File name prefix; "clips/run" writes clips/run_00001.mp4 inside the output folder',
    }),
    quality: input.int({
      default: 0,
      min: 0,
      max: 100,
      tooltip:
        'mp4: quantizer 1–51, webm: CRF (lower is better; 0 = default 18 / 30); webp: quality 1–100 (0 = 90); ignored for gif',
    }),
    audio: input.string({
      default: '',
      tooltip: 'Optional audio file to mux into mp4/webm (cut to the video length)',
    }),
    embed_graph: input.boolean({ default: true, tooltip: 'Embed the graph JSON in the file' }),
    mark: input.string({
      default: '',
      tooltip:
        'Draw this text as a visible mark (bottom right) on every frame; empty: none. The Visible mark node places texts or images anywhere',
    }),
  },
  outputs: { path: { type: 'STRING', tooltip: 'Path of the (first) file written' } },
  output: true,
  run: async (i, ctx) => {
    const outputDir = ctx.services.outputDir;
    if (!outputDir) throw new Error('this host gives no output folder (services.outputDir)');
    if (i.images.count === 0 || i.images.batch === 0)
      throw new Error('nothing to write: the clip has no frames');
    if (i.audio && (i.format === 'webp' || i.format === 'gif'))
      throw new Error(`${i.format} files cannot carry audio; choose mp4 or webm`);
    const audioPath = i.audio ? resolveInputFile(i.audio, ctx) : undefined;
    const { root, dir, base } = await outputTarget(outputDir, i.prefix);
    const graph = i.embed_graph && ctx.services.graph ? JSON.stringify(ctx.services.graph) : undefined;
    const images = await markedForSave(i.images, i.mark, ctx.services.mark);
    const written: string[] = [];
    for (let b = 0; b < images.batch; b++) {
      ctx.signal.throwIfAborted();
      // x264 codes on its own threads while the file name is claimed
      const h264 = i.format === 'mp4' && !audioPath ? h264Of(images, b, i.quality, ctx.signal) : undefined;
      const claimed = await claimFile(dir, base, i.format);
      const { file } = claimed;
      try {
        await writeClip(images, b, claimed, {
          format: i.format,
          fps: i.fps,
          quality: i.quality,
          ...(h264 ? { h264 } : {}),
          ...(audioPath ? { audioPath } : {}),
          ...(graph ? { graph } : {}),
          signal: ctx.signal,
        });
      } catch (err) {
        await rm(file, { force: true }); // no empty or half-written file left under a claimed name
        throw err;
      }
      written.push(file);
      ctx.artifact({
        kind: 'file',
        path: file,
        mime: MIME[i.format],
        name: path.relative(root, file).split(path.sep).join('/'),
        meta: {
          frames: i.images.count,
          width: i.images.width,
          height: i.images.height,
          fps: i.fps,
          format: i.format,
        },
      });
    }
    return { path: written[0] as string };
  },
});

export const PreviewVideo = defineNode({
  type: 'video.preview',
  title: 'Preview video',
  category: 'video/io',
  description: 'Show the clip in the editor as an animated preview without saving a file.',
  inputs: {
    images: input.socket('IMAGE', { tooltip: 'Frames to show (the first clip of a batch)' }),
    fps: input.float({ default: 8, min: 0.1, max: 240, step: 0.1, tooltip: 'Playback frame rate' }),
  },
  outputs: {},
  output: true,
  run: async ({ images, fps }, ctx) => {
    const one = clip(images, 0);
    const data = await encodeAnimated(one, { format: 'webp', fps, quality: 80 });
    ctx.preview({ mime: 'image/webp', data, width: one.width, height: one.height, frames: one.count });
    ctx.artifact({
      kind: 'value',
      label: 'clip',
      value: { frames: one.count, width: one.width, height: one.height, clips: images.batch },
    });
    return {};
  },
});
