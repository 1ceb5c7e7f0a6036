// biome-ignore-all lint/suspicious/noExplicitAny: response bodies in tests are arbitrary JSON
/** The library the editor's sidebar shows: saved graphs kept by the server per user, and upload names. */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { addUser } from '../src/security/users';
import { Http, REPO, startServer, type TestServer } from './helpers';

const graph = (title: string, n = 1) => ({
  version: 1,
  nodes: Object.fromEntries(
    Array.from({ length: n }, (_, i) => [`n${i}`, { type: 'core.int', inputs: { value: i } }]),
  ),
  meta: { title },
});

describe('the workflow library (/api/workflows)', () => {
  const servers: TestServer[] = [];
  const dirs: string[] = [];
  afterAll(async () => {
    for (const s of servers) await s.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('saves, lists, loads, replaces and deletes; keeps them through a restart', async () => {
    const data = mkdtempSync(path.join(os.tmpdir(), 'rg-wf-'));
    dirs.push(data);
    let t = await startServer({ dataDir: data, isolation: 'inline' });
    const put = (name: string, body: unknown) =>
      t.http.req('PUT', `/api/workflows/${encodeURIComponent(name)}`, body);
    expect((await t.http.get('/api/workflows')).body).toEqual({ workflows: [] });

    const first = await put('My graph', { graph: graph('Beach', 2) });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      name: 'My graph',
      kind: 'workflow',
      title: 'Beach',
      nodeCount: 2,
      created: true,
    });
    const again = await put('My graph', { graph: graph('Beach at night', 3) });
    expect(again.status).toBe(200);
    expect(again.body.created).toBe(false);
    expect((await put('a component', { graph: graph('Piece'), kind: 'component' })).status).toBe(201);

    await t.close();
    t = await startServer({ dataDir: data, isolation: 'inline' });
    servers.push(t);
    const list = (await t.http.get('/api/workflows')).body.workflows;
    expect(list.map((w: any) => [w.name, w.title, w.nodeCount])).toEqual([['My graph', 'Beach at night', 3]]);
    const components = (await t.http.get('/api/workflows?kind=component')).body.workflows;
    expect(components.map((w: any) => w.name)).toEqual(['a component']);
    expect((await t.http.get('/api/workflows/My%20graph')).body).toEqual(graph('Beach at night', 3));

    expect((await t.http.req('DELETE', '/api/workflows/My%20graph')).status).toBe(204);
    const gone = await t.http.get('/api/workflows/My%20graph');
    expect(gone.status).toBe(404);
    expect(gone.body.error).toBe('not_found');
    expect((await t.http.req('DELETE', '/api/workflows/My%20graph')).status).toBe(404);
  }, 120_000);

  it('refuses bad names and bodies with a structured error, and stays up', async () => {
    const t = servers[0]!;
    const put = (name: string, body: unknown) => t.http.req('PUT', `/api/workflows/${name}`, body);
    for (const [name, body] of [
      ['%20lead', { graph: graph('x') }], // surrounding space
      ['a%5Cb', { graph: graph('x') }], // backslash
      ['x'.repeat(101), { graph: graph('x') }],
      ['ok', {}],
      ['ok', { graph: graph('x'), extra: 1 }],
      ['ok', { graph: { version: 1, nodes: [] } }],
      ['ok', { graph: graph('x'), kind: 'other' }],
    ] as const) {
      const r = await put(name, body);
      expect(r.status, `${name} ${JSON.stringify(body)}`).toBe(400);
      expect(r.body.error).toBe('bad_request');
      expect(typeof r.body.message).toBe('string');
    }
    expect((await t.http.req('PUT', '/api/workflows/ok', '{"graph":')).body.error).toBe('invalid_json');
    // Without the CSRF header: refused.
    const csrf = await fetch(`${t.url}/api/workflows/ok`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ graph: graph('x') }),
    });
    expect(csrf.status).toBe(403);
    expect((await t.http.get('/api/health')).body.ok).toBe(true);
  });

  it('renames a workflow (its title follows) and never over another one', async () => {
    const t = servers[0]!;
    const put = (name: string, title: string) =>
      t.http.req('PUT', `/api/workflows/${encodeURIComponent(name)}`, { graph: graph(title, 2) });
    const rename = (name: string, body: unknown) =>
      t.http.req('POST', `/api/workflows/${encodeURIComponent(name)}/rename`, body);
    await put('Old name', 'Old name');
    await put('Taken', 'Taken');
    const r = await rename('Old name', { to: 'New name' });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ name: 'New name', kind: 'workflow', title: 'New name', nodeCount: 2 });
    expect((await t.http.get('/api/workflows/New%20name')).body.meta.title).toBe('New name');
    expect((await t.http.get('/api/workflows/Old%20name')).status).toBe(404);

    const clash = await rename('New name', { to: 'Taken' });
    expect(clash.status).toBe(409);
    expect(clash.body.error).toBe('conflict');
    expect((await t.http.get('/api/workflows/Taken')).body.meta.title).toBe('Taken');
    expect((await rename('Nope', { to: 'Other' })).body.error).toBe('not_found');
    for (const body of [{}, { to: ' x' }, { to: 'a/b' }, { to: 'ok', extra: 1 }])
      expect((await rename('New name', body)).body.error, JSON.stringify(body)).toBe('bad_request');
    const names = (await t.http.get('/api/workflows')).body.workflows.map((w: any) => w.name);
    expect(names).toEqual(expect.arrayContaining(['New name', 'Taken']));
    expect(names).not.toContain('Old name');
  });

  it('each named user has a library of their own', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'rg-wf-users-'));
    dirs.push(dir);
    const file = path.join(dir, 'users.json');
    const tokens = { ana: addUser(file, 'ana', false), bo: addUser(file, 'bo', false) };
    const t = await startServer({ usersFile: file, isolation: 'inline' });
    servers.push(t);
    const ana = new Http(t.url, tokens.ana);
    const bo = new Http(t.url, tokens.bo);
    await ana.session();
    await bo.session();
    expect((await ana.req('PUT', '/api/workflows/mine', { graph: graph('Ana') })).status).toBe(201);
    expect((await bo.req('PUT', '/api/workflows/mine', { graph: graph('Bo') })).status).toBe(201);
    expect((await ana.get('/api/workflows/mine')).body.meta.title).toBe('Ana');
    expect((await bo.get('/api/workflows/mine')).body.meta.title).toBe('Bo');
    expect((await bo.req('DELETE', '/api/workflows/mine')).status).toBe(204);
    expect((await ana.get('/api/workflows')).body.workflows.map((w: any) => w.title)).toEqual(['Ana']);
    const anon = new Http(t.url);
    expect((await anon.get('/api/workflows')).status).toBe(401);
  }, 120_000);
});

describe('uploads keep the file name they arrived with', () => {
  let t: TestServer | undefined;
  afterAll(async () => t?.close());

  it('answers it on upload and later from /api/uploads/:name/info; the first name stays', async () => {
    t = await startServer({ isolation: 'inline' });
    const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#00ff00' } })
      .png()
      .toBuffer();
    const upload = async (filename: string) => {
      const form = new FormData();
      form.append('file', new Blob([new Uint8Array(png)], { type: 'image/png' }), filename);
      const r = await fetch(`${t!.url}/api/uploads`, {
        method: 'POST',
        headers: { 'x-reelgraph-csrf': t!.http.csrf },
        body: form,
      });
      return (await r.json()) as any;
    };
    const first = await upload('C:\\photos\\beach day.png');
    expect(first.originalName).toBe('beach day.png');
    const second = await upload('other.png');
    expect(second.name).toBe(first.name);
    expect(second.originalName).toBe('beach day.png');
    expect((await t.http.get(`/api/uploads/${first.name}/info`)).body).toEqual({
      name: first.name,
      originalName: 'beach day.png',
    });
    const missing = await t.http.get(`/api/uploads/${'0'.repeat(32)}.png/info`);
    expect(missing.status).toBe(404);
    expect(missing.body.error).toBe('not_found');
    expect((await t.http.get('/api/uploads/..%2Fx.png/info')).body.error).toBe('bad_request');
  }, 60_000);
});

describe("presets' images", () => {
  let t: TestServer | undefined;
  afterAll(async () => t?.close());

  it('serves the images in graphs/assets for thumbnails, and nothing else', async () => {
    t = await startServer({ isolation: 'inline', presetsDir: path.join(REPO, 'graphs') });
    const png = await fetch(`${t.url}/api/presets/assets/start.png`);
    expect(png.status).toBe(200);
    expect(png.headers.get('content-type')).toBe('image/png');
    expect((await t.http.get('/api/presets/assets/clip.mp4')).body.error).toBe('not_found');
    expect((await t.http.get('/api/presets/assets/nothing.png')).status).toBe(404);
    expect((await t.http.get('/api/presets/assets/..%2Ftext-to-video.json')).body.error).toBe('bad_request');
  }, 60_000);
});
