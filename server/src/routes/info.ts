import { readdirSync, readFileSync, realpathSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { migrateGraph } from '@reelgraph/graph';
import type { PackCatalog } from '@reelgraph/packs';
import {
  CatalogResponse,
  Health,
  LoginBody,
  NoBody,
  PROTOCOL_VERSION,
  Preset,
  type PresetInfo,
  PresetList,
  PresetParams,
  type QueueStatus,
  Session,
  SystemInfo,
} from '@reelgraph/protocol';
import type { FastifyInstance } from 'fastify';
import { HttpError, notFound } from '../errors';
import { realFileInside } from '../files/safe-path';
import { sendFile } from '../files/send-file';
import { matchesNoneMatch, type Precompressed, pickCoding, precompress } from '../http/precompressed';
import { SERVER_VERSION } from '../options';
import { AUTH_COOKIE, type Guard } from '../security/guard';
import { errors } from './error-responses';

export interface InfoRoutesDeps {
  guard: Guard;
  catalog: () => PackCatalog;
  queue: () => QueueStatus;
  presetsDir: string;
  limits: Record<string, number>;
  system: () => Record<string, unknown>;
  secureCookies: boolean;
}

export async function infoRoutes(app: FastifyInstance, deps: InfoRoutesDeps): Promise<void> {
  app.get(
    '/api/health',
    {
      schema: {
        summary: 'Liveness probe',
        tags: ['system'],
        response: { 200: Health },
      },
    },
    async () => ({ ok: true }),
  );

  app.get(
    '/api/session',
    {
      schema: {
        summary: 'Protocol version, whether a token is needed, the CSRF token, limits',
        tags: ['session'],
        response: { 200: Session },
      },
    },
    async (req, reply) => {
      const authenticated = deps.guard.isAuthenticated(req);
      const user = deps.guard.userOf(req);
      reply.header('cache-control', 'no-store');
      const session: Session = {
        protocol: PROTOCOL_VERSION,
        serverVersion: SERVER_VERSION,
        authRequired: deps.guard.authRequired,
        authenticated,
        ...(authenticated ? { csrfToken: deps.guard.csrfToken } : {}),
        ...(user ? { user } : {}),
        limits: deps.limits,
      };
      return session;
    },
  );

  app.post<{ Body: LoginBody }>(
    '/api/login',
    {
      config: { rateLimit: { max: 20, timeWindow: 60_000 } },
      schema: {
        summary: 'Exchange the token for an HttpOnly session cookie (browsers)',
        tags: ['session'],
        body: LoginBody,
        response: { 204: NoBody, ...errors(400, 401, 403, 429) },
      },
    },
    async (req, reply) => {
      const value = deps.guard.loginCookie(req.body.token);
      if (!value) throw new HttpError(401, 'unauthorized', 'wrong token');
      const secure = deps.secureCookies || req.protocol === 'https' ? '; Secure' : '';
      reply.header('set-cookie', `${AUTH_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Strict${secure}`);
      reply.status(204).send();
    },
  );

  app.post(
    '/api/logout',
    {
      schema: {
        summary: 'Clear the session cookie',
        tags: ['session'],
        response: { 204: NoBody, ...errors(403) },
      },
    },
    async (_req, reply) => {
      reply.header('set-cookie', `${AUTH_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0`);
      reply.status(204).send();
    },
  );

  // Built once per pack generation (hot reload swaps the catalog object): the first paint's biggest fetch.
  let catalogCache: { src: PackCatalog; doc: Precompressed } | undefined;
  app.get(
    '/api/catalog',
    {
      schema: {
        summary: 'Node catalog (socket types, node schemas) and pack statuses',
        description:
          'Served pre-serialised and pre-compressed (br, gzip) with an ETag per encoding; ' +
          '`If-None-Match` with any of them answers 304 until the packs change.',
        tags: ['catalog'],
        response: { 200: CatalogResponse, 304: NoBody },
      },
    },
    async (req, reply) => {
      const src = deps.catalog();
      if (catalogCache?.src !== src) catalogCache = { src, doc: precompress(src) };
      const { doc } = catalogCache;
      const coding = pickCoding(req.headers['accept-encoding']);
      reply
        .header('etag', doc.etagOf(coding))
        .header('cache-control', 'no-cache')
        .header('vary', 'Accept-Encoding');
      if (matchesNoneMatch(req.headers['if-none-match'], doc.etags)) return reply.status(304).send();
      if (coding !== 'identity') reply.header('content-encoding', coding);
      return reply.type('application/json; charset=utf-8').send(doc.body(coding));
    },
  );

  app.get(
    '/api/presets',
    {
      schema: {
        summary: 'Preset graphs in graphs/',
        tags: ['presets'],
        response: { 200: PresetList },
      },
    },
    async () => {
      const presets: PresetInfo[] = [];
      for (const { name, doc } of listPresets(deps.presetsDir)) {
        const meta = (doc as { meta?: { title?: unknown; description?: unknown } }).meta;
        const nodes = (doc as { nodes?: unknown }).nodes;
        presets.push({
          name,
          ...(typeof meta?.title === 'string' ? { title: meta.title } : {}),
          ...(typeof meta?.description === 'string' ? { description: meta.description } : {}),
          nodeCount: nodes && typeof nodes === 'object' ? Object.keys(nodes).length : 0,
        });
      }
      return { presets };
    },
  );

  app.get<{ Params: PresetParams }>(
    '/api/presets/:name',
    {
      schema: {
        summary: 'One preset graph (migrated to the current version)',
        tags: ['presets'],
        params: PresetParams,
        response: { 200: Preset, ...errors(400, 404) },
      },
    },
    async (req) => {
      const name = req.params.name.replace(/\.json$/, '');
      const found = readPreset(deps.presetsDir, name);
      if (!found) throw notFound(`preset ${name}`);
      return migrateGraph(found);
    },
  );

  app.get<{ Params: PresetParams }>(
    '/api/presets/assets/:name',
    {
      schema: {
        summary: "An image a preset uses (graphs/assets/), for the editor's thumbnails",
        tags: ['presets'],
        params: PresetParams,
        response: errors(400, 404),
      },
    },
    async (req, reply) => {
      const type = ASSET_TYPES[path.extname(req.params.name).toLowerCase()];
      const root = presetsRoot(deps.presetsDir);
      const found =
        type && root ? realFileInside(root, path.join(root, 'assets', req.params.name)) : undefined;
      if (!found) throw notFound(`preset asset ${req.params.name}`);
      return sendFile(req, reply, found.path, { mime: type, downloadName: req.params.name });
    },
  );

  app.get(
    '/api/system',
    {
      schema: {
        summary: 'Versions, execution providers, memory, queue',
        tags: ['system'],
        response: { 200: SystemInfo },
      },
    },
    async () => ({
      serverVersion: SERVER_VERSION,
      protocol: PROTOCOL_VERSION,
      node: process.version,
      platform: process.platform,
      arch: process.arch,
      cpus: os.cpus().length,
      uptimeS: Math.round(process.uptime() * 10) / 10,
      memory: {
        totalBytes: os.totalmem(),
        freeBytes: os.freemem(),
        rssBytes: process.memoryUsage.rss(),
        heapUsedBytes: process.memoryUsage().heapUsed,
      },
      queue: deps.queue(),
      ...deps.system(),
    }),
  );
}

/** Only images: the thumbnails are all the editor shows of a preset's assets. */
const ASSET_TYPES: Record<string, string> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.gif': 'image/gif',
};

function presetsRoot(dir: string): string | undefined {
  try {
    return realpathSync(dir);
  } catch {
    return undefined;
  }
}

function readPreset(dir: string, name: string): unknown {
  const root = presetsRoot(dir);
  if (!root || name.includes('..') || name.includes('/') || name.includes('\\')) return undefined;
  const found = realFileInside(root, path.join(root, `${name}.json`));
  if (!found || found.size > 8 * 1024 * 1024) return undefined;
  try {
    return JSON.parse(readFileSync(found.path, 'utf8'));
  } catch {
    return undefined;
  }
}

function listPresets(dir: string): { name: string; doc: unknown }[] {
  const root = presetsRoot(dir);
  if (!root) return [];
  const out: { name: string; doc: unknown }[] = [];
  let names: string[];
  try {
    names = readdirSync(root).filter(
      (n) => /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}\.json$/.test(n) && !n.includes('..'),
    );
  } catch {
    return [];
  }
  for (const file of names.sort()) {
    const name = file.slice(0, -5);
    const doc = readPreset(root, name);
    if (doc && typeof doc === 'object') out.push({ name, doc });
  }
  return out;
}
