import { type GraphDocument, migrateGraph } from '@reelgraph/graph';
import { extractGraphText } from '@reelgraph/media/metadata';

/**
 * The graph document embedded in a file Reelgraph wrote (MP4/WebM tag, WebP/PNG XMP, GIF comment), read
 * with `@reelgraph/media`'s container parsers (pure, browser-safe). Files from elsewhere fall back to a scan
 * for a JSON object holding `"nodes"` and `"version"`. Null when there is none.
 */
export function extractEmbeddedGraph(bytes: Uint8Array): GraphDocument | null {
  try {
    const text = extractGraphText(bytes);
    if (text) return asDocument(JSON.parse(text));
  } catch {
    // fall through to the scan
  }
  return scanForGraph(bytes);
}

function asDocument(raw: unknown): GraphDocument | null {
  const doc = migrateGraph(raw) as GraphDocument;
  return doc && typeof doc === 'object' && 'nodes' in doc && typeof doc.nodes === 'object' ? doc : null;
}

function scanForGraph(bytes: Uint8Array): GraphDocument | null {
  const text = new TextDecoder('latin1').decode(bytes);
  const utf8 = new TextDecoder('utf-8', { fatal: false });
  let from = 0;
  for (;;) {
    const at = text.indexOf('"nodes"', from);
    if (at < 0) return null;
    from = at + 7;
    // Walk back to candidate object starts (nearest first), parse the balanced object.
    for (
      let start = text.lastIndexOf('{', at);
      start >= 0 && at - start < 4096;
      start = text.lastIndexOf('{', start - 1)
    ) {
      const end = matchBrace(text, start);
      if (end < 0) continue;
      try {
        const json = utf8.decode(bytes.subarray(start, end + 1));
        const doc = migrateGraph(JSON.parse(json)) as GraphDocument;
        if (
          doc &&
          typeof doc === 'object' &&
          'version' in doc &&
          'nodes' in doc &&
          typeof doc.nodes === 'object'
        )
          return doc;
      } catch {
        // not this brace
      }
    }
  }
}

function matchBrace(text: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length && i - start < 16 * 1024 * 1024; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === '{') depth++;
    else if (c === '}') {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}
