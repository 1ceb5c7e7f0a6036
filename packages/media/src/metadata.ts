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
  const text = decoder.decode(buf.subarray(0, 1)).trim();
  if (text === '{') return decoder.decode(buf);
  return readTextTags(buf)[GRAPH_TAG];
}

/**
 * Every text tag of a file, by lower-cased key: MP4 metadata (mdta keys, and iTunes items such as
 * `©cmt` as `comment`), Matroska/WebM SimpleTags, PNG text chunks (tEXt, uncompressed iTXt) and
 * ComfyUI's `comf` chunks, WebP EXIF IFD0 strings (as `exif.make`, `exif.model`, …), GIF comments
 * (`key:value` ones by key). An XMP packet holding a Reelgraph graph gives `reelgraph`. Browser-safe.
 */
export function readTextTags(buf: Uint8Array): Record<string, string> {
  const tags: Record<string, string> = {};
  const put = (key: string, value: string) => {
    const k = key.toLowerCase();
    if (!(k in tags)) tags[k] = value;
  };
  if (buf.length >= 12 && ascii(buf, 4, 4) === 'ftyp') fromMp4(buf, put);
  else if (buf[0] === 0x1a && buf[1] === 0x45 && buf[2] === 0xdf && buf[3] === 0xa3) fromMatroska(buf, put);
  else if (ascii(buf, 0, 4) === 'RIFF' && ascii(buf, 8, 4) === 'WEBP') fromWebp(buf, put);
  else if (buf[0] === 0x89 && ascii(buf, 1, 3) === 'PNG') fromPng(buf, put);
  else if (ascii(buf, 0, 4) === 'GIF8') fromGif(buf, put);
  return tags;
}

type Put = (key: string, value: string) => void;

/** iTunes-style item names ffmpeg writes for the common keys (no `keys` box). */
const ITUNES: Record<string, string> = {
  '©cmt': 'comment',
  '©nam': 'title',
  '©too': 'encoder',
  desc: 'description',
};

/** ISOBMFF: moov/udta/meta with `keys` (mdta names) and `ilst` (1-based key index → data). */
function fromMp4(b: Uint8Array, put: Put): void {
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
  const latin1 = (at: number, end: number) => String.fromCharCode(...b.subarray(at, end));
  const visit = (start: number, end: number): void => {
    for (const box of boxes(start, end)) {
      if (box.type === 'moov' || box.type === 'udta' || box.type === 'trak') visit(box.body, box.end);
      else if (box.type === 'meta') {
        const inner = boxes(box.body + 4, box.end); // full box: version + flags
        const keysBox = inner.find((x) => x.type === 'keys');
        const ilst = inner.find((x) => x.type === 'ilst');
        if (!ilst) continue;
        const names: string[] = [];
        if (keysBox) {
          let at = keysBox.body + 8;
          const count = dv.getUint32(keysBox.body + 4);
          for (let i = 0; i < count && at + 8 <= keysBox.end; i++) {
            const size = dv.getUint32(at);
            names.push(decoder.decode(b.subarray(at + 8, at + size)));
            at += size;
          }
        }
        for (const item of boxes(ilst.body, ilst.end)) {
          // mdta items are named by 1-based index into `keys`; iTunes items by their own type.
          const name = keysBox
            ? names[dv.getUint32(item.body - 4) - 1]
            : ITUNES[latin1(item.body - 4, item.body)];
          const data = boxes(item.body, item.end).find((x) => x.type === 'data');
          if (name && data) put(name, decoder.decode(b.subarray(data.body + 8, data.end)));
        }
      }
    }
  };
  visit(0, b.length);
}

/** EBML: Segment → Tags → Tag → SimpleTag { TagName, TagString }. */
function fromMatroska(b: Uint8Array, put: Put): void {
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
  /** False when the walk cannot go on (a broken or unknown-size element). */
  const walk = (start: number, end: number): boolean => {
    let at = start;
    while (at < end) {
      const id = readVint(at, true);
      if (!id) return false;
      const size = readVint(at + id.len, false);
      if (!size) return false;
      const body = at + id.len + size.len;
      const stop = size.value < 0 ? end : Math.min(end, body + size.value);
      if (id.value === SEGMENT || id.value === TAGS || id.value === TAG) {
        if (walk(body, stop) === false) return false;
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
        if (name !== undefined && value !== undefined) put(name, value);
      }
      if (size.value < 0) return false;
      at = stop;
    }
    return true;
  };
  walk(0, b.length);
}

function fromWebp(b: Uint8Array, put: Put): void {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let at = 12;
  while (at + 8 <= b.length) {
    const type = ascii(b, at, 4);
    const size = dv.getUint32(at + 4, true);
    const body = b.subarray(at + 8, Math.min(b.length, at + 8 + size));
    if (type === 'XMP ') {
      const graph = fromXmp(decoder.decode(body));
      if (graph !== undefined) put(GRAPH_TAG, graph);
    } else if (type === 'EXIF') fromExif(body, put);
    at += 8 + size + (size & 1);
  }
}

const EXIF_NAMES: Record<number, string> = { 270: 'description', 271: 'make', 272: 'model' };

/** The ASCII entries of a TIFF/EXIF block's first IFD (with or without the `Exif\0\0` header). */
function fromExif(block: Uint8Array, put: Put): void {
  const b = ascii(block, 0, 4) === 'Exif' ? block.subarray(6) : block;
  if (b.length < 8) return;
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const le = b[0] === 0x49; // "II" little endian, "MM" big endian
  const u16 = (at: number) => dv.getUint16(at, le);
  const u32 = (at: number) => dv.getUint32(at, le);
  const ifd = u32(4);
  if (ifd + 2 > b.length) return;
  const count = u16(ifd);
  for (let i = 0; i < count; i++) {
    const entry = ifd + 2 + i * 12;
    if (entry + 12 > b.length) break;
    const tag = u16(entry);
    if (u16(entry + 2) !== 2) continue; // ASCII only
    const n = u32(entry + 4);
    const at = n <= 4 ? entry + 8 : u32(entry + 8);
    if (at + n > b.length) continue;
    let end = at + n;
    while (end > at && b[end - 1] === 0) end--;
    const name = EXIF_NAMES[tag] ?? `0x${tag.toString(16).padStart(4, '0')}`;
    put(`exif.${name}`, decoder.decode(b.subarray(at, end)));
  }
}

function fromPng(b: Uint8Array, put: Put): void {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let at = 8;
  while (at + 12 <= b.length) {
    const size = dv.getUint32(at);
    const type = ascii(b, at + 4, 4);
    const data = b.subarray(at + 8, at + 8 + size);
    // tEXt, iTXt (compressed ones skipped) and ComfyUI's animated-PNG `comf`: key\0text.
    if (type === 'iTXt' || type === 'tEXt' || type === 'comf') {
      const zero = data.indexOf(0);
      const key = ascii(data, 0, zero);
      let p = zero + 1;
      let text: string | undefined;
      if (type === 'iTXt') {
        const compressed = data[p] === 1;
        p += 2;
        p = data.indexOf(0, p) + 1;
        p = data.indexOf(0, p) + 1;
        if (!compressed) text = decoder.decode(data.subarray(p));
      } else text = decoder.decode(data.subarray(p)); // JSON written by ComfyUI and Reelgraph is ASCII or UTF-8
      if (text !== undefined && key === 'XML:com.adobe.xmp') {
        const graph = fromXmp(text);
        if (graph !== undefined) put(GRAPH_TAG, graph);
      } else if (text !== undefined && zero > 0) put(key, text);
    }
    if (type === 'IEND') break;
    at += 12 + size;
  }
}

function fromGif(b: Uint8Array, put: Put): void {
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
        const m = /^([\w.-]+):/.exec(text);
        put(m ? (m[1] as string) : 'comment', m ? text.slice(m[0].length) : text);
      }
      at = next;
    } else if (marker === 0x2c) {
      const lflags = b[at + 9] as number;
      at += 10;
      if (lflags & 0x80) at += 3 * 2 ** ((lflags & 7) + 1);
      at = subBlocks(at + 1).next; // LZW minimum code size, then image data
    } else break;
  }
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
