/**
 * The binary preview frame of docs/protocol.md §4: a little-endian header, then the encoded image.
 * Pure and browser-safe (DataView + TextEncoder only): the server encodes, the editor decodes.
 */

export const PREVIEW_MAGIC = [0x52, 0x47, 0x50, 0x56] as const; // "RGPV"
export const PREVIEW_VERSION = 1;
export const PREVIEW_KIND_NODE = 1;
export const PREVIEW_FIXED_HEADER = 28;

export type PreviewMime = 'image/webp' | 'image/png' | 'image/jpeg' | 'image/gif';

const FORMAT_CODES: Record<PreviewMime, number> = {
  'image/webp': 1,
  'image/png': 2,
  'image/jpeg': 3,
  'image/gif': 4,
};
const MIME_BY_CODE: Record<number, PreviewMime> = {
  1: 'image/webp',
  2: 'image/png',
  3: 'image/jpeg',
  4: 'image/gif',
};

const FLAG_STEP = 1;
const FLAG_TOTAL = 2;

export interface PreviewFrame {
  jobId: string;
  nodeId: string;
  mime: PreviewMime;
  width: number;
  height: number;
  frames: number;
  step?: number;
  total?: number;
  data: Uint8Array;
}

const u16 = (n: number) => Math.max(0, Math.min(0xffff, Math.trunc(n)));
const u32 = (n: number) => Math.max(0, Math.min(0xffffffff, Math.trunc(n)));

export function formatCode(mime: string): number | undefined {
  return FORMAT_CODES[mime as PreviewMime];
}

export function encodePreviewFrame(frame: PreviewFrame): Uint8Array {
  const enc = new TextEncoder();
  const job = enc.encode(frame.jobId);
  const node = enc.encode(frame.nodeId);
  const format = formatCode(frame.mime);
  if (format === undefined) throw new Error(`unsupported preview mime ${frame.mime}`);
  if (job.length > 0xffff || node.length > 0xffff) throw new Error('id too long for a preview frame');
  const headerLength = PREVIEW_FIXED_HEADER + job.length + node.length;
  if (headerLength > 0xffff) throw new Error('preview header too long');
  const out = new Uint8Array(headerLength + frame.data.length);
  const v = new DataView(out.buffer);
  out.set(PREVIEW_MAGIC, 0);
  v.setUint8(4, PREVIEW_VERSION);
  v.setUint8(5, PREVIEW_KIND_NODE);
  v.setUint8(6, format);
  const hasStep = typeof frame.step === 'number' && Number.isFinite(frame.step);
  const hasTotal = typeof frame.total === 'number' && Number.isFinite(frame.total);
  v.setUint8(7, (hasStep ? FLAG_STEP : 0) | (hasTotal ? FLAG_TOTAL : 0));
  v.setUint16(8, headerLength, true);
  v.setUint16(10, u16(Math.max(1, frame.frames)), true);
  v.setUint16(12, u16(frame.width), true);
  v.setUint16(14, u16(frame.height), true);
  v.setUint32(16, hasStep ? u32(frame.step as number) : 0, true);
  v.setUint32(20, hasTotal ? u32(frame.total as number) : 0, true);
  v.setUint16(24, job.length, true);
  v.setUint16(26, node.length, true);
  out.set(job, PREVIEW_FIXED_HEADER);
  out.set(node, PREVIEW_FIXED_HEADER + job.length);
  out.set(frame.data, headerLength);
  return out;
}

/** Returns undefined for anything that is not a version-1 node preview frame. */
export function decodePreviewFrame(input: ArrayBuffer | Uint8Array): PreviewFrame | undefined {
  const bytes = input instanceof Uint8Array ? input : new Uint8Array(input);
  if (bytes.length < PREVIEW_FIXED_HEADER) return undefined;
  for (let i = 0; i < 4; i++) if (bytes[i] !== PREVIEW_MAGIC[i]) return undefined;
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (v.getUint8(4) !== PREVIEW_VERSION || v.getUint8(5) !== PREVIEW_KIND_NODE) return undefined;
  const mime = MIME_BY_CODE[v.getUint8(6)];
  if (!mime) return undefined;
  const flags = v.getUint8(7);
  const headerLength = v.getUint16(8, true);
  const jobLen = v.getUint16(24, true);
  const nodeLen = v.getUint16(26, true);
  if (headerLength !== PREVIEW_FIXED_HEADER + jobLen + nodeLen || headerLength > bytes.length)
    return undefined;
  const dec = new TextDecoder();
  const frame: PreviewFrame = {
    jobId: dec.decode(bytes.subarray(PREVIEW_FIXED_HEADER, PREVIEW_FIXED_HEADER + jobLen)),
    nodeId: dec.decode(bytes.subarray(PREVIEW_FIXED_HEADER + jobLen, headerLength)),
    mime,
    frames: v.getUint16(10, true),
    width: v.getUint16(12, true),
    height: v.getUint16(14, true),
    data: bytes.subarray(headerLength),
  };
  if (flags & FLAG_STEP) frame.step = v.getUint32(16, true);
  if (flags & FLAG_TOTAL) frame.total = v.getUint32(20, true);
  return frame;
}
