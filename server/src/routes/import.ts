import { catalogModels, importComfy, importComfyFile, mappingsFor } from '@reelgraph/comfy';
import type { Catalog } from '@reelgraph/graph';
import type { FastifyInstance } from 'fastify';
import { HttpError } from '../errors';
import { errors } from './error-responses';

export interface ImportRoutesDeps {
  catalog: () => Catalog;
  maxUploadBytes: number;
}

const BINARY = [
  'application/octet-stream',
  'image/png',
  'image/apng',
  'image/webp',
  'video/mp4',
  'video/webm',
  'video/x-matroska',
];

/**
 * `POST /api/import`: a ComfyUI workflow or API prompt (JSON body), or a file ComfyUI wrote with one
 * inside (PNG, WebP, MP4, WebM bytes) → `{ graph, report }`. The graph is not validated here: foreign
 * nodes and missing models are listed in the report and refused when the graph is run.
 */
export async function importRoutes(app: FastifyInstance, deps: ImportRoutesDeps): Promise<void> {
  await app.register(async (scope) => {
    scope.addContentTypeParser(
      BINARY,
      { parseAs: 'buffer', bodyLimit: deps.maxUploadBytes },
      (_req, body, done) => done(null, body),
    );
    scope.post(
      '/api/import',
      {
        schema: {
          summary: 'Import a ComfyUI workflow, API prompt, or a PNG/WebP/MP4/WebM ComfyUI wrote',
          tags: ['graphs'],
          response: {
            200: {
              type: 'object',
              required: ['graph', 'report'],
              properties: {
                graph: { type: 'object', additionalProperties: true },
                report: { type: 'object', additionalProperties: true },
              },
            },
            ...errors(400, 401, 403, 413, 415),
          },
        },
      },
      async (req) => {
        const catalog = deps.catalog();
        const options = { models: catalogModels(catalog), mappings: mappingsFor(catalog), catalog };
        const body = req.body;
        const result = Buffer.isBuffer(body) ? importComfyFile(body, options) : importComfy(body, options);
        if (!result.ok) throw new HttpError(400, result.error, result.message);
        return { graph: result.doc, report: result.report };
      },
    );
  });
}
