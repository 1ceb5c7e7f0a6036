import {
  type Catalog,
  checkGraphValue,
  duplicateKeyError,
  findDuplicateKeys,
  type GraphDocument,
  parseGraph,
  type ValidationError,
} from '@reelgraph/graph';
import type { FastifyInstance } from 'fastify';
import { HttpError, notFound } from '../errors';
import type { PolicyGate } from '../policy/gate';
import { JOB_STATES, type JobState } from '../protocol/types';
import type { Scheduler } from '../queue/scheduler';
import {
  CLIENT_ID_PATTERN,
  errors,
  ID_PATTERN,
  jobDetailSchema,
  jobSummarySchema,
  queueStatusSchema,
} from '../schemas';
import type { Store } from '../store/store';

export interface JobRoutesDeps {
  store: Store;
  scheduler: Scheduler;
  catalog: () => Catalog;
  maxBodyBytes: number;
  maxNodes: number;
  maxTimeoutMs: number;
  submitRateLimit: number;
  /** `serve --policy`: checks every text input before anything is queued. */
  policy?: PolicyGate;
}

interface SubmitBody {
  graph: GraphDocument | string;
  clientId?: string;
  priority?: number;
  timeoutMs?: number;
  targets?: string[];
}

declare module 'fastify' {
  interface FastifyRequest {
    rawBody?: string;
  }
}

/**
 * Duplicate keys in the raw request text (JSON.parse silently keeps the last one, which would drop a
 * node): inside `graph` they are graph errors, located in the request body; elsewhere envelope errors.
 */
function duplicateErrors(raw: string | undefined): { graph: ValidationError[]; envelope: string[] } {
  const graph: ValidationError[] = [];
  const envelope: string[] = [];
  for (const dup of raw ? findDuplicateKeys(raw) : []) {
    if (dup.path[0] === 'graph')
      graph.push(duplicateKeyError({ ...dup, path: dup.path.slice(1) }, raw ?? ''));
    else envelope.push(`key ${JSON.stringify(dup.key)} appears more than once`);
  }
  return { graph, envelope };
}

export async function jobRoutes(app: FastifyInstance, deps: JobRoutesDeps): Promise<void> {
  const { store, scheduler } = deps;

  app.post<{ Body: SubmitBody }>(
    '/api/jobs',
    {
      config: { rateLimit: { max: deps.submitRateLimit, timeWindow: 60_000 } },
      schema: {
        summary: 'Submit a graph to the queue',
        tags: ['jobs'],
        body: {
          type: 'object',
          required: ['graph'],
          additionalProperties: false,
          properties: {
            graph: {
              description: 'The graph document (object), or its JSON text',
              anyOf: [{ type: 'object', additionalProperties: true }, { type: 'string' }],
            },
            clientId: { type: 'string', pattern: CLIENT_ID_PATTERN },
            priority: { type: 'integer', minimum: -1000, maximum: 1000 },
            timeoutMs: { type: 'integer', minimum: 100, maximum: deps.maxTimeoutMs },
            targets: {
              type: 'array',
              maxItems: 1000,
              items: { type: 'string', minLength: 1, maxLength: 200 },
            },
          },
        },
        response: {
          201: {
            type: 'object',
            required: ['jobId', 'position', 'state'],
            properties: {
              jobId: { type: 'string' },
              position: { type: 'integer' },
              state: { type: 'string' },
              policyWarnings: {
                description: "Hits of the policy's warn rules (the job runs)",
                type: 'array',
                items: { type: 'object', additionalProperties: true },
              },
            },
          },
          ...errors(400, 401, 403, 413, 422, 429, 503),
        },
      },
    },
    async (req, reply) => {
      const body = req.body;
      const catalog = deps.catalog();
      const limits = { maxBytes: deps.maxBodyBytes, maxNodes: deps.maxNodes };
      let result: { doc?: GraphDocument; errors: ValidationError[] };
      if (typeof body.graph === 'string') {
        result = parseGraph(body.graph, catalog, limits);
      } else {
        const dups = duplicateErrors(req.rawBody);
        if (dups.envelope.length > 0) {
          throw new HttpError(400, 'bad_request', `invalid request: ${dups.envelope.join('; ')}`);
        }
        // Already parsed (and depth-checked on the raw text): validate the value, never re-serialise it.
        const checked = checkGraphValue(body.graph, catalog, limits);
        result = { ...checked, errors: [...dups.graph, ...checked.errors] };
      }
      if (result.errors.length > 0 || !result.doc) {
        const n = result.errors.length;
        throw new HttpError(
          400,
          'invalid_graph',
          n === 1
            ? `the graph is invalid: ${result.errors[0]!.message}`
            : `the graph has ${n} problems: ${result.errors[0]?.message ?? ''} …`,
          { errors: result.errors },
        );
      }
      const doc = result.doc;
      if (body.targets) {
        const missing = body.targets.filter((t) => !Object.hasOwn(doc.nodes, t));
        if (missing.length > 0) {
          throw new HttpError(
            400,
            'invalid_graph',
            `targets name nodes that are not in the graph: ${missing.join(', ')}`,
            {
              errors: missing.map((t) => ({
                nodeId: t,
                code: 'invalid_link',
                message: `target "${t}" is not a node of this graph`,
              })),
            },
          );
        }
      }
      const policyWarnings =
        deps.policy?.enforce(doc, {
          ...(body.clientId !== undefined ? { clientId: body.clientId } : {}),
          address: req.ip,
        }) ?? [];
      const { jobId, position } = scheduler.submit(
        {
          graph: doc,
          ...(body.clientId !== undefined ? { clientId: body.clientId } : {}),
          ...(body.priority !== undefined ? { priority: body.priority } : {}),
          ...(body.timeoutMs !== undefined ? { timeoutMs: body.timeoutMs } : {}),
          ...(body.targets !== undefined ? { targets: body.targets } : {}),
        },
        Object.keys(doc.nodes).length,
      );
      reply.status(201);
      return { jobId, position, state: 'queued', ...(policyWarnings.length > 0 ? { policyWarnings } : {}) };
    },
  );

  app.get<{ Querystring: { state?: string; limit?: string; offset?: string; clientId?: string } }>(
    '/api/jobs',
    {
      schema: {
        summary: 'List jobs: running, queued in run order, then finished ones newest first',
        tags: ['jobs'],
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            state: { type: 'string', pattern: `^(${JOB_STATES.join('|')})(,(${JOB_STATES.join('|')}))*$` },
            limit: { type: 'string', pattern: '^[0-9]{1,4}$' },
            offset: { type: 'string', pattern: '^[0-9]{1,9}$' },
            clientId: { type: 'string', pattern: CLIENT_ID_PATTERN },
          },
        },
        response: {
          200: {
            type: 'object',
            required: ['jobs', 'total', 'offset', 'limit'],
            properties: {
              jobs: { type: 'array', items: jobSummarySchema },
              total: { type: 'integer' },
              offset: { type: 'integer' },
              limit: { type: 'integer' },
            },
          },
          ...errors(400),
        },
      },
    },
    async (req) => {
      const limit = Math.min(500, Math.max(1, Number(req.query.limit ?? 100)));
      const offset = Number(req.query.offset ?? 0);
      const states = req.query.state ? (req.query.state.split(',') as JobState[]) : undefined;
      const { jobs, total } = store.listJobs({
        ...(states ? { states } : {}),
        ...(req.query.clientId ? { clientId: req.query.clientId } : {}),
        limit,
        offset,
      });
      const list = jobs.map((j) => scheduler.summary(j));
      return { jobs: list, total, offset, limit };
    },
  );

  const idParams = {
    type: 'object',
    required: ['id'],
    properties: { id: { type: 'string', pattern: ID_PATTERN } },
  } as const;

  app.get<{ Params: { id: string }; Querystring: { events?: string; graph?: string } }>(
    '/api/jobs/:id',
    {
      schema: {
        summary: 'One job with its per-node status, outputs, stored events and graph',
        tags: ['jobs'],
        params: idParams,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            events: { type: 'string', enum: ['true', 'false'] },
            graph: { type: 'string', enum: ['true', 'false'] },
          },
        },
        response: { 200: jobDetailSchema, ...errors(400, 404) },
      },
    },
    async (req) => {
      const job = store.getJob(req.params.id);
      if (!job) throw notFound(`job ${req.params.id}`);
      return scheduler.detail(job, {
        events: req.query.events !== 'false',
        graph: req.query.graph !== 'false',
      });
    },
  );

  app.post<{ Params: { id: string } }>(
    '/api/jobs/:id/cancel',
    {
      schema: {
        summary: 'Cancel a queued or running job (idempotent)',
        tags: ['jobs'],
        params: idParams,
        response: {
          200: {
            type: 'object',
            required: ['jobId', 'state', 'cancelled'],
            properties: {
              jobId: { type: 'string' },
              state: { type: 'string' },
              cancelled: { type: 'boolean' },
            },
          },
          ...errors(400, 403, 404),
        },
      },
    },
    async (req) => ({ jobId: req.params.id, ...scheduler.cancel(req.params.id) }),
  );

  app.patch<{ Params: { id: string }; Body: { priority: number } }>(
    '/api/jobs/:id',
    {
      schema: {
        summary: 'Change the priority of a queued job (higher runs first)',
        tags: ['jobs'],
        params: idParams,
        body: {
          type: 'object',
          required: ['priority'],
          additionalProperties: false,
          properties: { priority: { type: 'integer', minimum: -1000, maximum: 1000 } },
        },
        response: { 200: jobSummarySchema, ...errors(400, 403, 404, 409) },
      },
    },
    async (req) => scheduler.setPriority(req.params.id, req.body.priority),
  );

  app.delete<{ Params: { id: string } }>(
    '/api/jobs/:id',
    {
      schema: {
        summary: 'Remove a finished job from the history',
        tags: ['jobs'],
        params: idParams,
        response: { 204: { type: 'null' }, ...errors(400, 403, 404, 409) },
      },
    },
    async (req, reply) => {
      scheduler.delete(req.params.id);
      reply.status(204).send();
    },
  );

  app.get(
    '/api/queue',
    { schema: { summary: 'Queue status', tags: ['queue'], response: { 200: queueStatusSchema } } },
    async () => scheduler.status(),
  );
  app.post(
    '/api/queue/pause',
    {
      schema: {
        summary: 'Start no further jobs',
        tags: ['queue'],
        response: { 200: queueStatusSchema, ...errors(403) },
      },
    },
    async () => scheduler.pause(),
  );
  app.post(
    '/api/queue/resume',
    {
      schema: {
        summary: 'Run queued jobs again',
        tags: ['queue'],
        response: { 200: queueStatusSchema, ...errors(403) },
      },
    },
    async () => scheduler.resume(),
  );
}
