import {
  NoBody,
  RenameWorkflowBody,
  SaveWorkflowBody,
  SaveWorkflowResponse,
  WorkflowInfo,
  WorkflowList,
  WorkflowParams,
  WorkflowQuery,
} from '@reelgraph/protocol';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { HttpError, notFound } from '../errors';
import type { WorkflowStore } from '../store/workflows';
import { errors } from './error-responses';

export interface WorkflowRoutesDeps {
  workflows: WorkflowStore;
}

/** With named users each has a library of their own; without, the server has one. */
const ownerOf = (req: FastifyRequest) => req.user?.name ?? '';

/** The library sidebar's saved workflows (and reusable components), kept by the server per user. */
export async function workflowRoutes(app: FastifyInstance, deps: WorkflowRoutesDeps): Promise<void> {
  const { workflows } = deps;

  app.get<{ Querystring: WorkflowQuery }>(
    '/api/workflows',
    {
      schema: {
        summary: 'Your saved workflows (or components, `?kind=component`), by name',
        tags: ['workflows'],
        querystring: WorkflowQuery,
        response: { 200: WorkflowList, ...errors(400, 401, 403) },
      },
    },
    async (req) => ({ workflows: workflows.list(ownerOf(req), req.query.kind ?? 'workflow') }),
  );

  app.get<{ Params: WorkflowParams; Querystring: WorkflowQuery }>(
    '/api/workflows/:name',
    {
      schema: {
        summary: 'One saved workflow: the graph document as it was saved',
        tags: ['workflows'],
        params: WorkflowParams,
        querystring: WorkflowQuery,
        response: { 200: SaveWorkflowBody.properties.graph, ...errors(400, 401, 403, 404) },
      },
    },
    async (req, reply) => {
      const graph = workflows.get(ownerOf(req), req.query.kind ?? 'workflow', req.params.name);
      if (graph === undefined) throw notFound(`workflow ${req.params.name}`);
      return reply.type('application/json; charset=utf-8').send(graph);
    },
  );

  app.put<{ Params: WorkflowParams; Body: SaveWorkflowBody }>(
    '/api/workflows/:name',
    {
      schema: {
        summary: 'Save a workflow under a name (replacing one of that name)',
        description:
          'Work in progress is kept as it is: the graph is not validated against the catalog, only required to be a graph document.',
        tags: ['workflows'],
        params: WorkflowParams,
        body: SaveWorkflowBody,
        response: { 200: SaveWorkflowResponse, 201: SaveWorkflowResponse, ...errors(400, 401, 403, 413) },
      },
    },
    async (req, reply) => {
      const { graph, kind = 'workflow' } = req.body;
      if (typeof graph.nodes !== 'object' || graph.nodes === null || Array.isArray(graph.nodes))
        throw new HttpError(400, 'bad_request', 'the graph needs a "nodes" object');
      const title = typeof graph.meta?.title === 'string' ? graph.meta.title : null;
      const saved = workflows.put(ownerOf(req), {
        kind,
        name: req.params.name,
        title,
        nodeCount: Object.keys(graph.nodes).length,
        graph: JSON.stringify(graph),
      });
      reply.status(saved.created ? 201 : 200);
      return saved;
    },
  );

  app.post<{ Params: WorkflowParams; Body: RenameWorkflowBody }>(
    '/api/workflows/:name/rename',
    {
      schema: {
        summary: 'Rename a saved workflow (never replacing another)',
        tags: ['workflows'],
        params: WorkflowParams,
        body: RenameWorkflowBody,
        response: { 200: WorkflowInfo, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (req) => {
      const { to, kind = 'workflow' } = req.body;
      const r = workflows.rename(ownerOf(req), kind, req.params.name, to);
      if (r.kind === 'missing') throw notFound(`workflow ${req.params.name}`);
      if (r.kind === 'exists')
        throw new HttpError(409, 'conflict', `a workflow named "${to}" already exists`);
      return r.info;
    },
  );

  app.delete<{ Params: WorkflowParams; Querystring: WorkflowQuery }>(
    '/api/workflows/:name',
    {
      schema: {
        summary: 'Delete a saved workflow',
        tags: ['workflows'],
        params: WorkflowParams,
        querystring: WorkflowQuery,
        response: { 204: NoBody, ...errors(400, 401, 403, 404) },
      },
    },
    async (req, reply) => {
      if (!workflows.remove(ownerOf(req), req.query.kind ?? 'workflow', req.params.name))
        throw notFound(`workflow ${req.params.name}`);
      reply.status(204).send();
    },
  );
}
