// biome-ignore-all lint/suspicious/noExplicitAny: response bodies in tests are arbitrary JSON
import { mkdirSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodePreviewFrame, type PreviewFrame } from '@reelgraph/protocol';
import WebSocket from 'ws';
import { buildApp, type ReelgraphApp, type ServerOptions } from '../src/index';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const FIXTURE_PACKS = path.join(REPO, 'server', 'test', 'fixtures', 'packs');
export const CORE_PACKS = path.join(REPO, 'nodes', 'core');

export interface TestServer {
  server: ReelgraphApp;
  url: string;
  root: string;
  http: Http;
  close(): Promise<void>;
}

/** A real server on 127.0.0.1, any free port, with its own temporary folders. */
export async function startServer(opts: ServerOptions = {}): Promise<TestServer> {
  const root = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'rg-server-test-')));
  mkdirSync(path.join(root, 'presets'));
  const scaleOut = process.env.RG_TEST_SCALE_OUT === '1' ? await import('./scale-out-helpers') : undefined;
  let scaleOutHook: ((url: string) => Promise<() => Promise<void>>) | undefined;
  let redisOpts: ServerOptions = {};
  if (scaleOut && !opts.redis) {
    const redis = await scaleOut.startRedis();
    redisOpts = { redis: redis.url, workerSecret: scaleOut.WORKER_SECRET };
    scaleOutHook = async () => {
      const w = await scaleOut.startWorker(redis.url, 'proto', root);
      await new Promise((r) => setTimeout(r, 1500));
      return async () => {
        await w.stop();
        await redis.stop();
      };
    };
  }
  const server = await buildApp({
    ...redisOpts,
    port: 0,
    dataDir: path.join(root, 'data'),
    outputsDir: path.join(root, 'outputs'),
    uploadsDir: path.join(root, 'uploads'),
    presetsDir: path.join(root, 'presets'),
    nodesDirs: [CORE_PACKS, FIXTURE_PACKS],
    modelsDirs: [path.join(root, 'models')],
    uiDir: false,
    ...opts,
  });
  const url = await server.listen();
  const http = new Http(url, opts.token);
  await http.session();
  const extra = await scaleOutHook?.(url);
  return {
    server,
    url,
    root,
    http,
    async close() {
      await server.close();
      await extra?.();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

export interface Reply<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/** fetch with the CSRF token (or bearer token) the protocol asks for. */
export class Http {
  csrf = '';
  constructor(
    readonly base: string,
    readonly token?: string,
  ) {}

  async session(): Promise<void> {
    const r = await fetch(`${this.base}/api/session`, { headers: this.#auth() });
    const body = (await r.json()) as { csrfToken?: string };
    this.csrf = body.csrfToken ?? '';
  }

  #auth(): Record<string, string> {
    return this.token ? { authorization: `Bearer ${this.token}` } : {};
  }

  async req<T = any>(
    method: string,
    url: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Reply<T>> {
    const h: Record<string, string> = { ...this.#auth(), 'x-reelgraph-csrf': this.csrf, ...headers };
    let payload: string | undefined;
    if (body !== undefined) {
      h['content-type'] ??= 'application/json';
      payload = typeof body === 'string' ? body : JSON.stringify(body);
    }
    const r = await fetch(`${this.base}${url}`, { method, headers: h, body: payload });
    const text = await r.text();
    let parsed: unknown = text;
    if ((r.headers.get('content-type') ?? '').includes('json') && text) parsed = JSON.parse(text);
    return { status: r.status, body: parsed as T, headers: r.headers };
  }

  get<T = any>(url: string, headers?: Record<string, string>) {
    return this.req<T>('GET', url, undefined, headers);
  }
  post<T = any>(url: string, body?: unknown, headers?: Record<string, string>) {
    return this.req<T>('POST', url, body ?? {}, headers);
  }
  submit(graph: unknown, extra: Record<string, unknown> = {}) {
    return this.post<any>('/api/jobs', { graph, ...extra });
  }
}

export type WsMessage = { type: string; jobId?: string; seq?: number; [k: string]: any };

/** A real `ws` client that records JSON messages and decoded preview frames. */
export class WsClient {
  readonly messages: WsMessage[] = [];
  readonly previews: (PreviewFrame & { receivedAt: number })[] = [];
  readonly badFrames: Buffer[] = [];
  readonly ws: WebSocket;
  readonly opened: Promise<void>;
  #waiters: (() => void)[] = [];
  closed: { code: number; reason: string } | undefined;

  constructor(url: string, clientId?: string, headers: Record<string, string> = {}) {
    const wsUrl = `${url.replace(/^http/, 'ws')}/api/ws${clientId ? `?clientId=${clientId}` : ''}`;
    this.ws = new WebSocket(wsUrl, { headers });
    this.opened = new Promise((resolve, reject) => {
      this.ws.once('open', () => resolve());
      this.ws.once('error', reject);
      this.ws.once('unexpected-response', (req, res) => {
        req.destroy();
        reject(new Error(`upgrade refused: ${res.statusCode}`));
      });
    });
    this.ws.on('message', (data, isBinary) => {
      if (isBinary) {
        const buf = Buffer.isBuffer(data) ? data : Buffer.from(data as ArrayBuffer);
        const frame = decodePreviewFrame(new Uint8Array(buf));
        if (frame) this.previews.push({ ...frame, receivedAt: performance.timeOrigin + performance.now() });
        else this.badFrames.push(buf);
      } else {
        this.messages.push(JSON.parse(data.toString()) as WsMessage);
      }
      const w = this.#waiters;
      this.#waiters = [];
      for (const f of w) f();
    });
    this.ws.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString() };
      const w = this.#waiters;
      this.#waiters = [];
      for (const f of w) f();
    });
  }

  send(msg: unknown): void {
    this.ws.send(typeof msg === 'string' ? msg : JSON.stringify(msg));
  }

  /** Resolves with the first message matching `pred` (already received or future). */
  async waitFor(pred: (m: WsMessage) => boolean, timeoutMs = 20_000, what = 'message'): Promise<WsMessage> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages.find(pred);
      if (found) return found;
      if (this.closed) throw new Error(`socket closed (${this.closed.code}) while waiting for ${what}`);
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(`timed out waiting for ${what}; got ${this.messages.map((m) => m.type).join(', ')}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  waitState(jobId: string, state: string, timeoutMs?: number) {
    return this.waitFor(
      (m) => m.type === 'job:state' && m.jobId === jobId && m.state === state,
      timeoutMs,
      `${jobId} ${state}`,
    );
  }

  ofJob(jobId: string): WsMessage[] {
    return this.messages.filter((m) => m.jobId === jobId);
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      this.ws.once('close', () => resolve());
      this.ws.close();
    });
  }
}

/** An engine-only graph from the core pack plus the test pack's sampler-like node. */
export function stepsGraph(steps = 5, stepMs = 20, tag = 'run') {
  return {
    version: 1,
    meta: { title: `steps ${tag}` },
    nodes: { s: { type: 'testkit.steps', inputs: { steps, stepMs, tag } } },
  };
}

export function delayGraph(ms: number) {
  return {
    version: 1,
    nodes: {
      n: { type: 'core.int', inputs: { value: 7 } },
      d: { type: 'core.delay', inputs: { ms, value: ['n', 'value'] } },
      p: { type: 'core.preview', inputs: { value: ['d', 'value'] } },
    },
  };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `fn` every `intervalMs` until it returns something truthy (slower polls spare a busy machine). */
export async function until<T>(
  fn: () => T | Promise<T>,
  timeoutMs = 20_000,
  what = 'condition',
  intervalMs = 25,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(intervalMs);
  }
}
