import type { FastifyInstance, FastifyRequest } from 'fastify';
import { HttpError } from '../errors';
import { isLoopbackHost, type ResolvedOptions } from '../options';
import { UPLOAD_ROUTE } from '../queue/redis/wire';
import { derive, safeEqual } from './secret';
import type { User, Users } from './users';

export const CSRF_HEADER = 'x-reelgraph-csrf';
export const AUTH_COOKIE = 'reelgraph_auth';

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** Reachable without a token (but still behind the Host/Origin checks). */
const OPEN_ROUTES = new Set([
  '/api/session',
  '/api/login',
  '/api/health',
  '/api/openapi.json',
  // Workers' output uploads check the worker secret themselves (routes/worker-outputs.ts).
  UPLOAD_ROUTE,
]);
const CSRF_EXEMPT = new Set(['/api/login', UPLOAD_ROUTE]);

export interface Guard {
  csrfToken: string;
  /** A token (`--token`) or named users (`--users`) are configured. */
  authRequired: boolean;
  isAuthenticated(req: FastifyRequest): boolean;
  /** The login cookie's value for a valid token; undefined for a wrong one (or when none is needed). */
  loginCookie(token: string): string | undefined;
  /** With `--users`: who sent the request (bearer token or login cookie). */
  userOf(req: FastifyRequest): User | undefined;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the guard: authenticated by an Authorization header (exempt from CSRF). */
    viaBearer?: boolean;
    /** Set by the guard with `--users`: the request's user. Undefined without `--users`. */
    user?: User;
  }
}

function hostnameOf(hostHeader: string): string | undefined {
  // `host`, `host:port`, `[v6]`, `[v6]:port`; anything else is malformed.
  const m = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(?::(\d{1,5}))?$/i.exec(hostHeader.trim());
  return m ? m[1]!.toLowerCase() : undefined;
}

export function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!header) return out;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i <= 0) continue;
    const k = part.slice(0, i).trim();
    const v = part.slice(i + 1).trim();
    if (k && !(k in out)) out[k] = v;
  }
  return out;
}

/**
 * The request guard of docs/protocol.md §2: Host (DNS rebinding), Origin / Fetch-Metadata
 * (cross-site), bearer token or login cookie, CSRF token on mutating requests. It runs for
 * every request, the WebSocket upgrade included, before routing does anything else.
 */
export function installGuard(
  app: FastifyInstance,
  opts: ResolvedOptions,
  secret: Buffer,
  users?: Users,
): Guard {
  const csrfToken = derive(secret, 'csrf:v1');
  const cookieValue = opts.token ? derive(secret, `auth:v1:${opts.token}`) : undefined;
  const authRequired = opts.token !== undefined || users !== undefined;
  // A user's cookie names the user and is bound to the token's hash: a new token ends old sessions.
  const userCookie = (name: string) => {
    const binding = users?.binding(name);
    return binding && `${name}~${derive(secret, `auth:v1:user:${binding}`)}`;
  };
  const boundHost = opts.host.toLowerCase();
  const wildcard = boundHost === '0.0.0.0' || boundHost === '::' || boundHost === '[::]';
  const allowedHosts = new Set(opts.allowedHosts);
  if (!wildcard)
    allowedHosts.add(boundHost.includes(':') && !boundHost.startsWith('[') ? `[${boundHost}]` : boundHost);

  const checkToken = (t: string) => opts.token !== undefined && safeEqual(t, opts.token);
  const bearerOf = (req: FastifyRequest) => {
    const h = req.headers.authorization;
    if (typeof h !== 'string' || !/^Bearer\s+/i.test(h)) return undefined;
    return h.replace(/^Bearer\s+/i, '').trim();
  };
  const userOf = (req: FastifyRequest): User | undefined => {
    if (!users) return undefined;
    const bearer = bearerOf(req);
    if (bearer !== undefined) return users.authenticate(bearer);
    const c = parseCookies(req.headers.cookie)[AUTH_COOKIE];
    const name = c?.slice(0, Math.max(0, c.indexOf('~')));
    const expected = name ? userCookie(name) : undefined;
    return c && name && expected && safeEqual(c, expected) ? users.get(name) : undefined;
  };
  const hasBearer = (req: FastifyRequest) => {
    const bearer = bearerOf(req);
    if (bearer === undefined) return false;
    return users ? users.authenticate(bearer) !== undefined : checkToken(bearer);
  };
  const isAuthenticated = (req: FastifyRequest) => {
    if (users) return userOf(req) !== undefined;
    if (!opts.token) return true;
    if (hasBearer(req)) return true;
    const c = parseCookies(req.headers.cookie)[AUTH_COOKIE];
    return c !== undefined && cookieValue !== undefined && safeEqual(c, cookieValue);
  };
  const loginCookie = (token: string) => {
    if (users) {
      const user = users.authenticate(token);
      return user && userCookie(user.name);
    }
    return checkToken(token) ? cookieValue : undefined;
  };

  app.addHook('onRequest', async (req) => {
    const hostHeader = req.headers.host;
    const hostname = typeof hostHeader === 'string' ? hostnameOf(hostHeader) : undefined;
    if (!hostname) throw new HttpError(400, 'bad_request', 'missing or malformed Host header');
    // With a token on a wildcard bind, any Host may reach us (the token protects); otherwise the
    // name must be ours, so a rebinding domain pointed at 127.0.0.1 is refused.
    const hostOk =
      isLoopbackHost(hostname.replace(/^\[|\]$/g, '')) ||
      allowedHosts.has(hostname) ||
      (authRequired && wildcard && allowedHosts.size === 0);
    if (!hostOk) throw new HttpError(403, 'forbidden_host', `requests for host "${hostname}" are refused`);

    if (req.headers['sec-fetch-site'] === 'cross-site') {
      throw new HttpError(403, 'forbidden_origin', 'cross-site requests are refused');
    }
    const origin = req.headers.origin;
    if (origin !== undefined) {
      const o = String(origin).toLowerCase().replace(/\/+$/, '');
      let sameOrigin = false;
      try {
        const u = new URL(o);
        sameOrigin =
          (u.protocol === 'http:' || u.protocol === 'https:') && u.host === String(hostHeader).toLowerCase();
      } catch {
        // `null` and garbage: not same-origin
      }
      if (!sameOrigin && !opts.allowedOrigins.includes(o)) {
        throw new HttpError(403, 'forbidden_origin', `cross-origin request from ${o.slice(0, 100)} refused`);
      }
    }

    // The matched route pattern, so encodings or odd slashes cannot dodge the checks below.
    const url = req.routeOptions.url ?? req.url.split('?')[0] ?? '';
    if (!url.startsWith('/api')) return; // the editor's static files
    // The user is worked out once per request (a hash of the token, or the cookie's MAC).
    const user = users ? userOf(req) : undefined;
    if (user) req.user = user;
    req.viaBearer = users
      ? user !== undefined && bearerOf(req) !== undefined
      : authRequired && hasBearer(req);
    const authenticated = users ? user !== undefined : isAuthenticated(req);
    if (!OPEN_ROUTES.has(url) && !authenticated) {
      throw new HttpError(
        401,
        'unauthorized',
        'a valid token is required (Authorization: Bearer, or POST /api/login)',
      );
    }
    if (MUTATING.has(req.method) && !req.viaBearer && !CSRF_EXEMPT.has(url)) {
      const sent = req.headers[CSRF_HEADER];
      if (typeof sent !== 'string' || !safeEqual(sent, csrfToken)) {
        throw new HttpError(
          403,
          'csrf_invalid',
          `missing or invalid ${CSRF_HEADER} header; fetch GET /api/session for the token`,
        );
      }
    }
  });

  return { csrfToken, authRequired, isAuthenticated, loginCookie, userOf };
}
