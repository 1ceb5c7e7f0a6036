/** Building blocks for ISO BMFF (MP4) boxes: shared by the muxer and the tag rewriter. */

const enc = new TextEncoder();

export function box(type: string, ...parts: Uint8Array[]): Uint8Array {
  const out = concat(new Uint8Array(8), ...parts);
  new DataView(out.buffer).setUint32(0, out.length);
  out.set(enc.encode(type), 4);
  return out;
}

/** A full box: version and flags ahead of the body. */
export function fullBox(type: string, version: number, flags: number, ...parts: Uint8Array[]): Uint8Array {
  return box(type, u32(((version & 0xff) << 24) | (flags & 0xffffff)), ...parts);
}

export function u32(...values: number[]): Uint8Array {
  return u32s(values);
}

/** Big-endian 32-bit values from an array (a long sample table would overflow a spread call). */
export function u32s(values: readonly number[]): Uint8Array {
  const out = new Uint8Array(4 * values.length);
  const dv = new DataView(out.buffer);
  for (let i = 0; i < values.length; i++) dv.setUint32(4 * i, (values[i] as number) >>> 0);
  return out;
}

export function u16(...values: number[]): Uint8Array {
  const out = new Uint8Array(2 * values.length);
  const dv = new DataView(out.buffer);
  values.forEach((v, i) => {
    dv.setUint16(2 * i, v & 0xffff);
  });
  return out;
}

export function utf8(text: string): Uint8Array {
  return enc.encode(text);
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * String tags as `udta/meta` (mdta handler, `keys` + `ilst`: the layout ffmpeg's `use_metadata_tags`
 * writes and reads back).
 */
export function tagsBox(tags: Record<string, string>): Uint8Array {
  const names = Object.keys(tags);
  const hdlr = box('hdlr', u32(0, 0), utf8('mdta'), u32(0, 0, 0), new Uint8Array(1));
  const keys = box('keys', u32(0, names.length), ...names.map((n) => box('mdta', utf8(n))));
  const items = names.map((n, i) => {
    const item = box('data', u32(1, 0), utf8(tags[n] as string));
    const wrapper = box('xxxx', item);
    new DataView(wrapper.buffer).setUint32(4, i + 1); // item type = 1-based key index
    return wrapper;
  });
  return box('udta', box('meta', u32(0), hdlr, keys, box('ilst', ...items)));
}
