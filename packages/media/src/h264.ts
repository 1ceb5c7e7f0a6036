/** H.264 from a warm ffmpeg process (Annex B on stdout), muxed into MP4 in-process by mediabunny. */
import { runFfmpegWarm } from './ffmpeg';
import type { Frames } from './frames';

/** One clip's coded frames, in presentation order (no B-frames), ready to be muxed at any frame rate. */
export interface H264Stream {
  width: number;
  height: number;
  /** RFC 6381 codec string, e.g. avc1.64000a. */
  codec: string;
  /** Access units in Annex B; `key` marks IDR frames. */
  frames: { data: Uint8Array; key: boolean }[];
}

/** Clips this small encode fastest single-threaded: thread start-up costs more than the frames. */
export const SMALL_FRAME = 320 * 320;

/** Encodes clip 0 of `f` (yuv420p, CRF `crf`). */
export async function encodeH264(
  f: Frames,
  opts: { crf?: number; signal?: AbortSignal } = {},
): Promise<H264Stream> {
  const small = f.width * f.height <= SMALL_FRAME;
  const args = ['-loglevel', 'error', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${f.width}x${f.height}`];
  args.push('-i', 'pipe:0');
  // yuv420p needs even sizes: pad by one pixel when odd.
  if (f.width % 2 || f.height % 2) args.push('-vf', 'pad=ceil(iw/2)*2:ceil(ih/2)*2');
  if (small) args.push('-threads', '1');
  args.push('-c:v', 'libx264', '-preset', small ? 'veryfast' : 'medium', '-crf', String(opts.crf ?? 18));
  // No B-frames: Annex B carries no timestamps, so decode order must be presentation order.
  // Access unit delimiters make the frame boundaries explicit.
  args.push('-bf', '0', '-x264-params', 'aud=1', '-pix_fmt', 'yuv420p', '-f', 'h264', 'pipe:1');
  const bytes = f.width * f.height * 3 * f.count;
  const { stdout } = await runFfmpegWarm(args, {
    input: f.data.subarray(0, bytes),
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
  const frames = accessUnits(stdout);
  if (frames.length !== f.count)
    throw new Error(`H.264 encoder returned ${frames.length} frames for ${f.count}`);
  const sps = nalUnits(frames[0]?.data ?? new Uint8Array()).find((n) => (n[0] ?? 0) % 32 === 7);
  if (!sps || sps.length < 4) throw new Error('H.264 stream has no sequence parameter set');
  const hex = (i: number) => (sps[i] ?? 0).toString(16).padStart(2, '0');
  return {
    width: f.width + (f.width % 2),
    height: f.height + (f.height % 2),
    codec: `avc1.${hex(1)}${hex(2)}${hex(3)}`,
    frames,
  };
}

/** Start offsets of the NAL units of an Annex B buffer (after their start codes), with their ends. */
function* nalSpans(b: Uint8Array): Generator<[number, number]> {
  let start = -1;
  for (let i = 0; i + 2 < b.length; i++) {
    if (b[i] !== 0 || b[i + 1] !== 0 || b[i + 2] !== 1) continue;
    if (start >= 0) yield [start, b[i - 1] === 0 ? i - 1 : i];
    start = i + 3;
    i += 2;
  }
  if (start >= 0) yield [start, b.length];
}

function nalUnits(b: Uint8Array): Uint8Array[] {
  return [...nalSpans(b)].map(([s, e]) => b.subarray(s, e));
}

/** Splits an Annex B stream into access units at its delimiters (NAL type 9). */
export function accessUnits(stream: Uint8Array): H264Stream['frames'] {
  const out: H264Stream['frames'] = [];
  let auStart = -1;
  let key = false;
  const close = (end: number) => {
    if (auStart >= 0) out.push({ data: stream.subarray(auStart, end), key });
  };
  for (const [s] of nalSpans(stream)) {
    const type = (stream[s] ?? 0) & 0x1f;
    if (type === 9) {
      const codeStart = stream[s - 4] === 0 && s >= 4 ? s - 4 : s - 3;
      close(codeStart);
      auStart = codeStart;
      key = false;
    } else if (type === 5) key = true;
  }
  close(stream.length);
  return out;
}

type Mediabunny = typeof import('mediabunny');
const SHARED = Symbol.for('reelgraph.mediabunny');

/**
 * One mediabunny per process: node packs are imported under fresh module namespaces (and again on hot
 * reload), and mediabunny warns when it is loaded twice, so every copy of this module shares the first.
 */
function mediabunny(): Promise<Mediabunny> {
  const g = globalThis as { [SHARED]?: Promise<Mediabunny> };
  g[SHARED] ??= import('mediabunny');
  return g[SHARED];
}

/** An MP4 (moov first) holding `stream` played at `fps`. */
export async function muxMp4(stream: H264Stream, fps: number): Promise<Uint8Array> {
  const { BufferTarget, EncodedPacket, EncodedVideoPacketSource, Mp4OutputFormat, Output } =
    await mediabunny();
  const target = new BufferTarget();
  const output = new Output({ format: new Mp4OutputFormat({ fastStart: 'in-memory' }), target });
  const source = new EncodedVideoPacketSource('avc');
  output.addVideoTrack(source, { frameRate: fps });
  await output.start();
  const config = {
    decoderConfig: { codec: stream.codec, codedWidth: stream.width, codedHeight: stream.height },
  };
  for (const [i, f] of stream.frames.entries())
    await source.add(
      new EncodedPacket(f.data, f.key ? 'key' : 'delta', i / fps, 1 / fps),
      i ? undefined : config,
    );
  await output.finalize();
  if (!target.buffer) throw new Error('MP4 muxer produced no output');
  return new Uint8Array(target.buffer);
}
