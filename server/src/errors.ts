import type { FastifyError, FastifyInstance } from 'fastify';

/** An error with the `{ error, message, ... }` body of docs/protocol.md §1. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export const notFound = (what: string) => new HttpError(404, 'not_found', `${what} not found`);

/** Map Fastify's own errors (schema, body parser, limits) onto our codes; never leak internals. */
function toBody(err: FastifyError & { extra?: Record<string, unknown> }): {
  status: number;
  body: Record<string, unknown>;
} {
  if (err instanceof HttpError) {
    return { status: err.statusCode, body: { error: err.code, message: err.message, ...err.extra } };
  }
  if (err.validation) {
    const details = err.validation.map((v) => ({
      path: `${err.validationContext ?? ''}${v.instancePath || ''}`,
      message: v.message ?? 'invalid',
    }));
    return {
      status: 400,
      body: { error: 'bad_request', message: `invalid request: ${err.message}`, details },
    };
  }
  switch (err.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return {
        status: 400,
        body: { error: 'invalid_json', message: `request body is not valid JSON: ${err.message}` },
      };
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
    case 'FST_REQ_FILE_TOO_LARGE':
    case 'FST_FILES_LIMIT':
    case 'FST_PARTS_LIMIT':
    case 'FST_FIELDS_LIMIT':
      return { status: 413, body: { error: 'payload_too_large', message: err.message } };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_INVALID_MULTIPART_CONTENT_TYPE':
      return { status: 415, body: { error: 'unsupported_media_type', message: err.message } };
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
    case 'FST_ERR_CTP_INVALID_TYPE':
    case 'FST_PROTO_VIOLATION':
      return { status: 400, body: { error: 'bad_request', message: err.message } };
  }
  const status = typeof err.statusCode === 'number' ? err.statusCode : 500;
  if (status === 429) return { status, body: { error: 'rate_limited', message: err.message } };
  if (status >= 400 && status < 500) {
    const code = status === 404 ? 'not_found' : status === 413 ? 'payload_too_large' : 'bad_request';
    return { status, body: { error: code, message: err.message } };
  }
  return { status: 500, body: { error: 'internal', message: 'internal server error' } };
}

export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, req, reply) => {
    const { status, body } = toBody(err);
    if (status >= 500) req.log.error({ err }, 'request failed');
    if (err instanceof HttpError && err.extra.retryAfterMs !== undefined) {
      reply.header('retry-after', Math.ceil(Number(err.extra.retryAfterMs) / 1000));
    }
    reply.status(status).send(body);
  });
}
