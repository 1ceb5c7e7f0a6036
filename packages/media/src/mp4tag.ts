/**
 * Adds a string tag to an MP4 as `moov/udta/meta` (mdta handler, `keys` + `ilst`, the layout ffmpeg's
 * `use_metadata_tags` writes). Done in JS because ffmpeg 4.1's ffmetadata reader cuts values at 1 KiB
 * and a command-line argument is capped at 128 KiB; a graph can be larger than both.
 * When `moov` precedes `mdat` (faststart) the chunk offsets (stco/co64) are shifted by the growth.
 */

import { box, concat, tagsBox } from './mp4box';

interface Box {
  type: string;
  start: number;
  header: number;
  end: number;
}

function children(b: Uint8Array, start: number, end: number): Box[] {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const out: Box[] = [];
  let at = start;
  while (at + 8 <= end) {
    let size = dv.getUint32(at);
    let header = 8;
    if (size === 1) {
      size = Number(dv.getBigUint64(at + 8));
      header = 16;
    } else if (size === 0) size = end - at;
    if (size < header || at + size > end) throw new Error('Malformed MP4 box structure');
    out.push({ type: String.fromCharCode(...b.subarray(at + 4, at + 8)), start: at, header, end: at + size });
    at += size;
  }
  return out;
}

/** Returns a new MP4 with `tags` in a fresh `moov/udta/meta` (any existing `udta` is replaced). */
export function setMp4Tags(mp4: Uint8Array, tags: Record<string, string>): Uint8Array {
  const top = children(mp4, 0, mp4.length);
  const moov = top.find((x) => x.type === 'moov');
  const mdat = top.find((x) => x.type === 'mdat');
  if (!moov) throw new Error('MP4 has no moov box');
  if (moov.header !== 8) throw new Error('64-bit moov boxes are not supported');
  const kids = children(mp4, moov.start + 8, moov.end).filter((k) => k.type !== 'udta');
  const parts: Uint8Array[] = kids.map((k) => mp4.slice(k.start, k.end));
  parts.push(tagsBox(tags));
  const newMoov = box('moov', ...parts);
  const delta = newMoov.length - (moov.end - moov.start);
  if (mdat && moov.start < mdat.start && delta !== 0) shiftChunkOffsets(newMoov, delta);
  return concat(mp4.subarray(0, moov.start), newMoov, mp4.subarray(moov.end));
}

function shiftChunkOffsets(moov: Uint8Array, delta: number): void {
  const dv = new DataView(moov.buffer, moov.byteOffset, moov.byteLength);
  const visit = (start: number, end: number) => {
    for (const b of children(moov, start, end)) {
      const body = b.start + b.header;
      if (['trak', 'mdia', 'minf', 'stbl'].includes(b.type)) visit(body, b.end);
      else if (b.type === 'stco') {
        const n = dv.getUint32(body + 4);
        for (let i = 0; i < n; i++) dv.setUint32(body + 8 + 4 * i, dv.getUint32(body + 8 + 4 * i) + delta);
      } else if (b.type === 'co64') {
        const n = dv.getUint32(body + 4);
        for (let i = 0; i < n; i++) {
          const at = body + 8 + 8 * i;
          dv.setBigUint64(at, dv.getBigUint64(at) + BigInt(delta));
        }
      }
    }
  };
  visit(8, moov.length);
}
