/** H.264 encoded in-process (x264 inside @napi-rs/webcodecs, a WebCodecs VideoEncoder); `mp4mux` writes the MP4. */
import type { Frames } from './frames';
import { drawI420, i420Size } from './yuv';

/** One clip's coded frames in decode order, ready to be muxed at any frame rate. */
export interface H264Stream {
  width: number;
  height: number;
  /** RFC 6381 codec string, e.g. avc1.64000a. */
  codec: string;
  /** The avcC record (SPS and PPS) the packets refer to. */
  description: Uint8Array;
  /** Length-prefixed NAL units per frame; `index` is the frame's place in presentation order. */
  frames: { data: Uint8Array; key: boolean; index: number }[];
}

/** Maximum frame size in macroblocks per H.264 level (Table A-1), smallest first. */
const LEVELS: [level: number, maxMacroblocks: number][] = [
  [10, 99],
  [11, 396],
  [21, 792],
  [22, 1620],
  [31, 3600],
  [32, 5120],
  [40, 8192],
  [42, 8704],
  [50, 22080],
  [51, 36864],
  [60, 139264],
];

/** High profile at the lowest level whose frame size fits (the frame rate is the muxer's business). */
export function avcCodec(width: number, height: number): string {
  const mbs = Math.ceil(width / 16) * Math.ceil(height / 16);
  const level = LEVELS.find(([, max]) => mbs <= max)?.[0];
  if (level === undefined) throw new Error(`H.264 cannot code ${width}×${height} frames`);
  return `avc1.6400${level.toString(16).padStart(2, '0')}`;
}

type Codecs = typeof import('@napi-rs/webcodecs');
let codecsModule: Promise<Codecs> | undefined;
/**
 * Loaded on first use (the native module costs ~17 ms to load, which runs that write no MP4 skip) and
 * kept: under a loader hook (tsx) every `import()` goes to the hook thread, ~1 ms after idle.
 */
function webcodecs(): Promise<Codecs> {
  codecsModule ??= import('@napi-rs/webcodecs');
  return codecsModule;
}
type Chunk = InstanceType<Codecs['EncodedVideoChunk']>;

/**
 * An encoder kept open between clips. x264's start-up (threads, tables) is a large share of a short
 * clip's encode, so clips of one size reuse an encoder: each starts on a forced IDR frame and numbers
 * its frames from its first timestamp. A new encoder first codes one throw-away frame, so every clip,
 * the first included, comes from the same encoder state and the same frames give the same bytes.
 */
interface WarmEncoder {
  codecs: Codecs;
  encoder: InstanceType<Codecs['VideoEncoder']>;
  width: number;
  height: number;
  /** Receives the current clip's chunks. */
  sink: (chunk: Chunk) => void;
  failure?: unknown;
  description?: Uint8Array;
  /** Next free timestamp. */
  next: number;
  /** One I420 frame, reused: a VideoFrame copies its pixels when it is made. */
  pixels: Uint8Array;
  /** The flush that ends the last clip: it resets x264, so the next clip waits for it. */
  settled: Promise<void>;
  closeTimer?: NodeJS.Timeout;
}

const IDLE_CLOSE_MS = 30_000;
const MAX_IDLE_PER_SIZE = 2;
const idle = new Map<string, WarmEncoder[]>();

async function openEncoder(codecs: Codecs, codec: string, width: number, height: number) {
  const w: WarmEncoder = {
    codecs,
    width,
    height,
    encoder: new codecs.VideoEncoder({
      output: (chunk, meta) => {
        const d = meta?.decoderConfig?.description;
        if (d)
          w.description = new Uint8Array(
            ArrayBuffer.isView(d) ? d.buffer.slice(d.byteOffset, d.byteOffset + d.byteLength) : d,
          );
        w.sink(chunk);
      },
      error: (e) => {
        w.failure = e;
      },
    }),
    sink: () => {},
    next: 0,
    pixels: new Uint8Array(i420Size(width, height)),
    settled: Promise.resolve(),
  };
  w.encoder.configure({ codec, width, height, bitrateMode: 'quantizer', avc: { format: 'avc' } });
  await encodeFrames(w, 1, 18, (_, px) => px.fill(128));
  return w;
}

/** A clip whose packets stop coming for this long is flushed, which releases any frames held back. */
const STALL_MS = 1000;

/**
 * Codes `count` frames into `w.sink`. The library runs x264 with zero latency, so the packets come out
 * as the frames go in; the flush that resets the encoder for the next clip (~1.3 ms) is issued only
 * once they are all out, because the library holds packets back while a flush runs. An encoder that
 * held frames back would stall, and the flush then releases them.
 */
async function encodeFrames(
  w: WarmEncoder,
  count: number,
  quantizer: number,
  draw: (t: number, pixels: Uint8Array) => void,
): Promise<void> {
  await w.settled;
  if (w.failure) throw w.failure;
  let flushed: Promise<void> | undefined;
  // async: a closed encoder's synchronous throw becomes a rejection
  const flush = () => {
    flushed ??= (async () => w.encoder.flush())();
    return flushed;
  };
  let stall: NodeJS.Timeout | undefined;
  // The timer also keeps the process alive while packets are in flight (their callbacks do not).
  const stalled = new Promise<void>((resolve, reject) => {
    stall = setTimeout(() => flush().then(resolve, reject), STALL_MS);
  });
  let coded = () => {};
  const allOut = new Promise<void>((resolve) => {
    coded = resolve;
  });
  const sink = w.sink;
  let got = 0;
  w.sink = (chunk) => {
    sink(chunk);
    stall?.refresh();
    if (++got === count) coded();
  };
  try {
    for (let t = 0; t < count; t++) {
      draw(t, w.pixels);
      const frame = new w.codecs.VideoFrame(w.pixels, {
        format: 'I420',
        codedWidth: w.width,
        codedHeight: w.height,
        timestamp: w.next + t,
      });
      w.encoder.encode(frame, { keyFrame: t === 0, avc: { quantizer } });
      frame.close();
    }
    w.next += count;
    await Promise.race([allOut, stalled]);
  } finally {
    clearTimeout(stall);
    w.settled = flush().catch((e) => {
      w.failure ??= e;
    });
  }
}

function release(key: string, w: WarmEncoder): void {
  w.sink = () => {};
  const list = idle.get(key) ?? [];
  if (w.failure || list.length >= MAX_IDLE_PER_SIZE) {
    w.encoder.close();
    return;
  }
  list.push(w);
  idle.set(key, list);
  w.closeTimer = setTimeout(() => {
    list.splice(list.indexOf(w), 1);
    w.encoder.close();
  }, IDLE_CLOSE_MS).unref();
}

/** An idle encoder of this size whose last flush went well, if there is one. */
async function warmEncoder(key: string): Promise<WarmEncoder | undefined> {
  for (let w = idle.get(key)?.pop(); w; w = idle.get(key)?.pop()) {
    clearTimeout(w.closeTimer);
    await w.settled;
    if (!w.failure) return w;
    w.encoder.close();
  }
  return undefined;
}

/** Encodes clip 0 of `f` as H.264 yuv420p at constant quantizer `quantizer` (0–51, lower is better; default 18). */
export async function encodeH264(
  f: Frames,
  opts: { quantizer?: number; signal?: AbortSignal } = {},
): Promise<H264Stream> {
  opts.signal?.throwIfAborted();
  if (f.count < 1) throw new Error('Cannot encode a video with no frames');
  const codecs = await webcodecs();
  // yuv420p needs even sizes: an odd width or height repeats its last column or row.
  const width = f.width + (f.width % 2);
  const height = f.height + (f.height % 2);
  const codec = avcCodec(width, height);
  const key = `${width}x${height}`;
  const w = (await warmEncoder(key)) ?? (await openEncoder(codecs, codec, width, height));
  const first = w.next;
  const frames: H264Stream['frames'] = [];
  w.sink = (chunk) => {
    const data = new Uint8Array(chunk.byteLength);
    chunk.copyTo(data);
    frames.push({ data, key: chunk.type === 'key', index: chunk.timestamp - first });
  };
  // Closing the encoder does not settle a pending flush here, so an abort rejects on its own.
  let onAbort = () => {};
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => {
      w.failure ??= opts.signal?.reason;
      reject(opts.signal?.reason);
    };
  });
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    opts.signal?.throwIfAborted();
    const quantizer = Math.round(Math.min(51, Math.max(0, opts.quantizer ?? 18)));
    const draw = (t: number, px: Uint8Array) => drawI420(f, t, px, width, height);
    await Promise.race([encodeFrames(w, f.count, quantizer, draw), aborted]);
  } catch (e) {
    w.failure ??= e;
    throw e;
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
    release(key, w);
  }
  if (frames.length !== f.count)
    throw new Error(`H.264 encoder returned ${frames.length} frames for ${f.count}`);
  if (!w.description) throw new Error('H.264 encoder gave no decoder configuration');
  return { width, height, codec, description: w.description, frames };
}
