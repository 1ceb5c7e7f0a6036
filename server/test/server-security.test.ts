// biome-ignore-all lint/suspicious/noExplicitAny: response bodies in tests are arbitrary JSON
import { request } from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/index';
import { CORE_PACKS, startServer, stepsGraph, type TestServer, WsClient } from './helpers';

/** A raw request, so Host and Origin can be anything. */
function raw(
  url: string,
  opts: { method?: string; path: string; headers?: Record<string, string>; body?: string },
) {
  const u = new URL(url);
  return new Promise<{ status: number; body: any; headers: Record<string, unknown> }>((resolve, reject) => {
    const req = request(
      {
        host: u.hostname,
        port: u.port,
        method: opts.method ?? 'GET',
        path: opts.path,
        headers: opts.headers,
        setHost: !opts.headers?.host,
      },
      (res) => {
        let text = '';
        res.on('data', (c) => {
          text += c;
        });
        res.on('end', () => {
          let body: any = text;
          try {
            body = JSON.parse(text);
          } catch {}
          resolve({ status: res.statusCode ?? 0, body, headers: res.headers });
        });
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

describe('loopback defaults: Host, Origin, CSRF, headers', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startServer({ isolation: 'inline', runQueue: false });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('refuses a foreign Host (DNS rebinding) and accepts loopback names', async () => {
    const port = new URL(t.url).port;
    for (const host of ['evil.example', `evil.example:${port}`, 'attacker.localhost.evil', '10.0.0.1']) {
      const r = await raw(t.url, { path: '/api/catalog', headers: { host } });
      expect(r.status, host).toBe(403);
      expect(r.body.error).toBe('forbidden_host');
    }
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`]) {
      expect((await raw(t.url, { path: '/api/health', headers: { host } })).status, host).toBe(200);
    }
  });

  it('refuses cross-site requests by Origin and Fetch-Metadata, even for reads', async () => {
    for (const headers of [
      { origin: 'https://evil.example' } as Record<string, string>,
      { origin: 'null' },
      { origin: 'http://localhost:1' },
      { origin: 'file://' },
      { 'sec-fetch-site': 'cross-site' },
    ]) {
      const r = await raw(t.url, { path: '/api/jobs', headers });
      expect(r.status, JSON.stringify(headers)).toBe(403);
      expect(r.body.error).toBe('forbidden_origin');
    }
    expect((await raw(t.url, { path: '/api/jobs', headers: { origin: t.url } })).status).toBe(200);
    expect(
      (await raw(t.url, { path: '/api/jobs', headers: { 'sec-fetch-site': 'same-origin' } })).status,
    ).toBe(200);
  });

  it('requires the CSRF token on every mutating request', async () => {
    const body = JSON.stringify({ graph: stepsGraph() });
    for (const headers of [{}, { 'x-reelgraph-csrf': 'wrong' }, { 'x-reelgraph-csrf': '' }] as Record<
      string,
      string
    >[]) {
      const r = await raw(t.url, {
        method: 'POST',
        path: '/api/jobs',
        headers: { 'content-type': 'application/json', ...headers },
        body,
      });
      expect(r.status).toBe(403);
      expect(r.body).toMatchObject({ error: 'csrf_invalid' });
      expect(r.body.message).toMatch(/x-reelgraph-csrf/);
    }
    const ok = await raw(t.url, {
      method: 'POST',
      path: '/api/jobs',
      headers: { 'content-type': 'application/json', 'x-reelgraph-csrf': t.http.csrf },
      body,
    });
    expect(ok.status).toBe(201);
  });

  it('the CSRF token survives a restart on the same data dir, and differs on another', async () => {
    const first = await startServer({ isolation: 'inline', runQueue: false });
    const dataDir = path.join(first.root, 'data');
    const opts = {
      port: 0,
      dataDir,
      outputsDir: path.join(first.root, 'o2'),
      nodesDirs: [CORE_PACKS],
      uiDir: false as const,
      isolation: 'inline' as const,
      runQueue: false,
    };
    // One server per data dir at a time.
    await expect(buildApp(opts)).rejects.toThrow(/already used/);
    await first.server.close();
    const second = await buildApp(opts);
    try {
      const url = await second.listen();
      const again = (await (await fetch(`${url}/api/session`)).json()) as any;
      expect(again.csrfToken).toBe(first.http.csrf);
      expect(t.http.csrf).not.toBe(first.http.csrf);
    } finally {
      await second.close();
      await first.close();
    }
  });

  it('sets security headers on API responses', async () => {
    const r = await fetch(`${t.url}/api/catalog`);
    expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    expect(r.headers.get('x-frame-options')).toBe('DENY');
    expect(r.headers.get('referrer-policy')).toBe('no-referrer');
    expect(r.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(r.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('token mode', () => {
  const token = 'correct-horse-battery-staple-42';
  let t: TestServer;
  beforeAll(async () => {
    t = await startServer({ isolation: 'inline', runQueue: false, token });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('refuses to bind beyond loopback without a token', async () => {
    await expect(startServer({ host: '0.0.0.0', isolation: 'inline' })).rejects.toThrow(/token/);
  });

  it('requires the token on the API; session tells the client to log in', async () => {
    const anon = (await (await fetch(`${t.url}/api/session`)).json()) as any;
    expect(anon).toMatchObject({ authRequired: true, authenticated: false });
    expect(anon.csrfToken).toBeUndefined();
    for (const path of [
      '/api/catalog',
      '/api/jobs',
      '/api/system',
      '/api/presets',
      '/api/outputs/AAAAAAAAAAAAAAAAAAAAAA',
    ]) {
      const r = await fetch(`${t.url}${path}`);
      expect(r.status, path).toBe(401);
      expect(((await r.json()) as any).error).toBe('unauthorized');
    }
    const wrong = await fetch(`${t.url}/api/catalog`, { headers: { authorization: 'Bearer nope' } });
    expect(wrong.status).toBe(401);
    expect(
      (await fetch(`${t.url}/api/catalog`, { headers: { authorization: `Bearer ${token}` } })).status,
    ).toBe(200);
  });

  it('a bearer request needs no CSRF token', async () => {
    const r = await t.http.submit(stepsGraph());
    expect(r.status).toBe(201);
  });

  it('browsers log in for an HttpOnly cookie, then use it with the CSRF token (HTTP and WebSocket)', async () => {
    const bad = await fetch(`${t.url}/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: 'nope' }),
    });
    expect(bad.status).toBe(401);
    const login = await fetch(`${t.url}/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token }),
    });
    expect(login.status).toBe(204);
    const setCookie = login.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/reelgraph_auth=[\w-]+; Path=\/; HttpOnly; SameSite=Strict/);
    expect(setCookie).not.toContain(token);
    const cookie = setCookie.split(';')[0]!;
    const session = (await (await fetch(`${t.url}/api/session`, { headers: { cookie } })).json()) as any;
    expect(session).toMatchObject({ authenticated: true });
    expect((await fetch(`${t.url}/api/jobs`, { headers: { cookie } })).status).toBe(200);
    // Cookie alone is not enough to mutate: CSRF still applies.
    const noCsrf = await fetch(`${t.url}/api/queue/pause`, { method: 'POST', headers: { cookie } });
    expect(noCsrf.status).toBe(403);
    const withCsrf = await fetch(`${t.url}/api/queue/pause`, {
      method: 'POST',
      headers: { cookie, 'x-reelgraph-csrf': session.csrfToken },
    });
    expect(withCsrf.status).toBe(200);

    await expect(new WsClient(t.url, 'anon').opened).rejects.toThrow(/401/);
    const ws = new WsClient(t.url, 'cookie', { cookie });
    await ws.opened;
    await ws.waitFor((m) => m.type === 'hello');
    await ws.close();
    const bearer = new WsClient(t.url, 'bearer', { authorization: `Bearer ${token}` });
    await bearer.opened;
    await bearer.close();
  });
});
