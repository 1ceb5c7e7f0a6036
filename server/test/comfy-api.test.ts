import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { probeVideo, runFfmpeg } from '@reelgraph/media';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { addUser } from '../src/security/users';
import { REPO, startServer, type TestServer } from './helpers';
import { runProcess as run } from './run-process';

const hasModel = existsSync(path.join(REPO, 'models', 'tiny', 'model.json'));
const PROMPT = path.join(REPO, 'server/test/fixtures/comfy-t2v.prompt.json');
const CLIENT = path.join(REPO, 'server/test/comfy/comfy_client.py');

/** A Python 3 with websocket-client (Debian's python3-websocket), if there is one. */
const python = ['/usr/bin/python3', 'python3'].find((p) => {
  try {
    execFileSync(p, ['-c', 'import websocket'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
});

describe.skipIf(!hasModel)('the ComfyUI-compatible API', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startServer({ nodesDirs: [path.join(REPO, 'nodes')], modelsDirs: [path.join(REPO, 'models')] });
  });
  afterAll(async () => {
    await t?.close();
  });
  const host = () => new URL(t.url).host;

  it.skipIf(!python)(
    'a ComfyUI-style Python client runs a text-to-video prompt of ComfyUI classes and gets a playable video',
    async () => {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'comfy-client-'));
      const r = await run(python as string, [CLIENT, host(), PROMPT, dir]);
      expect(r.code, r.stderr + r.stdout).toBe(0);
      const result = JSON.parse(r.stdout.trim().split('\n').at(-1) as string);
      expect(result.status).toBe('success');
      expect(result.messages).toContain('execution_start');
      expect(result.messages).toContain('executed');
      expect(result.messages.indexOf('execution_success')).toBeLessThan(
        result.messages.lastIndexOf('executing'),
      );
      expect(result.progress).toBeGreaterThan(0);
      expect(result.files).toHaveLength(1);
      const file = result.files[0] as string;
      expect(file.endsWith('.mp4')).toBe(true);
      const info = await probeVideo(file);
      expect(info).toMatchObject({ width: 64, height: 64, frames: 17, codec: 'h264' });
      // Playable: every frame decodes without an error.
      const decoded = await runFfmpeg(['-v', 'error', '-i', file, '-f', 'null', '-']);
      expect(decoded.stderr).toBe('');
    },
    300_000,
  );

  it('speaks ComfyUI messages on /ws to the submitting client, previews as binary type-4 frames', async () => {
    const ws = new WebSocket(`${t.url.replace('http', 'ws')}/ws?clientId=jsclient`);
    const texts: { type: string; data: Record<string, any> }[] = [];
    const binaries: Buffer[] = [];
    ws.on('message', (data, isBinary) => {
      if (isBinary) binaries.push(data as Buffer);
      else texts.push(JSON.parse(String(data)));
    });
    await new Promise((resolve) => ws.once('open', resolve));
    const prompt = JSON.parse(readFileSync(PROMPT, 'utf8'));
    prompt['3'].inputs.seed = 7; // not the Python client's run, which the cache would answer
    const res = await fetch(`${t.url}/prompt`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ prompt, client_id: 'jsclient' }),
    });
    const { prompt_id, number, node_errors } = (await res.json()) as Record<string, any>;
    expect(typeof number).toBe('number');
    expect(node_errors).toEqual({});
    const done = () =>
      texts.find((m) => m.type === 'executing' && m.data.node === null && m.data.prompt_id === prompt_id);
    await expect.poll(done, { timeout: 120_000 }).toBeTruthy();
    ws.close();
    expect(texts[0]).toMatchObject({ type: 'status', data: { sid: 'jsclient' } });
    const executing = texts.filter((m) => m.type === 'executing').map((m) => m.data.node);
    expect(executing).toContain('3'); // the KSampler, not its "3.noise" helper
    expect(executing.every((n) => n === null || Object.hasOwn(prompt, n))).toBe(true);
    const progress = texts.filter((m) => m.type === 'progress');
    expect(progress.at(-1)?.data).toMatchObject({ value: 12, max: 12, node: '3', prompt_id });
    const executed = texts.find((m) => m.type === 'executed');
    expect(executed?.data).toMatchObject({ node: '10', prompt_id });
    expect(executed?.data.output.images[0].filename).toMatch(/\.mp4$/);
    expect(texts.some((m) => m.type === 'execution_success')).toBe(true);
    const frame = binaries[0] as Buffer;
    expect(frame.readUInt32BE(0)).toBe(4);
    const meta = JSON.parse(frame.subarray(8, 8 + frame.readUInt32BE(4)).toString());
    expect(meta).toMatchObject({ node_id: '3', prompt_id, image_type: 'image/webp' });
    expect(frame.subarray(8 + frame.readUInt32BE(4), 8 + frame.readUInt32BE(4) + 4).toString('latin1')).toBe(
      'RIFF',
    );

    const history = (await (await fetch(`${t.url}/history/${prompt_id}`)).json()) as Record<string, any>;
    expect(history[prompt_id].status.status_str).toBe('success');
    expect(history[prompt_id].prompt[2]).toEqual(prompt);
    const queue = (await (await fetch(`${t.url}/queue`)).json()) as Record<string, any>;
    expect(queue).toEqual({ queue_running: [], queue_pending: [] });
  }, 180_000);

  it('POST /interrupt stops the running prompt: execution_interrupted, then executing null', async () => {
    const ws = new WebSocket(`${t.url.replace('http', 'ws')}/ws?clientId=stopper`);
    const texts: { type: string; data: Record<string, any> }[] = [];
    ws.on('message', (data, isBinary) => {
      if (!isBinary) texts.push(JSON.parse(String(data)));
    });
    await new Promise((resolve) => ws.once('open', resolve));
    const prompt = JSON.parse(readFileSync(PROMPT, 'utf8'));
    prompt['3'].inputs.steps = 1000;
    prompt['3'].inputs.seed = 99;
    const res = await fetch(`${t.url}/prompt`, {
      method: 'POST',
      body: JSON.stringify({ prompt, client_id: 'stopper' }),
    });
    const { prompt_id } = (await res.json()) as { prompt_id: string };
    await expect.poll(() => texts.some((m) => m.type === 'progress'), { timeout: 120_000 }).toBe(true);
    const queue = (await (await fetch(`${t.url}/queue`)).json()) as Record<string, any[]>;
    expect(queue.queue_running?.[0]?.[1]).toBe(prompt_id);
    expect((await fetch(`${t.url}/interrupt`, { method: 'POST' })).status).toBe(200);
    await expect
      .poll(() => texts.some((m) => m.type === 'executing' && m.data.node === null), { timeout: 60_000 })
      .toBe(true);
    ws.close();
    const types = texts.map((m) => m.type);
    expect(types).toContain('execution_interrupted');
    expect(types.indexOf('execution_interrupted')).toBeLessThan(types.lastIndexOf('executing'));
    const history = (await (await fetch(`${t.url}/history/${prompt_id}`)).json()) as Record<string, any>;
    expect(history[prompt_id].status.status_str).toBe('error');
  }, 180_000);

  it('answers a bad prompt with node_errors, and serves /object_info for the mapped classes', async () => {
    const prompt = {
      '3': { class_type: 'KSampler', inputs: { steps: 'twenty' } },
      '9': { class_type: 'SaveVideo', inputs: { video: ['3', 0], filename_prefix: 'x' } },
    };
    const res = await fetch(`${t.url}/prompt`, { method: 'POST', body: JSON.stringify({ prompt }) });
    expect(res.status).toBe(400);
    const body = (await res.json()) as {
      error: { type: string };
      message: string;
      node_errors: Record<string, unknown>;
    };
    expect(body.error.type).toBe('prompt_outputs_failed_validation');
    expect(typeof body.message).toBe('string');
    expect(Object.keys(body.node_errors)).toContain('3');

    const info = (await (await fetch(`${t.url}/object_info`)).json()) as Record<string, any>;
    expect(info.KSampler.input.required.seed[1].control_after_generate).toBe(true);
    expect(info.CheckpointLoaderSimple.input.required.ckpt_name[0]).toContain('tiny');
    expect(info.LoraLoader).toBeUndefined();
  });

  it('refuses a browser page from another site, on HTTP and on /ws', async () => {
    const res = await fetch(`${t.url}/prompt`, {
      method: 'POST',
      headers: { origin: 'https://evil.example', 'content-type': 'text/plain' },
      body: '{}',
    });
    expect(res.status).toBe(403);
    const ws = new WebSocket(`${t.url.replace('http', 'ws')}/ws?clientId=x`, {
      origin: 'https://evil.example',
    });
    const outcome = await new Promise<string>((resolve) => {
      ws.on('open', () => resolve('open'));
      ws.on('error', () => resolve('refused'));
      ws.on('unexpected-response', (_req, r) => resolve(`refused ${r.statusCode}`));
    });
    expect(outcome).toMatch(/^refused/);
    ws.terminate();
  });

  it('POST /api/import takes a prompt as JSON or as file bytes and answers graph + report', async () => {
    const text = readFileSync(path.join(REPO, 'packages/comfy/test/fixtures/hunyuan.prompt.json'), 'utf8');
    const json = await t.http.req('POST', '/api/import', JSON.parse(text));
    expect(json.status).toBe(200);
    expect(json.body.graph.nodes['13'].type).toBe('video.sampler');
    expect(json.body.report.missingModels.length).toBe(3);
    const bytes = await t.http.req('POST', '/api/import', text, {
      'content-type': 'application/octet-stream',
    });
    expect(bytes.status).toBe(200);
    expect(bytes.body.graph).toEqual(json.body.graph);
    const bad = await t.http.req('POST', '/api/import', { version: 1, nodes: {} });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toBe('not_comfyui');
  });

  it('uploads an image for LoadImage and serves it back through /view', async () => {
    const png = Buffer.from(
      'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
      'base64',
    );
    const form = new FormData();
    form.append('image', new Blob([png], { type: 'image/png' }), 'start.png');
    const res = await fetch(`${t.url}/upload/image`, { method: 'POST', body: form });
    expect(res.status).toBe(200);
    const up = (await res.json()) as { name: string; type: string };
    expect(up.type).toBe('input');
    const view = await fetch(`${t.url}/view?filename=${up.name}&type=input`);
    expect(view.status).toBe(200);
    expect(Buffer.from(await view.arrayBuffer())).toEqual(png);
    expect((await fetch(`${t.url}/view?filename=..%2Fdata&subfolder=..&type=output`)).status).toBe(404);
  });
});

describe.skipIf(!hasModel)('the ComfyUI-compatible API with named users', () => {
  let t: TestServer;
  const tokens: Record<string, string> = {};
  beforeAll(async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'comfy-users-'));
    const file = path.join(dir, 'users.json');
    tokens.ana = addUser(file, 'ana', false);
    tokens.bo = addUser(file, 'bo', false);
    t = await startServer({
      usersFile: file,
      nodesDirs: [path.join(REPO, 'nodes')],
      modelsDirs: [path.join(REPO, 'models')],
    });
  });
  afterAll(async () => {
    await t?.close();
  });
  const as = (who: string) => ({ authorization: `Bearer ${tokens[who]}` });

  it("needs a user's token, and keeps each user's prompts, outputs and messages to that user", async () => {
    const prompt = JSON.parse(readFileSync(PROMPT, 'utf8'));
    expect(
      (await fetch(`${t.url}/prompt`, { method: 'POST', body: JSON.stringify({ prompt }) })).status,
    ).toBe(401);
    // bo listens on the client id ana submits with: he must hear nothing of her prompt.
    const spy = new WebSocket(`${t.url.replace('http', 'ws')}/ws?clientId=shared`, { headers: as('bo') });
    const heard: string[] = [];
    spy.on('message', (d, isBinary) => {
      if (!isBinary) heard.push(JSON.parse(String(d)).type);
    });
    await new Promise((resolve) => spy.once('open', resolve));
    const res = await fetch(`${t.url}/prompt`, {
      method: 'POST',
      headers: as('ana'),
      body: JSON.stringify({ prompt, client_id: 'shared' }),
    });
    expect(res.status).toBe(200);
    const { prompt_id } = (await res.json()) as { prompt_id: string };
    const history = async (who: string) =>
      (await (await fetch(`${t.url}/history/${prompt_id}`, { headers: as(who) })).json()) as Record<
        string,
        any
      >;
    await expect
      .poll(async () => (await history('ana'))[prompt_id]?.status.status_str, { timeout: 120_000 })
      .toBe('success');
    expect(await history('bo')).toEqual({});
    const file = (Object.values((await history('ana'))[prompt_id].outputs)[0] as any).images[0];
    const view = (who: string) =>
      fetch(`${t.url}/view?filename=${file.filename}&subfolder=${file.subfolder}&type=output`, {
        headers: as(who),
      });
    expect((await view('ana')).status).toBe(200);
    expect((await view('bo')).status).toBe(404);
    spy.close();
    expect(heard.filter((type) => type !== 'status')).toEqual([]);
  }, 180_000);
});

describe.skipIf(!hasModel)('ComfyUI /history across a restart', () => {
  it('a finished prompt is still in /history/{id} (outputs, status, messages) after the server restarts', async () => {
    const keep = mkdtempSync(path.join(os.tmpdir(), 'comfy-history-'));
    const dirs = { dataDir: path.join(keep, 'data'), outputsDir: path.join(keep, 'outputs') };
    const opts = { ...dirs, nodesDirs: [path.join(REPO, 'nodes')], modelsDirs: [path.join(REPO, 'models')] };
    const prompt = JSON.parse(readFileSync(PROMPT, 'utf8'));
    prompt['3'].inputs.seed = 11;
    const entry = async (t: TestServer, id: string) =>
      ((await (await fetch(`${t.url}/history/${id}`)).json()) as Record<string, any>)[id];

    const first = await startServer(opts);
    let before: any;
    let id = '';
    try {
      const res = await fetch(`${first.url}/prompt`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ prompt, client_id: 'restarting' }),
      });
      id = ((await res.json()) as { prompt_id: string }).prompt_id;
      await expect
        .poll(async () => (await entry(first, id))?.status.status_str, { timeout: 150_000 })
        .toBe('success');
      before = await entry(first, id);
    } finally {
      await first.close();
    }
    const second = await startServer(opts);
    try {
      const after = await entry(second, id);
      expect(after).toEqual(before);
      expect(after.prompt[2]).toEqual(prompt);
      expect(Object.keys(after.outputs)).toEqual(['10']);
      const file = after.outputs['10'].images[0];
      const view = await fetch(
        `${second.url}/view?filename=${file.filename}&subfolder=${file.subfolder}&type=output`,
      );
      expect(view.status).toBe(200);
      const all = (await (await fetch(`${second.url}/history`)).json()) as Record<string, any>;
      expect(Object.keys(all)).toEqual([id]);
      await fetch(`${second.url}/history`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ clear: true }),
      });
      expect(await (await fetch(`${second.url}/history`)).json()).toEqual({});
    } finally {
      await second.close();
      rmSync(keep, { recursive: true, force: true });
    }
  }, 300_000);
});
