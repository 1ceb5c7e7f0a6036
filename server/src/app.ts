import { existsSync } from 'node:fs';
import path from 'node:path';
import fastifyMultipart from '@fastify/multipart';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifyWebsocket from '@fastify/websocket';
import { jsonDepthExceeds, MAX_DEPTH } from '@reelgraph/graph';
import type { PackCatalog } from '@reelgraph/packs';
import { ErrorBody, WS_MAX_MESSAGE_BYTES } from '@reelgraph/protocol';
import Fastify, { type FastifyInstance } from 'fastify';
import type { SigningFiles } from './c2pa/keys';
import { signingFiles } from './c2pa/setup';
import { comfyRoutes } from './comfy/routes';
import { clientErrorHandler, frameworkErrors, HttpError, installErrorHandling } from './errors';
import { type ResolvedOptions, resolveOptions, SERVER_VERSION, type ServerOptions } from './options';
import { reloadPacks } from './packs/hot-reload';
import { createPolicyGate } from './policy/gate';
import { loadPolicy } from './policy/rules';
import { InlineNodeHost } from './queue/inline-host';
import type { JobQueue } from './queue/job-queue';
import type { HostConfig, NodeHost } from './queue/node-host';
import type { BullQueue } from './queue/redis/bull-queue';
import { Scheduler } from './queue/scheduler';
import { SplitNodeHost } from './queue/split-host';
import { fileRoutes } from './routes/files';
import { importRoutes } from './routes/import';
import { infoRoutes } from './routes/info';
import { jobRoutes } from './routes/jobs';
import { packRoutes } from './routes/packs';
import { workerOutputRoutes } from './routes/worker-outputs';
import { workersRoute } from './routes/workers';
import { workflowRoutes } from './routes/workflows';
import { installGuard } from './security/guard';
import { setSecurityHeaders } from './security/headers';
import { loadSecret } from './security/secret';
import { Users } from './security/users';
import { acquireDataLock } from './store/data-lock';
import { Store } from './store/store';
import { Hub } from './ws/hub';
import { wsRoute } from './ws/ws-route';

export type { ServerOptions } from './options';

export interface ReelgraphApp {
  app: FastifyInstance;
  options: ResolvedOptions;
  store: Store;
  /** The queue behind the seam (`queue/job-queue.ts`): embedded SQLite or BullMQ on Redis. */
  scheduler: JobQueue;
  hub: Hub;
  host: NodeHost;
  /** The key outputs are signed with (C2PA); undefined with `c2pa: false`. */
  signing: SigningFiles | undefined;
  /** Listen on options.host/port; resolves to the base URL. */
  listen(): Promise<string>;
  close(): Promise<void>;
}

/** A graph document's depth limit, plus the request envelope around it. */
export const MAX_BODY_DEPTH = MAX_DEPTH + 1;

/** Build the server: store, node host, queue, routes, WebSocket. Does not listen yet. */
export async function buildApp(input: ServerOptions = {}): Promise<ReelgraphApp> {
  const options = resolveOptions(input);
  const users = options.usersFile ? Users.load(options.usersFile) : undefined;
  // A bad policy file stops the start before anything is opened.
  const policyRules = options.policyFile ? loadPolicy(options.policyFile) : undefined;
  const releaseLock = acquireDataLock(options.dataDir);
  const secret = loadSecret(options.dataDir);
  let store: Store;
  try {
    store = new Store(options.dataDir);
  } catch (err) {
    releaseLock();
    throw err;
  }
  let signing: SigningFiles | undefined;
  try {
    signing = await signingFiles(options);
  } catch (err) {
    store.close();
    releaseLock();
    throw err;
  }
  const hostConfig: HostConfig = {
    ...(signing ? { credentials: signing } : {}),
    ...(options.forceMark ? { mark: options.forceMark } : {}),
    ...(policyRules?.classifiers.length ? { classifiers: policyRules.classifiers } : {}),
    nodesDirs: options.nodesDirs,
    modelsDirs: options.modelsDirs,
    outputsDir: options.outputsDir,
    uploadsDir: options.uploadsDir,
    warmModels: options.warmModels,
  };
  let host: NodeHost;
  try {
    host =
      options.isolation === 'inline'
        ? await InlineNodeHost.start(hostConfig)
        : await SplitNodeHost.start(hostConfig, { warm: options.concurrency });
  } catch (err) {
    store.close();
    releaseLock();
    throw err;
  }
  const policy = policyRules
    ? createPolicyGate(
        policyRules,
        options.dataDir,
        (m) => console.warn(`[reelgraph] ${m}`),
        (texts) => host.classifyTexts(texts),
      )
    : undefined;
  const hub = new Hub((deliver) => store.afterCommit(deliver));
  const app = Fastify({
    logger: options.logger ? { level: 'info' } : false,
    bodyLimit: options.maxBodyBytes,
    requestTimeout: 120_000,
    // close() must not wait on clients that keep a connection open (refused upgrades, keep-alive).
    forceCloseConnections: true,
    routerOptions: { maxParamLength: 200 },
    // Every status ≥ 400 in the `{ error, message }` shape, also those raised before routing.
    frameworkErrors,
    clientErrorHandler,
    ajv: {
      customOptions: { coerceTypes: false, removeAdditional: false, allErrors: true, useDefaults: false },
    },
  });
  const log = (level: 'info' | 'warn' | 'error', message: string) => {
    if (options.logger) app.log[level](message);
    else if (level !== 'info') console.warn(`[reelgraph] ${message}`);
  };
  const queueOptions = {
    concurrency: options.concurrency,
    jobTimeoutMs: options.jobTimeoutMs,
    abortGraceMs: options.abortGraceMs,
    maxAttempts: options.maxAttempts,
    maxQueued: options.maxQueued,
    maxHistory: options.maxHistory,
    outputsDir: options.outputsDir,
    previewIntervalMs: options.previewIntervalMs,
    progressIntervalMs: options.progressIntervalMs,
    log,
  };
  // The base URL workers upload output files to; known once listening (or given: --public-url).
  let frontUrl = options.publicUrl ?? '';
  let bull: BullQueue | undefined;
  if (options.redis) {
    const { BullQueue } = await import('./queue/redis/bull-queue');
    try {
      bull = await BullQueue.open(store, hub, {
        ...queueOptions,
        redis: options.redis,
        frontUrl: () => frontUrl,
        catalog: () => host.catalog,
        logPositionFile: path.join(options.dataDir, 'redis-log.json'),
        ...(options.workerSecret ? { workerSecret: options.workerSecret } : {}),
      });
    } catch (err) {
      await host.close();
      store.close();
      releaseLock();
      throw err;
    }
  }
  const scheduler: JobQueue = bull ?? new Scheduler(store, host, hub, queueOptions);

  installErrorHandling(app);
  app.addSchema(ErrorBody);

  // Keep the raw JSON text (duplicate-key detection) and keep Fastify's prototype-poisoning defence.
  const defaultJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    const charset = /charset\s*=\s*"?([\w-]+)/i.exec(String(req.headers['content-type']))?.[1]?.toLowerCase();
    if (charset && charset !== 'utf-8' && charset !== 'utf8') {
      done(
        new HttpError(415, 'unsupported_media_type', `JSON must be UTF-8, not ${charset.slice(0, 20)}`),
        undefined,
      );
      return;
    }
    // Before JSON.parse and every walk after it (duplicate keys, validation, stringify): a linear scan.
    if (jsonDepthExceeds(body as string, MAX_BODY_DEPTH)) {
      done(
        new HttpError(400, 'bad_request', `the JSON body nests deeper than ${MAX_BODY_DEPTH} levels`),
        undefined,
      );
      return;
    }
    req.rawBody = body as string;
    defaultJson(req, body as string, done);
  });

  app.addHook('onSend', async (req, reply, payload) => {
    setSecurityHeaders(reply, req.url);
    return payload;
  });

  // Before the guard: the plugin's own onRequest hook marks upgrade requests, so that a refused
  // upgrade (the guard throws) still gets its socket closed after the error response.
  await app.register(fastifyWebsocket, { options: { maxPayload: WS_MAX_MESSAGE_BYTES } });
  const guard = installGuard(app, options, secret, users);

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Reelgraph server',
        version: SERVER_VERSION,
        description: 'See docs/protocol.md for behaviour.',
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer' },
          csrf: { type: 'apiKey', in: 'header', name: 'x-reelgraph-csrf' },
        },
      },
    },
    refResolver: { buildLocalReference: (json, _base, _fragment, i) => (json.$id as string) || `def-${i}` },
  });
  await app.register(fastifyRateLimit, {
    global: false,
    // The guard ran first (an app hook): with named users, each user has their own budget.
    keyGenerator: (req) => (req.user ? `user:${req.user.name}` : req.ip),
    errorResponseBuilder: (_req, ctx) =>
      new HttpError(429, 'rate_limited', `too many requests; retry in ${ctx.after}`, {
        retryAfterMs: ctx.ttl,
      }),
  });
  await app.register(fastifyMultipart, {
    limits: {
      fileSize: options.maxUploadBytes,
      files: 1,
      fields: 4,
      parts: 5,
      fieldSize: 1024,
      headerPairs: 50,
    },
    throwFileSizeLimit: true,
  });

  const catalog = (): PackCatalog => host.catalog;
  const limits = {
    maxBodyBytes: options.maxBodyBytes,
    maxUploadBytes: options.maxUploadBytes,
    maxImagePixels: options.maxImagePixels,
    maxNodes: options.maxNodes,
    wsMaxMessageBytes: WS_MAX_MESSAGE_BYTES,
  };
  await app.register(async (api) => {
    await infoRoutes(api, {
      guard,
      catalog,
      queue: () => scheduler.status(),
      presetsDir: options.presetsDir,
      limits,
      secureCookies: false,
      system: () => ({
        ...host.system,
        packs: {
          loaded: host.catalog.packs.filter((p) => p.status === 'loaded').length,
          failed: host.catalog.packs.filter((p) => p.status === 'error').length,
        },
        nodes: Object.keys(host.catalog.nodes).length,
        isolation: options.isolation,
        packInstall: options.packInstall !== undefined,
        concurrency: options.concurrency,
      }),
    });
    await jobRoutes(api, {
      store,
      scheduler,
      catalog,
      maxBodyBytes: options.maxBodyBytes,
      maxNodes: options.maxNodes,
      maxTimeoutMs: options.jobTimeoutMs,
      submitRateLimit: options.submitRateLimit,
      ...(policy ? { policy } : {}),
    });
    await fileRoutes(api, {
      store,
      outputsDir: options.outputsDir,
      uploadsDir: options.uploadsDir,
      maxUploadBytes: options.maxUploadBytes,
      maxImagePixels: options.maxImagePixels,
      uploadRateLimit: options.uploadRateLimit,
    });
    await workflowRoutes(api, { workflows: store.workflows });
    await packRoutes(api, {
      packInstall: options.packInstall,
      reload: () => reloadPacks({ host, hub }, (m) => log('info', m)),
    });
    await wsRoute(api, { hub, store, scheduler });
    if (bull && options.workerSecret) {
      const b = bull;
      await workerOutputRoutes(api, {
        outputsDir: options.outputsDir,
        workerSecret: options.workerSecret,
        acceptsUploads: (id) => b.acceptsUploads(id),
      });
      await workersRoute(api, { workers: () => b.workers() });
    }
    await importRoutes(api, { catalog, maxUploadBytes: options.maxUploadBytes });
    await comfyRoutes(api, {
      store,
      scheduler,
      hub,
      guard,
      catalog,
      outputsDir: options.outputsDir,
      uploadsDir: options.uploadsDir,
      maxBodyBytes: options.maxBodyBytes,
      maxNodes: options.maxNodes,
      maxImagePixels: options.maxImagePixels,
      maxHistory: options.maxHistory,
      maxDepth: MAX_BODY_DEPTH,
      submitRateLimit: options.submitRateLimit,
      uploadRateLimit: options.uploadRateLimit,
      ...(policy ? { policy } : {}),
    });
    api.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  });

  const uiDir =
    options.uiDir && existsSync(path.join(options.uiDir, 'index.html')) ? options.uiDir : undefined;
  if (uiDir) {
    await app.register(fastifyStatic, {
      root: uiDir,
      prefix: '/',
      wildcard: true,
      index: ['index.html'],
      dotfiles: 'deny',
      setHeaders: (res, file) => {
        if (file.endsWith('index.html')) res.header('cache-control', 'no-cache');
      },
    });
  }
  // The editor is a single page: unknown non-API paths get its index.html.
  app.setNotFoundHandler((req, reply) => {
    const url = req.url.split('?')[0] ?? '';
    if (
      uiDir &&
      req.method === 'GET' &&
      !url.startsWith('/api') &&
      String(req.headers.accept ?? '').includes('text/html')
    ) {
      return reply.header('cache-control', 'no-cache').sendFile('index.html');
    }
    reply.status(404).send({ error: 'not_found', message: `no route ${req.method} ${url.slice(0, 200)}` });
  });

  scheduler.recover();
  if (options.runQueue) scheduler.start();

  let closed = false;
  return {
    app,
    options,
    store,
    scheduler,
    hub,
    host,
    signing,
    async listen() {
      await app.listen({ host: options.host, port: options.port });
      const addr = app.server.address();
      const port = typeof addr === 'object' && addr ? addr.port : options.port;
      const h = options.host.includes(':') ? `[${options.host}]` : options.host;
      const url = `http://${h}:${port}`;
      if (!options.publicUrl) frontUrl = url;
      return url;
    },
    async close() {
      if (closed) return;
      closed = true;
      const dbg = process.env.RG_DEBUG_CLOSE ? (m: string) => console.log(`[close] ${m}`) : () => {};
      await scheduler.stop();
      dbg('scheduler');
      for (const c of hub.connections) c.socket.terminate();
      await app.close();
      dbg('app');
      await host.close();
      dbg('host');
      store.close();
      releaseLock();
    },
  };
}
