/**
 * Duplicate keys in JSON text. `JSON.parse` keeps the last of two equal keys without a word, so a graph
 * with two nodes under one id would silently lose one; this scan finds them. It expects text that
 * `JSON.parse` has already accepted, runs in one pass without recursion, and never throws.
 */

export interface DuplicateKey {
  /** Keys and array indexes from the root to the object holding the duplicate. */
  path: string[];
  key: string;
  /** Offset of the repeated key's opening quote in the text. */
  offset: number;
}

interface Frame {
  parent: Frame | undefined;
  /** This container's key (or index) in its parent. */
  name: string;
  isObject: boolean;
  keys: Set<string> | undefined;
  expectKey: boolean;
  lastKey: string;
  index: number;
}

/** The root container has no name, so the path lists every frame but the root. */
function pathOf(frame: Frame): string[] {
  const path: string[] = [];
  for (let f: Frame | undefined = frame; f?.parent; f = f.parent) path.push(f.name);
  return path.reverse();
}

export function findDuplicateKeys(text: string, limit = 100): DuplicateKey[] {
  const found: DuplicateKey[] = [];
  let frame: Frame | undefined;
  const n = text.length;
  let i = 0;
  while (i < n && found.length < limit) {
    const c = text.charCodeAt(i);
    if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      const name = frame ? (frame.isObject ? frame.lastKey : String(frame.index)) : '';
      const isObject = c === 0x7b;
      frame = {
        parent: frame,
        name,
        isObject,
        keys: isObject ? new Set() : undefined,
        expectKey: isObject,
        lastKey: '',
        index: 0,
      };
      i++;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      frame = frame?.parent;
      i++;
    } else if (c === 0x2c /* , */) {
      if (frame) {
        if (frame.isObject) frame.expectKey = true;
        else frame.index++;
      }
      i++;
    } else if (c === 0x22 /* " */) {
      const start = i;
      // Jump from quote to quote (native indexOf); a quote after an odd run of backslashes is escaped.
      for (;;) {
        const q = text.indexOf('"', i + 1);
        if (q === -1) {
          i = n;
          break;
        }
        let slashes = 0;
        while (text.charCodeAt(q - 1 - slashes) === 0x5c) slashes++;
        i = q;
        if (slashes % 2 === 0) break;
      }
      i++; // past the closing quote
      if (frame?.isObject && frame.expectKey) {
        const raw = text.slice(start, i);
        let key = raw.slice(1, -1);
        if (key.includes('\\')) {
          try {
            key = JSON.parse(raw) as string;
          } catch {
            // unreachable for text JSON.parse accepted; keep the raw spelling
          }
        }
        frame.expectKey = false;
        frame.lastKey = key;
        if (frame.keys!.has(key)) found.push({ path: pathOf(frame), key, offset: start });
        else frame.keys!.add(key);
      }
    } else {
      i++; // whitespace, ':', numbers, literals
    }
  }
  return found;
}
