/**
 * A ComfyUI-compatible API, so existing ComfyUI scripts and bots drive Reelgraph unchanged (docs/comfyui.md):
 * POST /prompt, GET /history, GET /queue, POST /interrupt, GET /view, POST /upload/image, GET /object_info
 * and GET /ws. Prompts are imported into graphs and go through the same validation, policy, queue and
 * executor as native jobs; the guard's Host/Origin checks apply as everywhere, and a token, when set.
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { type ApiPrompt, catalogModels, importComfy, mappingsFor } from '@reelgraph/comfy';
import { type Catalog, checkGraphValue, jsonDepthExceeds, type ValidationError } from '@reelgraph/graph';
import { CLIENT_ID_PATTERN } from '@reelgraph/protocol';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { WebSocket } from 'ws';
import { HttpError, notFound } from '../errors';
import { mimeFromName } from '../files/mime';
import { resolveStored } from '../files/safe-path';
import { sendFile } from '../files/send-file';
import { saveUploadedImage } from '../files/upload';
import type { PolicyGate } from '../policy/gate';
import type { JobQueue } from '../queue/job-queue';
import type { Guard } from '../security/guard';
import { mayAccess } from '../security/users';
import type { Store } from '../store/store';
import type { Hub } from '../ws/hub';
import { ComfyBridge } from './bridge';
import { allObjectInfo, objectInfo } from './object-info';

export interface ComfyRoutesDeps {
  store: Store;
  scheduler: JobQueue;
  hub: Hub;
  guard: Guard;
  catalog: () => Catalog;
  outputsDir: string;
  uploadsDir: string;
  maxBodyBytes: number;
  maxNodes: number;
  maxImagePixels: number;
  maxHistory: number;
  maxDepth: number;
  submitRateLimit: number;
  uploadRateLimit: number;
  policy?: PolicyGate;
}

const CLIENT_ID = new RegExp(CLIENT_ID_PATTERN);
const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** ComfyUI's error body, with the `message` every Reelgraph error carries. */
function comfyError(
  reply: FastifyReply,
  type: string,
  message: string,
  nodeErrors: Record<string, unknown> = {},
) {
  return reply
    .status(400)
    .send({ error: { type, message, details: '', extra_info: {} }, message, node_errors: nodeErrors });
}

/** Validation errors by ComfyUI node id (a Reelgraph id like "3.noise" belongs to node "3"). */
function nodeErrors(errors: ValidationError[], prompt: ApiPrompt): Record<string, unknown> {
  const out: Record<string, { errors: unknown[]; dependent_outputs: string[]; class_type: string }> = {};
  for (const e of errors) {
    let id = e.nodeId ?? '';
    while (id && !Object.hasOwn(prompt, id) && id.includes('.')) id = id.slice(0, id.lastIndexOf('.'));
    const key = Object.hasOwn(prompt, id) ? id : (e.nodeId ?? '(graph)');
    out[key] ??= { errors: [], dependent_outputs: [], class_type: prompt[key]?.class_type ?? '' };
    out[key].errors.push({
      type: e.code,
      message: e.message,
      details: e.input ?? '',
      extra_info: { input_name: e.input },
    });
  }
  return out;
}

export async function comfyRoutes(app: FastifyInstance, deps: ComfyRoutesDeps): Promise<void> {
  const { scheduler, store, guard } = deps;
  const bridge = new ComfyBridge({ scheduler, store, maxHistory: deps.maxHistory });
  deps.hub.observers.add(bridge);
  app.addHook('onClose', async () => {
    deps.hub.observers.delete(bridge);
  });

  await app.register(async (comfy) => {
    // The guard checks Host and Origin everywhere but tokens only under /api: these routes check it here.
    comfy.addHook('onRequest', async (req) => {
      if (!guard.isAuthenticated(req))
        throw new HttpError(401, 'unauthorized', 'a valid token is required (Authorization: Bearer)');
      const user = guard.userOf(req);
      if (user) req.user = user; // under --users: jobs are the submitter's (and the admins')
    });
    // ComfyUI's own example scripts POST JSON with urllib's default form content type.
    const parseJson = (_req: unknown, body: string, done: (err: Error | null, v?: unknown) => void) => {
      if (body === '') return done(null, {});
      if (jsonDepthExceeds(body, deps.maxDepth))
        return done(
          new HttpError(400, 'bad_request', `the JSON body nests deeper than ${deps.maxDepth} levels`),
        );
      try {
        done(null, JSON.parse(body));
      } catch {
        done(new HttpError(400, 'bad_request', 'the body is not valid JSON'));
      }
    };
    comfy.addContentTypeParser(
      ['application/x-www-form-urlencoded', 'text/plain'],
      { parseAs: 'string' },
      parseJson,
    );

    comfy.post(
      '/prompt',
      { config: { rateLimit: { max: deps.submitRateLimit, timeWindow: 60_000 } } },
      async (req, reply) => {
        const body = req.body;
        if (!isObject(body) || !isObject(body.prompt))
          return comfyError(
            reply,
            'invalid_prompt',
            'the body needs a "prompt" object: an API-format prompt',
          );
        const catalog = deps.catalog();
        const imported = importComfy(body.prompt, {
          models: catalogModels(catalog),
          mappings: mappingsFor(catalog),
        });
        if (!imported.ok) return comfyError(reply, 'invalid_prompt', imported.message);
        if (imported.report.format !== 'prompt')
          return comfyError(
            reply,
            'invalid_prompt',
            'POST /prompt takes the API format (a workflow was sent)',
          );
        const prompt = body.prompt as ApiPrompt;
        const checked = checkGraphValue(imported.doc, catalog, {
          maxBytes: deps.maxBodyBytes,
          maxNodes: deps.maxNodes,
        });
        if (checked.errors.length > 0 || !checked.doc) {
          const first = checked.errors[0]?.message ?? 'invalid prompt';
          return comfyError(
            reply,
            'prompt_outputs_failed_validation',
            `Prompt outputs failed validation: ${first}`,
            nodeErrors(checked.errors, prompt),
          );
        }
        const doc = checked.doc;
        const clientId =
          typeof body.client_id === 'string' && CLIENT_ID.test(body.client_id) ? body.client_id : undefined;
        await deps.policy?.enforce(doc, { ...(clientId ? { clientId } : {}), address: req.ip });
        const owner = req.user?.name;
        const { jobId } = scheduler.submit(
          { graph: doc, ...(clientId ? { clientId } : {}), ...(owner ? { owner } : {}) },
          Object.keys(doc.nodes).length,
        );
        const number = bridge.register(jobId, prompt, body.extra_data, clientId, owner ?? null);
        return { prompt_id: jobId, number, node_errors: {} };
      },
    );

    comfy.get('/prompt', async () => ({ exec_info: bridge.status().exec_info }));

    comfy.get<{ Querystring: { max_items?: string } }>('/history', async (req) =>
      bridge.history(req.user, undefined, Number(req.query.max_items) || undefined),
    );
    comfy.get<{ Params: { id: string } }>('/history/:id', async (req) =>
      bridge.history(req.user, req.params.id),
    );
    comfy.post('/history', async (req) => {
      const b = isObject(req.body) ? req.body : {};
      if (b.clear === true) bridge.clearHistory(req.user);
      if (Array.isArray(b.delete))
        bridge.clearHistory(
          req.user,
          b.delete.filter((x): x is string => typeof x === 'string'),
        );
      return {};
    });

    comfy.get('/queue', async (req) => bridge.queue(req.user));
    comfy.post('/queue', async (req) => {
      const b = isObject(req.body) ? req.body : {};
      const ids = b.clear === true ? bridge.active(req.user) : Array.isArray(b.delete) ? b.delete : [];
      for (const id of ids) {
        const job = typeof id === 'string' ? store.getJob(id) : undefined;
        if (job?.state === 'queued' && mayAccess(req.user, job)) scheduler.cancel(job.id);
      }
      return {};
    });

    comfy.post('/interrupt', async (req) => {
      const b = isObject(req.body) ? req.body : {};
      const ids = typeof b.prompt_id === 'string' ? [b.prompt_id] : store.runningJobs().map((j) => j.id);
      for (const id of ids) {
        const job = store.getJob(id);
        if (job?.state === 'running' && mayAccess(req.user, job)) scheduler.cancel(id);
      }
      return {};
    });

    comfy.get<{ Querystring: { filename?: string; subfolder?: string; type?: string } }>(
      '/view',
      async (req, reply) => {
        const { filename = '', subfolder = '', type = 'output' } = req.query;
        const root = type === 'output' ? deps.outputsDir : type === 'input' ? deps.uploadsDir : undefined;
        if (!root || !filename || filename.includes('/') || filename.includes('\\')) throw notFound('file');
        // Under --users an output is served only to who may see the prompt that wrote it.
        if (
          type === 'output' &&
          req.user &&
          !req.user.admin &&
          !bridge.mayView(req.user, subfolder, filename)
        )
          throw notFound('file');
        const found = resolveStored(root, path.join(subfolder, filename));
        if (!found) throw notFound('file');
        return sendFile(req, reply, found.path, { mime: mimeFromName(filename), downloadName: filename });
      },
    );

    comfy.post(
      '/upload/image',
      { config: { rateLimit: { max: deps.uploadRateLimit, timeWindow: 60_000 } } },
      async (req) => {
        if (!req.isMultipart())
          throw new HttpError(
            415,
            'unsupported_media_type',
            'send the image as multipart/form-data, field "image"',
          );
        let data: Buffer | undefined;
        for await (const part of req.parts()) {
          if (part.type === 'file' && part.fieldname === 'image' && !data) data = await part.toBuffer();
          else if (part.type === 'file') part.file.resume();
        }
        if (!data) throw new HttpError(400, 'bad_request', 'no file field named "image" in the upload');
        const saved = await saveUploadedImage(data, deps);
        return { name: saved.name, subfolder: '', type: 'input' };
      },
    );

    comfy.get('/object_info', async () => {
      const catalog = deps.catalog();
      return allObjectInfo(mappingsFor(catalog), catalogModels(catalog));
    });
    comfy.get<{ Params: { cls: string } }>('/object_info/:cls', async (req) => {
      const catalog = deps.catalog();
      const table = mappingsFor(catalog).classes.get(req.params.cls);
      return table?.build ? { [table.class]: objectInfo(table, catalogModels(catalog)) } : {};
    });

    comfy.get('/system_stats', async () => ({
      system: {
        os: process.platform,
        python_version: 'none (Reelgraph)',
        embedded_python: false,
        comfyui_version: 'reelgraph',
      },
      devices: [],
    }));

    comfy.get<{ Querystring: { clientId?: string } }>(
      '/ws',
      {
        websocket: true,
        preHandler: async (req) => {
          if (!req.ws) throw new HttpError(426, 'upgrade_required', 'GET /ws is a WebSocket endpoint');
        },
      },
      (socket: WebSocket, req) => {
        const asked = req.query.clientId;
        const clientId = asked && CLIENT_ID.test(asked) ? asked : randomUUID().replaceAll('-', '');
        bridge.addSocket(clientId, socket, guard.userOf(req));
        socket.on('close', () => bridge.removeSocket(clientId, socket));
        socket.on('error', () => bridge.removeSocket(clientId, socket));
        socket.on('message', () => {}); // ComfyUI clients may send feature flags; nothing to answer
      },
    );
  });
}
