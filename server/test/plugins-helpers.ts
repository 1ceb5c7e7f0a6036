/** A real server on a free port with pack folders written by the test (plugins tests). */
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { buildApp, type ReelgraphApp, type ServerOptions } from '../src/index';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));
export const CORE = path.join(REPO, 'nodes', 'core');

/** Writes `files` (path → text, JSON for objects) under `dir`. */
export function writeFiles(dir: string, files: Record<string, string | object>): void {
  for (const [rel, body] of Object.entries(files)) {
    const file = path.join(dir, rel);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, typeof body === 'string' ? body : JSON.stringify(body, null, 2));
  }
}

export function manifest(name: string, nodes?: string[], extra: Record<string, unknown> = {}) {
  return {
    name,
    version: '1.0.0',
    description: `${name} test pack`,
    reelgraph: '>=0.1.0 <1.0.0',
    entry: 'index.ts',
    ...(nodes ? { nodes } : {}),
    ...extra,
  };
}

export interface PluginServer {
  server: ReelgraphApp;
  url: string;
  packs: string;
  csrf: string;
  get(url: string): Promise<any>;
  submit(graph: unknown, extra?: Record<string, unknown>): Promise<{ jobId: string }>;
  /** Polls the job until it is over. */
  finished(jobId: string, timeoutMs?: number): Promise<any>;
  close(): Promise<void>;
}

export async function startPluginServer(
  packFiles: Record<string, string | object>,
  opts: ServerOptions = {},
): Promise<PluginServer> {
  const root = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'rg-plugins-')));
  const packs = path.join(root, 'packs');
  mkdirSync(packs);
  writeFiles(packs, packFiles);
  const server = await buildApp({
    port: 0,
    dataDir: path.join(root, 'data'),
    outputsDir: path.join(root, 'outputs'),
    presetsDir: path.join(root, 'presets'),
    nodesDirs: [CORE, packs],
    modelsDirs: [path.join(root, 'models')],
    uiDir: false,
    ...opts,
  });
  const url = await server.listen();
  const session = (await (await fetch(`${url}/api/session`)).json()) as { csrfToken: string };
  const get = async (u: string): Promise<any> => (await fetch(`${url}${u}`)).json();
  const t: PluginServer = {
    server,
    url,
    packs,
    csrf: session.csrfToken,
    get,
    async submit(graph, extra = {}) {
      const r = await fetch(`${url}/api/jobs`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-reelgraph-csrf': session.csrfToken },
        body: JSON.stringify({ graph, ...extra }),
      });
      const body = (await r.json()) as { jobId: string };
      if (r.status !== 201) throw new Error(`submit failed: ${r.status} ${JSON.stringify(body)}`);
      return body;
    },
    async finished(jobId, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const job = await get(`/api/jobs/${jobId}`);
        if (['success', 'failed', 'cancelled'].includes(job.state)) return job;
        if (Date.now() > deadline) throw new Error(`job ${jobId} still ${job.state}`);
        await sleep(50);
      }
    },
    async close() {
      await server.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
  return t;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A WebSocket client that keeps every JSON message. */
export class Listener {
  readonly messages: { type: string; [k: string]: any }[] = [];
  readonly ws: WebSocket;
  readonly opened: Promise<void>;
  constructor(url: string, clientId: string) {
    this.ws = new WebSocket(`${url.replace(/^http/, 'ws')}/api/ws?clientId=${clientId}`);
    this.opened = new Promise((resolve, reject) => {
      this.ws.once('open', () => resolve());
      this.ws.once('error', reject);
    });
    this.ws.on('message', (data, binary) => {
      if (!binary) this.messages.push(JSON.parse(data.toString()));
    });
  }

  async waitFor(pred: (m: { type: string; [k: string]: any }) => boolean, timeoutMs = 20_000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages.find(pred);
      if (found) return found;
      if (Date.now() > deadline)
        throw new Error(`no such message; got ${this.messages.map((m) => m.type).join(', ')}`);
      await sleep(20);
    }
  }

  close(): void {
    this.ws.close();
  }
}
