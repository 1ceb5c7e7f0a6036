/** JSON schemas shared by the routes (and, through @fastify/swagger, the OpenAPI document). */

export const errorSchema = {
  $id: 'Error',
  type: 'object',
  required: ['error', 'message'],
  properties: {
    error: { type: 'string' },
    message: { type: 'string' },
  },
  additionalProperties: true,
} as const;

export const ID_PATTERN = '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$';
export const CLIENT_ID_PATTERN = '^[A-Za-z0-9_-]{1,64}$';

const jobError = {
  anyOf: [
    { type: 'null' },
    {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string' },
        message: { type: 'string' },
        nodeId: { type: 'string' },
        nodeType: { type: 'string' },
        pack: { type: 'string' },
      },
    },
  ],
} as const;

const nullableInt = { anyOf: [{ type: 'integer' }, { type: 'null' }] } as const;
const nullableNum = { anyOf: [{ type: 'number' }, { type: 'null' }] } as const;
const nullableStr = { anyOf: [{ type: 'string' }, { type: 'null' }] } as const;

export const jobSummarySchema = {
  type: 'object',
  required: ['id', 'state', 'priority', 'position', 'createdAt', 'attempts'],
  properties: {
    id: { type: 'string' },
    state: { type: 'string', enum: ['queued', 'running', 'success', 'failed', 'cancelled'] },
    priority: { type: 'integer' },
    position: nullableInt,
    clientId: nullableStr,
    title: nullableStr,
    nodeCount: { type: 'integer' },
    createdAt: { type: 'number' },
    startedAt: nullableNum,
    finishedAt: nullableNum,
    durationMs: nullableNum,
    attempts: { type: 'integer' },
    error: jobError,
    outputCount: { type: 'integer' },
  },
} as const;

export const outputSchema = {
  type: 'object',
  required: ['kind', 'nodeId'],
  properties: {
    kind: { type: 'string', enum: ['file', 'value'] },
    id: { type: 'string' },
    nodeId: { type: 'string' },
    name: { type: 'string' },
    mime: { type: 'string' },
    size: { type: 'integer' },
    url: { type: 'string' },
    meta: { type: 'object', additionalProperties: true },
    value: {},
    label: { type: 'string' },
  },
} as const;

export const jobDetailSchema = {
  type: 'object',
  required: [...jobSummarySchema.required, 'seq', 'nodes', 'outputs'],
  properties: {
    ...jobSummarySchema.properties,
    seq: { type: 'integer' },
    nodes: { type: 'object', additionalProperties: { type: 'object', additionalProperties: true } },
    outputs: { type: 'array', items: outputSchema },
    graph: { type: 'object', additionalProperties: true },
    events: { type: 'array', items: { type: 'object', additionalProperties: true } },
  },
} as const;

export const queueStatusSchema = {
  type: 'object',
  required: ['paused', 'running', 'queued'],
  properties: { paused: { type: 'boolean' }, running: nullableStr, queued: { type: 'integer' } },
} as const;

/** Standard error responses a route may give, for the OpenAPI document. */
export function errors(...codes: number[]): Record<number, { $ref: string }> {
  const out: Record<number, { $ref: string }> = {};
  for (const c of codes) out[c] = { $ref: 'Error#' };
  return out;
}
