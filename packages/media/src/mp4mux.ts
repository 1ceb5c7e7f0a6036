/**
 * A progressive MP4 (ISO/IEC 14496-12/-15) holding one H.264 track, written in one pass: `ftyp`,
 * `moov` (with the tags) ahead of `mdat`, so players start before the whole file has arrived.
 * Replaces a general-purpose muxer that cost 1.3 ms per short clip plus ~350 ms to import: a single
 * track of in-order frames needs only fixed tables.
 */
import type { H264Stream } from './h264';
import { box, concat, fullBox, tagsBox, u16, u32, u32s, utf8 } from './mp4box';

/** Movie-level clock (mvhd/tkhd durations); the track keeps its own, exact one. */
const MOVIE_TIMESCALE = 1000;
/** Ticks per frame: the track clock runs at fps × this, so rates such as 29.97 or 12.5 stay exact. */
const TICKS_PER_FRAME = 1000;
const UNITY_MATRIX = u32(0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000);

export function muxMp4(stream: H264Stream, fps: number, tags: Record<string, string> = {}): Uint8Array {
  const { frames, width, height } = stream;
  if (frames.length === 0) throw new Error('Cannot mux an MP4 with no frames');
  if (!(fps > 0)) throw new Error(`fps must be > 0, got ${fps}`);
  frames.forEach((f, i) => {
    // The encoder codes no B-frames, so decode order is presentation order and no ctts is needed.
    if (f.index !== i) throw new Error(`MP4 muxer: frame ${i} is frame ${f.index} in presentation order`);
  });
  const timescale = Math.max(1, Math.round(fps * TICKS_PER_FRAME));
  const mediaDuration = frames.length * TICKS_PER_FRAME;
  const movieDuration = Math.round((mediaDuration * MOVIE_TIMESCALE) / timescale);
  const payload = frames.reduce((a, f) => a + f.data.length, 0);
  if (payload > 0xffffffff - 8) throw new Error('MP4 muxer: the clip is over 4 GiB');

  const ftyp = box('ftyp', utf8('isom'), u32(0x200), utf8('isomiso2avc1mp41'));
  const avc1 = box(
    'avc1',
    new Uint8Array(6), // reserved
    u16(1), // data reference index
    new Uint8Array(16), // pre-defined and reserved
    u16(width, height),
    u32(0x480000, 0x480000, 0), // 72 dpi, reserved
    u16(1), // frames per sample
    new Uint8Array(32), // compressor name
    u16(0x18, 0xffff), // depth, pre-defined −1
    box('avcC', stream.description),
  );
  const sizes = u32s(frames.map((f) => f.data.length));
  const keys = frames.flatMap((f, i) => (f.key ? [i + 1] : []));
  const moov = (mdatStart: number) =>
    box(
      'moov',
      fullBox(
        'mvhd',
        0,
        0,
        u32(0, 0, MOVIE_TIMESCALE, movieDuration, 0x10000),
        u16(0x100),
        new Uint8Array(10),
        UNITY_MATRIX,
        new Uint8Array(24),
        u32(2), // next track id
      ),
      box(
        'trak',
        fullBox(
          'tkhd',
          0,
          3, // enabled, in movie
          u32(0, 0, 1, 0, movieDuration, 0, 0),
          u16(0, 0, 0, 0), // layer, alternate group, volume, reserved
          UNITY_MATRIX,
          u32(width * 0x10000, height * 0x10000),
        ),
        box(
          'mdia',
          fullBox('mdhd', 0, 0, u32(0, 0, timescale, mediaDuration), u16(0x55c4, 0)), // language "und"
          fullBox('hdlr', 0, 0, u32(0), utf8('vide'), u32(0, 0, 0), utf8('VideoHandler\0')),
          box(
            'minf',
            fullBox('vmhd', 0, 1, u16(0, 0, 0, 0)),
            box('dinf', fullBox('dref', 0, 0, u32(1), fullBox('url ', 0, 1))),
            box(
              'stbl',
              fullBox('stsd', 0, 0, u32(1), avc1),
              fullBox('stts', 0, 0, u32(1, frames.length, TICKS_PER_FRAME)),
              fullBox('stss', 0, 0, u32(keys.length), u32s(keys)),
              fullBox('stsc', 0, 0, u32(1, 1, frames.length, 1)), // one chunk holds every sample
              fullBox('stsz', 0, 0, u32(0, frames.length), sizes),
              fullBox('stco', 0, 0, u32(1, mdatStart + 8)),
            ),
          ),
        ),
      ),
      ...(Object.keys(tags).length ? [tagsBox(tags)] : []),
    );
  // The moov's size does not depend on the offset it records.
  const head = concat(ftyp, moov(ftyp.length + moov(0).length));
  const out = new Uint8Array(head.length + 8 + payload);
  out.set(head);
  new DataView(out.buffer).setUint32(head.length, 8 + payload);
  out.set(utf8('mdat'), head.length + 4);
  let at = head.length + 8;
  for (const f of frames) {
    out.set(f.data, at);
    at += f.data.length;
  }
  return out;
}
