import path from 'node:path';
import { type FileParams, OutputParams, UploadInfo, UploadParams, UploadResponse } from '@reelgraph/protocol';
import type { FastifyInstance } from 'fastify';
import { HttpError, notFound } from '../errors';
import { realFileInside, resolveStored } from '../files/safe-path';
import { sendFile } from '../files/send-file';
import { IMAGE_TYPES, saveUploadedImage } from '../files/upload';
import { mayAccess } from '../security/users';
import type { Store } from '../store/store';
import { errors } from './error-responses';

export interface FileRoutesDeps {
  store: Store;
  outputsDir: string;
  uploadsDir: string;
  maxUploadBytes: number;
  maxImagePixels: number;
  uploadRateLimit: number;
}

/** Busboy's parse errors carry no status: they are the client's malformed body, not a server fault. */
function malformed(err: unknown): unknown {
  if (err instanceof HttpError) return err;
  const status = (err as { statusCode?: number }).statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) return err;
  return new HttpError(
    400,
    'bad_request',
    `malformed multipart body: ${(err as Error).message ?? String(err)}`,
  );
}

/** A client's file name, reduced to something safe to show: its last path segment, no control characters. */
function displayName(filename: string | undefined): string | undefined {
  const last = (filename ?? '').split(/[\\/]/).pop() ?? '';
  const base = [...last]
    .filter((ch) => ch >= ' ' && ch !== '\u007f')
    .join('')
    .trim();
  return base ? base.slice(0, 200) : undefined;
}

export async function fileRoutes(app: FastifyInstance, deps: FileRoutesDeps): Promise<void> {
  app.get<{ Params: FileParams }>(
    '/api/outputs/:name',
    {
      schema: {
        summary: 'Download an output file by id (range requests supported)',
        tags: ['files'],
        params: OutputParams,
        response: errors(400, 401, 403, 404, 416),
      },
    },
    async (req, reply) => {
      const rec = deps.store.fileOutput(req.params.name);
      const job = rec && deps.store.getJob(rec.jobId);
      // Checked again at every read: the file could have been swapped for a symlink since it was made.
      const found = rec && job && mayAccess(req.user, job) && resolveStored(deps.outputsDir, rec.relPath);
      if (!rec || !found) throw notFound('output');
      return sendFile(req, reply, found.path, { mime: rec.mime, downloadName: rec.name });
    },
  );

  app.get<{ Params: FileParams }>(
    '/api/uploads/:name',
    {
      schema: {
        summary: 'An uploaded image',
        tags: ['files'],
        params: UploadParams,
        response: errors(400, 401, 403, 404, 416),
      },
    },
    async (req, reply) => {
      const found = realFileInside(deps.uploadsDir, path.join(deps.uploadsDir, req.params.name));
      if (!found) throw notFound('upload');
      const ext = req.params.name.split('.').pop()!;
      const mime = Object.values(IMAGE_TYPES).find((e) => e.ext === ext)?.mime;
      return sendFile(req, reply, found.path, { mime, downloadName: req.params.name });
    },
  );

  app.get<{ Params: FileParams }>(
    '/api/uploads/:name/info',
    {
      schema: {
        summary: 'The file name an uploaded image arrived with',
        tags: ['files'],
        params: UploadParams,
        response: { 200: UploadInfo, ...errors(400, 401, 403, 404) },
      },
    },
    async (req): Promise<UploadInfo> => {
      const { name } = req.params;
      if (!realFileInside(deps.uploadsDir, path.join(deps.uploadsDir, name))) throw notFound('upload');
      const originalName = deps.store.uploadNames.originalName(name);
      return { name, ...(originalName ? { originalName } : {}) };
    },
  );

  app.post(
    '/api/uploads',
    {
      config: { rateLimit: { max: deps.uploadRateLimit, timeWindow: 60_000 } },
      schema: {
        summary: 'Upload an image (multipart/form-data, one file field named "file")',
        tags: ['files'],
        consumes: ['multipart/form-data'],
        response: { 201: UploadResponse, ...errors(400, 401, 403, 413, 415, 429) },
      },
    },
    async (req, reply) => {
      if (!req.isMultipart()) {
        throw new HttpError(
          415,
          'unsupported_media_type',
          'send the image as multipart/form-data with a field named "file"',
        );
      }
      let data: Buffer;
      let filename = '';
      try {
        const part = await req.file();
        if (!part) throw new HttpError(400, 'bad_request', 'no file in the upload');
        if (part.fieldname !== 'file') {
          part.file.resume();
          throw new HttpError(
            400,
            'bad_request',
            `the file field must be named "file", not "${part.fieldname.slice(0, 40)}"`,
          );
        }
        filename = part.filename;
        data = await part.toBuffer(); // throws 413 past maxUploadBytes
      } catch (err) {
        throw malformed(err);
      }
      const saved = await saveUploadedImage(data, deps);
      const given = displayName(filename);
      if (given) deps.store.uploadNames.remember(saved.name, given);
      const originalName = deps.store.uploadNames.originalName(saved.name);
      reply.status(201);
      const upload: UploadResponse = {
        ...saved,
        url: `/api/uploads/${saved.name}`,
        ...(originalName ? { originalName } : {}),
      };
      return upload;
    },
  );
}
