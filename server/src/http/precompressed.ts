import { createHash } from 'node:crypto';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

export type Coding = 'br' | 'gzip' | 'identity';

/** One JSON document serialised, hashed and compressed once, served as any of its encodings. */
export interface Precompressed {
  readonly etag: string;
  /** Every ETag this document was served with (one per encoding): any of them earns a 304. */
  readonly etags: ReadonlySet<string>;
  body(coding: Coding): Buffer;
  etagOf(coding: Coding): string;
}

/**
 * Serialises `value` once and compresses it with brotli and gzip up front, so a request costs a lookup.
 * Strong ETags differ per content-coding (RFC 9110 §8.8.3), as Apache does it: `"h"`, `"h-br"`, `"h-gz"`.
 */
export function precompress(value: unknown): Precompressed {
  const identity = Buffer.from(JSON.stringify(value));
  const hash = createHash('sha1').update(identity).digest('base64url');
  const bodies: Record<Coding, Buffer> = {
    identity,
    br: brotliCompressSync(identity, {
      params: {
        [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
        [constants.BROTLI_PARAM_QUALITY]: 9,
        [constants.BROTLI_PARAM_SIZE_HINT]: identity.length,
      },
    }),
    gzip: gzipSync(identity, { level: 9 }),
  };
  const tags: Record<Coding, string> = { identity: `"${hash}"`, br: `"${hash}-br"`, gzip: `"${hash}-gz"` };
  return {
    etag: tags.identity,
    etags: new Set(Object.values(tags)),
    body: (coding) => bodies[coding],
    etagOf: (coding) => tags[coding],
  };
}

/** The coding to answer with for an `Accept-Encoding` header: brotli, then gzip, else none. */
export function pickCoding(accept: string | undefined): Coding {
  if (!accept) return 'identity';
  const q = new Map<string, number>();
  for (const part of accept.toLowerCase().split(',')) {
    const [name, ...params] = part.trim().split(';');
    const qp = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    q.set(name!.trim(), qp ? Number(qp.slice(2)) || 0 : 1);
  }
  const ok = (c: string) => (q.get(c) ?? q.get('*') ?? 0) > 0;
  return ok('br') ? 'br' : ok('gzip') ? 'gzip' : 'identity';
}

/** Whether an `If-None-Match` header names one of `etags` (weak comparison, as a GET's 304 uses). */
export function matchesNoneMatch(header: string | undefined, etags: ReadonlySet<string>): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  return header.split(',').some((t) => etags.has(t.trim().replace(/^W\//, '')));
}
