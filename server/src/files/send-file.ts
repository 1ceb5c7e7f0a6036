import { createReadStream, type Stats, statSync } from 'node:fs';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { HttpError } from '../errors';
import { servedType } from './mime';

/** The CSP for user files: nothing runs, even if a browser is talked into rendering one as a page. */
export const FILE_CSP =
  "default-src 'none'; img-src 'self'; media-src 'self'; style-src 'unsafe-inline'; sandbox";

/** Parse a single `bytes=` range; undefined = serve everything (absent, multiple or unparseable). */
export function parseRange(
  header: string | undefined,
  size: number,
): { start: number; end: number } | 'unsatisfiable' | undefined {
  if (!header) return undefined;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m) return undefined;
  const [, a, b] = m;
  if (a === '' && b === '') return undefined;
  let start: number;
  let end: number;
  if (a === '') {
    const n = Number(b);
    if (n === 0) return 'unsatisfiable';
    start = Math.max(0, size - n);
    end = size - 1;
  } else {
    start = Number(a);
    end = b === '' ? size - 1 : Math.min(Number(b), size - 1);
  }
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start >= size || start > end)
    return 'unsatisfiable';
  return { start, end };
}

/**
 * Send a file that was already resolved inside its root, with range requests, an etag, a safe content
 * type and disposition. `realPath` must come from `realFileInside`.
 */
export function sendFile(
  req: FastifyRequest,
  reply: FastifyReply,
  realPath: string,
  opts: { mime: string | undefined; downloadName: string },
): FastifyReply {
  let st: Stats;
  try {
    st = statSync(realPath);
  } catch {
    throw new HttpError(404, 'not_found', 'file not found');
  }
  const size = st.size;
  const etag = `"${size.toString(36)}-${Math.trunc(st.mtimeMs).toString(36)}"`;
  const { type, inline } = servedType(opts.mime);
  const safeName = opts.downloadName.replace(/[^\w.-]+/g, '_').slice(0, 120) || 'file';
  reply
    .header('content-type', type)
    .header('accept-ranges', 'bytes')
    .header('etag', etag)
    .header('cache-control', 'private, max-age=31536000, immutable')
    .header('content-disposition', `${inline ? 'inline' : 'attachment'}; filename="${safeName}"`)
    .header('content-security-policy', FILE_CSP);
  if (req.headers['if-none-match'] === etag) return reply.status(304).send();
  const ifRange = req.headers['if-range'];
  const range = ifRange && ifRange !== etag ? undefined : parseRange(req.headers.range, size);
  if (range === 'unsatisfiable') {
    reply.header('content-range', `bytes */${size}`);
    throw new HttpError(
      416,
      'range_not_satisfiable',
      `the requested range is outside the file (${size} bytes)`,
    );
  }
  if (range) {
    reply
      .status(206)
      .header('content-range', `bytes ${range.start}-${range.end}/${size}`)
      .header('content-length', range.end - range.start + 1);
    return reply.send(createReadStream(realPath, { start: range.start, end: range.end }));
  }
  // HEAD goes through here too: Fastify drops the body and keeps the headers.
  reply.header('content-length', size);
  return reply.send(createReadStream(realPath));
}
