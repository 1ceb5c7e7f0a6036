import type { PreviewFrame } from './types';

const MIME: Record<number, string> = { 1: 'image/webp', 2: 'image/png', 3: 'image/jpeg', 4: 'image/gif' };

/** Decode a binary preview frame (docs/protocol.md §4); null for frames this client does not know. */
export function decodePreviewFrame(buf: ArrayBuffer): PreviewFrame | null {
  if (buf.byteLength < 28) return null;
  const v = new DataView(buf);
  const b = new Uint8Array(buf);
  if (b[0] !== 0x52 || b[1] !== 0x47 || b[2] !== 0x50 || b[3] !== 0x56) return null;
  if (v.getUint8(4) !== 1 || v.getUint8(5) !== 1) return null;
  const mime = MIME[v.getUint8(6)];
  if (!mime) return null;
  const flags = v.getUint8(7);
  const headerLength = v.getUint16(8, true);
  const j = v.getUint16(24, true);
  const n = v.getUint16(26, true);
  if (headerLength !== 28 + j + n || headerLength > buf.byteLength) return null;
  const text = new TextDecoder();
  return {
    jobId: text.decode(b.subarray(28, 28 + j)),
    nodeId: text.decode(b.subarray(28 + j, 28 + j + n)),
    mime,
    frames: v.getUint16(10, true),
    width: v.getUint16(12, true),
    height: v.getUint16(14, true),
    ...(flags & 1 ? { step: v.getUint32(16, true) } : {}),
    ...(flags & 2 ? { total: v.getUint32(20, true) } : {}),
    data: b.subarray(headerLength),
  };
}
