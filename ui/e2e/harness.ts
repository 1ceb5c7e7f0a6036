/**
 * Browser test plumbing: a static server for the built editor with a minimal stand-in API (for the
 * benchmark and the store-only browser checks), and a Chromium launcher. Tests that need the real server
 * use `realServer.ts`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve } from 'node:path';
import type { Catalog, GraphDocument } from '@reelgraph/graph';
import { type Browser, chromium, type Page } from 'playwright-core';

export type { Browser, Page };

export const UI_DIR = resolve(import.meta.dirname, '..');
export const DIST = join(UI_DIR, 'dist');
export const CHROMIUM = '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);
export const RESULTS = resolve(UI_DIR, '..', 'test-results', 'ui');

const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
};

let building: Promise<void> | undefined;

/** Build `ui/dist` if it is missing or older than the sources (2 shared cores: only when needed). */
export function ensureBuilt(): Promise<void> {
  building ??= (async () => {
    const index = join(DIST, 'index.html');
    // The editor bundles these workspace packages from their sources too.
    const sources = ['src', '../packages/graph/src', '../packages/comfy/src', '../packages/media/src'];
    const newest = () => Math.max(...sources.map((d) => newestSource(join(UI_DIR, d))));
    const fresh = () => existsSync(index) && newest() < statSync(index).mtimeMs;
    if (fresh() && !process.env.REELGRAPH_UI_REBUILD) return;
    // Test files run in parallel processes: one builds, the others wait for it (mkdir is atomic).
    const lock = join(UI_DIR, '.build-lock');
    for (;;) {
      try {
        mkdirSync(lock);
        break;
      } catch {
        // A lock older than any build is left over from a killed run.
        const since = statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now();
        if (Date.now() - since > 300_000) rmSync(lock, { recursive: true, force: true });
        await new Promise((r) => setTimeout(r, 250));
      }
    }
    try {
      if (fresh() && !process.env.REELGRAPH_UI_REBUILD) return;
      build();
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  })();
  return building;
}

function build(): void {
  // A child process with NODE_ENV=production: inside vitest NODE_ENV is 'test', which would bundle
  // React's development build (several times slower) and skew every browser measurement.
  const { status, stderr } = spawnSync(
    join(UI_DIR, 'node_modules', '.bin', 'vite'),
    ['build', '--logLevel', 'warn'],
    {
      cwd: UI_DIR,
      env: { ...process.env, NODE_ENV: 'production' },
      encoding: 'utf8',
    },
  );
  if (status !== 0) throw new Error(`vite build failed:\n${stderr}`);
}

function newestSource(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestSource(p) : statSync(p).mtimeMs);
  }
  return newest;
}

export interface StubApi {
  catalog: Catalog;
  presets?: Record<string, GraphDocument>;
}

/** Serve `ui/dist` plus the read-only API routes the editor needs to start. */
export async function startStaticServer(api: StubApi): Promise<{ url: string; close(): Promise<void> }> {
  const json = (res: import('node:http').ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const p = url.pathname;
    if (p === '/api/session') {
      return json(res, 200, { protocol: 1, authRequired: false, authenticated: true, csrfToken: 'stub' });
    }
    if (p === '/api/catalog') return json(res, 200, { ...api.catalog, packs: [] });
    if (p === '/api/jobs') return json(res, 200, { jobs: [], total: 0, offset: 0, limit: 50 });
    if (p === '/api/presets') {
      const presets = Object.entries(api.presets ?? {}).map(([name, d]) => ({
        name,
        title: d.meta?.title ?? name,
        description: d.meta?.description ?? '',
        nodeCount: Object.keys(d.nodes).length,
      }));
      return json(res, 200, { presets });
    }
    if (p.startsWith('/api/presets/')) {
      const doc = api.presets?.[decodeURIComponent(p.slice('/api/presets/'.length))];
      return doc ? json(res, 200, doc) : json(res, 404, { error: 'not_found', message: 'no such preset' });
    }
    if (p.startsWith('/api/')) return json(res, 404, { error: 'not_found', message: `stub has no ${p}` });
    const file = normalize(join(DIST, p === '/' ? 'index.html' : p));
    if (!file.startsWith(DIST) || !existsSync(file)) {
      res.writeHead(404);
      return res.end();
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    res.end(readFileSync(file));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

export function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}
