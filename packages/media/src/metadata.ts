/**
 * Graph JSON embedded in the files Reelgraph writes, and read back from them (drag a video into the
 * editor → the graph that made it). Container-level tag `reelgraph` in MP4 (mdta keys/ilst) and WebM
 * (Matroska SimpleTag), an XMP packet in WebP and PNG, a comment extension in GIF.
 */

export const GRAPH_TAG = 'reelgraph';
const XMP_NS = 'https://reelgraph.dev/ns/graph/1.0/';

/** ffmpeg's `-f ffmetadata` text for container tags (escaping =, ;, #, \ and newlines). */
export function ffmetadata(tags: Record<string, string>): string {
  const esc = (s: string) => s.replace(/[=;#\\\n]/g, (c) => `\\${c}`);
  return `;FFMETADATA1\n${Object.entries(tags)
    .map(([k, v]) => `${esc(k)}=${esc(v)}`)
    .join('\n')}\n`;
}

export function graphXmp(json: string): string {
  const esc = json.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return (
    '<?xpacket begin="\uFEFF" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/">' +
    '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">' +
    `<rdf:Description rdf:about="" xmlns:reelgraph="${XMP_NS}"><reelgraph:graph>${esc}</reelgraph:graph>` +
    '</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>'
  );
}

function fromXmp(xmp: string): string | undefined {
  const m = /<reelgraph:graph>([\s\S]*?)<\/reelgraph:graph>/.exec(xmp);
  if (!m) return undefined;
  return (m[1] as string)
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&#(\d+);/g, (_, d) => String.fromCodePoint(Number(d)))
    .replace(/&#x([0-9a-f]+);/gi, (_, h) => String.fromCodePoint(Number.parseInt(h, 16)))
    .replace(/&amp;/g, '&');
}

/** Adds a GIF comment extension (`reelgraph:<json>`) just before the trailer. */
export function gifWithComment(gif: Uint8Array, json: string): Uint8Array {
  if (gif[gif.length - 1] !== 0x3b) throw new Error('Not a complete GIF (no trailer)');
  const text = new TextEncoder().encode(`${GRAPH_TAG}:${json}`);
  const blocks: number[] = [0x21, 0xfe];
  for (let i = 0; i < text.length; i += 255) {
    const n = Math.min(255, text.length - i);
    blocks.push(n, ...text.subarray(i, i + n));
  }
  blocks.push(0);
  const out = new Uint8Array(gif.length + blocks.length);
  out.set(gif.subarray(0, gif.length - 1));
  out.set(blocks, gif.length - 1);
  out[out.length - 1] = 0x3b;
  return out;
}

const decoder = new TextDecoder();
const ascii = (b: Uint8Array, at: number, n: number) => String.fromCharCode(...b.subarray(at, at + n));

/** The embedded graph JSON text of a file Reelgraph wrote, or undefined. */
export function extractGraphText(buf: Uint8Array): string | undefined {
  if (buf.length >= 12 && ascii(buf, 4, 4) === 'ftyp') return fromMp4(buf);
  if (buf[0] === 0x1a && buf[1] === 0x45 && buf[2] === 0xdf && buf[3] === 0xa3) return fromMatroska(buf);
  if (ascii(buf, 0, 4) === 'RIFF' && ascii(buf, 8, 4) === 'WEBP') return fromWebp(buf);
  if (buf[0] === 0x89 && ascii(buf, 1, 3) === 'PNG') return fromPng(buf);
  if (ascii(buf, 0, 4) === 'GIF8') return fromGif(buf);
  const text = decoder.decode(buf.subarray(0, 1)).trim();
  if (text === '{') return decoder.decode(buf);
  return undefined;
}

/** ISOBMFF: moov/udta/meta with `keys` (mdta names) and `ilst` (1-based key index → data). */
function fromMp4(b: Uint8Array): string | undefined {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const boxes = (start: number, end: number) => {
    const out: { type: string; body: number; end: number }[] = [];
    let at = start;
    while (at + 8 <= end) {
      let size = dv.getUint32(at);
      let header = 8;
      if (size === 1 && at + 16 <= end) {
        size = Number(dv.getBigUint64(at + 8));
        header = 16;
      } else if (size === 0) size = end - at;
      if (size < header || at + size > end) break;
      out.push({ type: ascii(b, at + 4, 4), body: at + header, end: at + size });
      at += size;
    }
    return out;
  };
  const visit = (start: number, end: number): string | undefined => {
    for (const box of boxes(start, end)) {
      if (box.type === 'moov' || box.type === 'udta' || box.type === 'trak') {
        const found = visit(box.body, box.end);
        if (found !== undefined) return found;
      } else if (box.type === 'meta') {
        const inner = boxes(box.body + 4, box.end); // full box: version + flags
        const keysBox = inner.find((x) => x.type === 'keys');
        const ilst = inner.find((x) => x.type === 'ilst');
        if (!keysBox || !ilst) continue;
        const names: string[] = [];
        let at = keysBox.body + 8;
        const count = dv.getUint32(keysBox.body + 4);
        for (let i = 0; i < count && at + 8 <= keysBox.end; i++) {
          const size = dv.getUint32(at);
          names.push(decoder.decode(b.subarray(at + 8, at + size)));
          at += size;
        }
        for (const item of boxes(ilst.body, ilst.end)) {
          const index = dv.getUint32(item.body - 4);
          if (names[index - 1] !== GRAPH_TAG) continue;
          const data = boxes(item.body, item.end).find((x) => x.type === 'data');
          if (data) return decoder.decode(b.subarray(data.body + 8, data.end));
        }
      }
    }
    return undefined;
  };
  return visit(0, b.length);
}

/** EBML: Segment → Tags → Tag → SimpleTag { TagName, TagString }. */
function fromMatroska(b: Uint8Array): string | undefined {
  const readVint = (at: number, keepMarker: boolean): { value: number; len: number } | undefined => {
    const first = b[at];
    if (first === undefined || first === 0) return undefined;
    let len = 1;
    while (!(first & (0x80 >> (len - 1)))) len++;
    let value = keepMarker ? first : first & (0xff >> len);
    for (let i = 1; i < len; i++) value = value * 256 + (b[at + i] as number);
    if (!keepMarker && value === 2 ** (7 * len) - 1) value = -1; // unknown size
    return { value, len };
  };
  const SEGMENT = 0x18538067;
  const TAGS = 0x1254c367;
  const TAG = 0x7373;
  const SIMPLE = 0x67c8;
  const NAME = 0x45a3;
  const STRING = 0x4487;
  const walk = (start: number, end: number): string | undefined => {
    let at = start;
    while (at < end) {
      const id = readVint(at, true);
      if (!id) return undefined;
      const size = readVint(at + id.len, false);
      if (!size) return undefined;
      const body = at + id.len + size.len;
      const stop = size.value < 0 ? end : Math.min(end, body + size.value);
      if (id.value === SEGMENT || id.value === TAGS || id.value === TAG) {
        const found = walk(body, stop);
        if (found !== undefined) return found;
      } else if (id.value === SIMPLE) {
        let name: string | undefined;
        let value: string | undefined;
        let p = body;
        while (p < stop) {
          const cid = readVint(p, true);
          const cs = cid && readVint(p + cid.len, false);
          if (!cid || !cs || cs.value < 0) break;
          const cb = p + cid.len + cs.len;
          if (cid.value === NAME) name = decoder.decode(b.subarray(cb, cb + cs.value));
          if (cid.value === STRING) value = decoder.decode(b.subarray(cb, cb + cs.value));
          p = cb + cs.value;
        }
        if (name?.toLowerCase() === GRAPH_TAG && value !== undefined) return value;
      }
      if (size.value < 0) return undefined;
      at = stop;
    }
    return undefined;
  };
  return walk(0, b.length);
}

function fromWebp(b: Uint8Array): string | undefined {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let at = 12;
  while (at + 8 <= b.length) {
    const type = ascii(b, at, 4);
    const size = dv.getUint32(at + 4, true);
    if (type === 'XMP ') return fromXmp(decoder.decode(b.subarray(at + 8, at + 8 + size)));
    at += 8 + size + (size & 1);
  }
  return undefined;
}

function fromPng(b: Uint8Array): string | undefined {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let at = 8;
  while (at + 12 <= b.length) {
    const size = dv.getUint32(at);
    const type = ascii(b, at + 4, 4);
    const data = b.subarray(at + 8, at + 8 + size);
    if (type === 'iTXt' || type === 'tEXt') {
      const zero = data.indexOf(0);
      const key = ascii(data, 0, zero);
      if (key === 'XML:com.adobe.xmp' || key === GRAPH_TAG) {
        // iTXt: keyword\0 compression flag, method, language\0, translated keyword\0, text
        let p = zero + 1;
        if (type === 'iTXt') {
          p += 2;
          p = data.indexOf(0, p) + 1;
          p = data.indexOf(0, p) + 1;
        }
        const text = decoder.decode(data.subarray(p));
        const found = key === GRAPH_TAG ? text : fromXmp(text);
        if (found !== undefined) return found;
      }
    }
    if (type === 'IEND') break;
    at += 12 + size;
  }
  return undefined;
}

function fromGif(b: Uint8Array): string | undefined {
  let at = 13;
  const flags = b[10] as number;
  if (flags & 0x80) at += 3 * 2 ** ((flags & 7) + 1);
  const subBlocks = (p: number): { data: number[]; next: number } => {
    const data: number[] = [];
    while (p < b.length) {
      const n = b[p] as number;
      p++;
      if (n === 0) break;
      for (let i = 0; i < n; i++) data.push(b[p + i] as number);
      p += n;
    }
    return { data, next: p };
  };
  while (at < b.length) {
    const marker = b[at];
    if (marker === 0x3b) break;
    if (marker === 0x21) {
      const label = b[at + 1];
      const { data, next } = subBlocks(at + 2);
      if (label === 0xfe) {
        const text = decoder.decode(Uint8Array.from(data));
        if (text.startsWith(`${GRAPH_TAG}:`)) return text.slice(GRAPH_TAG.length + 1);
      }
      at = next;
    } else if (marker === 0x2c) {
      const lflags = b[at + 9] as number;
      at += 10;
      if (lflags & 0x80) at += 3 * 2 ** ((lflags & 7) + 1);
      at = subBlocks(at + 1).next; // LZW minimum code size, then image data
    } else break;
  }
  return undefined;
}

/**
 * The embedded graph of a file's bytes, parsed, or undefined when there is none (or it is not JSON).
 * Browser-safe; the caller validates the document against its catalog.
 */
export function extractGraphFromBytes(buf: Uint8Array): unknown {
  const text = extractGraphText(buf);
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
