import { decodePreviewFrame as decode } from '@reelgraph/protocol';
import type { PreviewFrame } from './types';

/** Decode a binary preview frame (docs/protocol.md §4) with the server's codec; null if unknown. */
export function decodePreviewFrame(buf: ArrayBuffer): PreviewFrame | null {
  return decode(buf) ?? null;
}
