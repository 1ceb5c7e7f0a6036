import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { HttpError } from '../errors';
import { SHA256_HEADER, UPLOAD_ROUTE, WORKER_SECRET_HEADER } from '../queue/redis/wire';
import { safeEqual } from '../security/secret';

export interface WorkerOutputDeps {
  outputsDir: string;
  /** Shared by fronts and workers (`REELGRAPH_WORKER_SECRET`). */
  workerSecret: string;
  /** Only files of a job that runs now are taken. */
  acceptsUploads(jobId: string): boolean;
}

/** A path inside the outputs folder, relative, without `..`; else undefined. */
function safeRelative(rel: string): string | undefined {
  const norm = path.posix.normalize(rel.replaceAll('\\', '/'));
  if (norm.startsWith('/') || norm === '.' || norm.split('/').includes('..') || norm.includes('\0'))
    return undefined;
  return norm;
}

/**
 * `PUT /api/worker/outputs/:jobId?path=<relative>`: a worker (`reelgraph worker`) hands one output file
 * of a running job to this front, streamed, with its SHA-256; the file lands in the outputs folder
 * under the same relative path only when the digest matches. Authenticated by the worker secret, not
 * by the user token (the guard lets this route through to check it here).
 */
export async function workerOutputRoutes(app: FastifyInstance, deps: WorkerOutputDeps): Promise<void> {
  const checkSecret = (sent: unknown) => {
    if (typeof sent !== 'string' || !safeEqual(sent, deps.workerSecret)) {
      throw new HttpError(401, 'unauthorized', `a valid ${WORKER_SECRET_HEADER} header is required`);
    }
  };
  // Both routes name one output file of one job, by its path relative to the outputs folder.
  const FILE_SCHEMA = {
    hide: true,
    params: Type.Object({ jobId: Type.String({ maxLength: 100 }) }),
    querystring: Type.Object({ path: Type.String({ minLength: 1, maxLength: 1000 }) }),
  };
  await app.register(async (scope) => {
    // Another front that was down while the worker uploaded this file fetches its copy here
    // (queue/redis/fetch-output.ts); same secret, same relative paths.
    scope.get<{ Params: { jobId: string }; Querystring: { path: string } }>(
      UPLOAD_ROUTE,
      { schema: FILE_SCHEMA },
      async (req, reply) => {
        checkSecret(req.headers[WORKER_SECRET_HEADER]);
        const rel = safeRelative(req.query.path);
        if (!rel) throw new HttpError(400, 'bad_request', 'path must be relative, inside the outputs folder');
        const file = path.join(deps.outputsDir, rel);
        if (!existsSync(file)) throw new HttpError(404, 'not_found', `no output ${rel} here`);
        reply.type('application/octet-stream');
        return reply.send(createReadStream(file));
      },
    );
    scope.addContentTypeParser('application/octet-stream', (_req, payload, done) => done(null, payload));
    scope.put<{ Params: { jobId: string }; Querystring: { path: string } }>(
      UPLOAD_ROUTE,
      { schema: FILE_SCHEMA },
      async (req, reply) => {
        checkSecret(req.headers[WORKER_SECRET_HEADER]);
        const { jobId } = req.params;
        if (!deps.acceptsUploads(jobId)) {
          throw new HttpError(409, 'conflict', `job ${jobId} is not running; its files are not taken`);
        }
        const rel = safeRelative(req.query.path);
        if (!rel) throw new HttpError(400, 'bad_request', 'path must be relative, inside the outputs folder');
        const expected = String(req.headers[SHA256_HEADER] ?? '').toLowerCase();
        if (!/^[0-9a-f]{64}$/.test(expected)) {
          throw new HttpError(400, 'bad_request', `${SHA256_HEADER} must be the file's SHA-256 in hex`);
        }
        if (!req.body || typeof (req.body as NodeJS.ReadableStream).pipe !== 'function') {
          throw new HttpError(415, 'unsupported_media_type', 'send the file as application/octet-stream');
        }
        const dest = path.join(deps.outputsDir, rel);
        mkdirSync(path.dirname(dest), { recursive: true });
        const part = `${dest}.part-${randomBytes(6).toString('hex')}`;
        const hash = createHash('sha256');
        let size = 0;
        const tap = new Transform({
          transform(chunk: Buffer, _enc, cb) {
            hash.update(chunk);
            size += chunk.length;
            cb(null, chunk);
          },
        });
        try {
          await pipeline(req.body as NodeJS.ReadableStream, tap, createWriteStream(part, { flags: 'wx' }));
        } catch (err) {
          rmSync(part, { force: true });
          throw new HttpError(400, 'bad_request', `the upload broke off: ${(err as Error).message}`);
        }
        if (hash.digest('hex') !== expected) {
          rmSync(part, { force: true });
          throw new HttpError(
            400,
            'bad_request',
            'checksum mismatch: the file does not match its SHA-256; not stored',
          );
        }
        renameSync(part, dest);
        reply.status(201);
        return { path: rel, size };
      },
    );
  });
}
