import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { ErrorCode } from '@reelgraph/protocol';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { setSecurityHeaders } from './security/headers';

/** An error with the `{ error, message, ... }` body of docs/protocol.md §1. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: ErrorCode,
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

/**
 * Errors Fastify raises before routing (Fastify's `frameworkErrors` option): a path that is not valid
 * percent-encoding, or a route parameter over `maxParamLength`. Without this they answer in Fastify's shape.
 */
export function frameworkErrors(err: FastifyError, req: FastifyRequest, reply: FastifyReply): void {
  // These replies skip the app's onSend hook, which sets the security headers.
  setSecurityHeaders(reply, req.url);
  if (err.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    reply.status(414).send({ error: 'uri_too_long', message: 'a path segment of the URL is too long' });
  } else if (err.code === 'FST_ERR_BAD_URL') {
    reply.status(400).send({ error: 'bad_request', message: 'the URL path is not valid percent-encoding' });
  } else {
    reply.status(500).send({ error: 'internal', message: 'internal server error' });
  }
}

/** What Node's HTTP parser refused, in words; the parser's codes are `HPE_*`. */
const CLIENT_ERRORS: Record<string, [status: number, code: ErrorCode, message: string]> = {
  HPE_HEADER_OVERFLOW: [431, 'headers_too_large', 'the request headers are larger than the server accepts'],
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'request_timeout', 'the request took too long to arrive'],
  HPE_INVALID_CONTENT_LENGTH: [400, 'bad_request', 'malformed HTTP request: invalid Content-Length'],
  HPE_UNEXPECTED_CONTENT_LENGTH: [400, 'bad_request', 'malformed HTTP request: conflicting Content-Length'],
  HPE_INVALID_CHUNK_SIZE: [400, 'bad_request', 'malformed HTTP request: invalid chunked encoding'],
  HPE_INVALID_TRANSFER_ENCODING: [400, 'bad_request', 'malformed HTTP request: invalid Transfer-Encoding'],
  HPE_INVALID_HEADER_TOKEN: [400, 'bad_request', 'malformed HTTP request: invalid header name or value'],
  HPE_INVALID_METHOD: [400, 'bad_request', 'malformed HTTP request: unknown method'],
  HPE_INVALID_VERSION: [400, 'bad_request', 'malformed HTTP request: unknown HTTP version'],
};

/**
 * Node's `clientError` (Fastify's `clientErrorHandler` option): a request the HTTP parser refused never
 * becomes a request, so the answer is written to the socket by hand, in the `{ error, message }` shape.
 */
export function clientErrorHandler(err: Error & { code?: string }, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, code, message] = CLIENT_ERRORS[err.code ?? ''] ?? [
    400,
    'bad_request',
    'malformed HTTP request',
  ];
  const body = JSON.stringify({ error: code, message });
  // A response already under way on this socket (keep-alive) cannot take another status line.
  const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (!socket.writable || inFlight?.headersSent) {
    socket.destroy();
    return;
  }
  const head =
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nconnection: close\r\n` +
    `content-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\n` +
    'x-content-type-options: nosniff\r\n\r\n';
  socket.end(head + body, () => socket.destroy());
}
