import {
  type Catalog,
  checkGraphValue,
  duplicateKeyError,
  findDuplicateKeys,
  type GraphDocument,
  parseGraph,
  type ValidationError,
} from '@reelgraph/graph';
import {
  CancelJobResponse,
  ClearJobsResponse,
  JobDetail,
  JobDetailQuery,
  JobParams,
  type JobState,
  JobSummary,
  ListJobsQuery,
  ListJobsResponse,
  NoBody,
  PatchJobBody,
  QueueStatus,
  SubmitJobBody,
  SubmitJobResponse,
} from '@reelgraph/protocol';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { HttpError, notFound } from '../errors';
import type { PolicyGate } from '../policy/gate';
import type { JobQueue } from '../queue/job-queue';
import { JobViews } from '../queue/job-views';
import { mayAccess } from '../security/users';
import type { JobRecord, Store } from '../store/store';
import { errors } from './error-responses';
import { queueCall } from './queue-errors';

export interface JobRoutesDeps {
  store: Store;
  scheduler: JobQueue;
  catalog: () => Catalog;
  maxBodyBytes: number;
  maxNodes: number;
  maxTimeoutMs: number;
  submitRateLimit: number;
  /** `serve --policy`: checks every text input before anything is queued. */
  policy?: PolicyGate;
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
  const views = new JobViews(store, (id) => scheduler.live(id));
  /**
   * The job, if this request's user may see it: another user's job answers as if it did not exist. A
   * job this process does not know may have been accepted by another front a moment ago: `sync` first.
   */
  const jobFor = async (req: FastifyRequest, id: string): Promise<JobRecord> => {
    let job = store.getJob(id);
    if (!job && scheduler.sync) {
      await scheduler.sync();
      job = store.getJob(id);
    }
    if (!job || !mayAccess(req.user, job)) throw notFound(`job ${id}`);
    return job;
  };
  /** Pausing the queue touches every user's jobs: with named users, only admins may. */
  const adminOnly = async (req: FastifyRequest) => {
    if (req.user && !req.user.admin)
      throw new HttpError(403, 'forbidden', 'only an admin may pause or resume the queue');
  };

  app.post<{ Body: SubmitJobBody }>(
    '/api/jobs',
    {
      config: { rateLimit: { max: deps.submitRateLimit, timeWindow: 60_000 } },
      schema: {
        summary: 'Submit a graph to the queue',
        tags: ['jobs'],
        body: SubmitJobBody(deps.maxTimeoutMs),
        response: { 201: SubmitJobResponse, ...errors(400, 401, 403, 413, 422, 429, 503) },
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
        (await deps.policy?.enforce(doc, {
          ...(req.user ? { user: req.user.name } : {}),
          ...(body.clientId !== undefined ? { clientId: body.clientId } : {}),
          address: req.ip,
        })) ?? [];
      const { jobId, position } = queueCall(() =>
        scheduler.submit(
          {
            graph: doc,
            ...(body.clientId !== undefined ? { clientId: body.clientId } : {}),
            ...(req.user ? { owner: req.user.name } : {}),
            ...(body.priority !== undefined ? { priority: body.priority } : {}),
            ...(body.timeoutMs !== undefined ? { timeoutMs: body.timeoutMs } : {}),
            ...(body.targets !== undefined ? { targets: body.targets } : {}),
          },
          Object.keys(doc.nodes).length,
        ),
      );
      // Visible on every front before the answer (a client may ask another front next).
      await scheduler.sync?.();
      reply.status(201);
      const created: SubmitJobResponse = {
        jobId,
        position,
        state: 'queued',
        ...(policyWarnings.length > 0 ? { policyWarnings } : {}),
      };
      return created;
    },
  );

  app.get<{ Querystring: ListJobsQuery }>(
    '/api/jobs',
    {
      schema: {
        summary: 'List jobs: running, queued in run order, then finished ones newest first',
        tags: ['jobs'],
        querystring: ListJobsQuery,
        response: { 200: ListJobsResponse, ...errors(400) },
      },
    },
    async (req) => {
      const limit = Math.min(500, Math.max(1, Number(req.query.limit ?? 100)));
      const offset = Number(req.query.offset ?? 0);
      const states = req.query.state ? (req.query.state.split(',') as JobState[]) : undefined;
      const { jobs, total } = store.listJobs({
        ...(states ? { states } : {}),
        ...(req.query.clientId ? { clientId: req.query.clientId } : {}),
        ...(req.query.title ? { title: req.query.title } : {}),
        ...(req.query.files === 'true' ? { withFiles: true } : {}),
        ...(req.user && !req.user.admin ? { owner: req.user.name } : {}),
        limit,
        offset,
      });
      const list = jobs.map((j) => views.summary(j));
      return { jobs: list, total, offset, limit };
    },
  );

  app.get<{ Params: JobParams; Querystring: JobDetailQuery }>(
    '/api/jobs/:id',
    {
      schema: {
        summary: 'One job with its per-node status, outputs, stored events and graph',
        tags: ['jobs'],
        params: JobParams,
        querystring: JobDetailQuery,
        response: { 200: JobDetail, ...errors(400, 404) },
      },
      // Stored events are sent as they were written, also by another version of the server: a schema
      // serializer would refuse (500) an event type it does not know.
      serializerCompiler: () => (data) => JSON.stringify(data),
    },
    async (req) => {
      const job = await jobFor(req, req.params.id);
      return views.detail(job, {
        events: req.query.events !== 'false',
        graph: req.query.graph !== 'false',
      });
    },
  );

  app.post<{ Params: JobParams }>(
    '/api/jobs/:id/cancel',
    {
      schema: {
        summary: 'Cancel a queued or running job (idempotent)',
        tags: ['jobs'],
        params: JobParams,
        response: { 200: CancelJobResponse, ...errors(400, 403, 404) },
      },
    },
    async (req): Promise<CancelJobResponse> => {
      await jobFor(req, req.params.id);
      const result = queueCall(() => scheduler.cancel(req.params.id));
      await scheduler.sync?.();
      return { jobId: req.params.id, ...result };
    },
  );

  app.patch<{ Params: JobParams; Body: PatchJobBody }>(
    '/api/jobs/:id',
    {
      schema: {
        summary: 'Change the priority of a queued job (higher runs first)',
        tags: ['jobs'],
        params: JobParams,
        body: PatchJobBody,
        response: { 200: JobSummary, ...errors(400, 403, 404, 409) },
      },
    },
    async (req) => {
      await jobFor(req, req.params.id);
      const job = queueCall(() => scheduler.setPriority(req.params.id, req.body.priority));
      await scheduler.sync?.();
      return views.summary(store.getJob(job.id) ?? job);
    },
  );

  app.delete<{ Params: JobParams }>(
    '/api/jobs/:id',
    {
      schema: {
        summary: 'Remove a finished job from the history',
        tags: ['jobs'],
        params: JobParams,
        response: { 204: NoBody, ...errors(400, 403, 404, 409) },
      },
    },
    async (req, reply) => {
      await jobFor(req, req.params.id);
      queueCall(() => scheduler.delete(req.params.id));
      reply.status(204).send();
    },
  );

  app.delete(
    '/api/jobs',
    {
      schema: {
        summary:
          'Clear the history: remove every finished job, only your own with named users unless admin (output files stay on disk)',
        tags: ['jobs'],
        response: { 200: ClearJobsResponse, ...errors(403) },
      },
    },
    async (req) => ({
      deleted: store.clearFinished(req.user && !req.user.admin ? req.user.name : undefined),
    }),
  );

  app.get(
    '/api/queue',
    { schema: { summary: 'Queue status', tags: ['queue'], response: { 200: QueueStatus } } },
    async () => scheduler.status(),
  );
  app.post(
    '/api/queue/pause',
    {
      schema: {
        summary: 'Start no further jobs',
        tags: ['queue'],
        response: { 200: QueueStatus, ...errors(403) },
      },
      preHandler: adminOnly,
    },
    async () => scheduler.pause(),
  );
  app.post(
    '/api/queue/resume',
    {
      schema: {
        summary: 'Run queued jobs again',
        tags: ['queue'],
        response: { 200: QueueStatus, ...errors(403) },
      },
      preHandler: adminOnly,
    },
    async () => scheduler.resume(),
  );
}
