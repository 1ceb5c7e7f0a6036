// biome-ignore-all lint/suspicious/noExplicitAny: response bodies in tests are arbitrary JSON
import { readdirSync, readFileSync, statSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deepJobBodies, nest, rawRequests, sendRaw } from './fixtures/hostile';
import { startServer, stepsGraph, type TestServer, until, WsClient } from './helpers';

interface Case {
  name: string;
  method?: string;
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Skip the CSRF header (it is added by default to mutating requests). */
  noCsrf?: boolean;
  /** Malformed HTTP, written to a socket as it stands (see fixtures/hostile.ts). */
  raw?: string;
  expect?: number;
}

const SECRET = 'TOP-SECRET-MARKER-5d41402abc4b2a76';
let t: TestServer;
let port: string;
let outside: string;
let fileOutput: { id: string; url: string };
let swappedOutput: { id: string; url: string };

function send(c: Case): Promise<{ status: number; text: string; headers: Record<string, unknown> }> {
  if (c.raw !== undefined)
    return sendRaw(Number(port), c.raw).then((r) => ({
      status: r.status,
      text: r.body,
      headers: Object.fromEntries(
        r.headers
          .split('\r\n')
          .slice(1)
          .map((line) => [
            line.slice(0, line.indexOf(':')).toLowerCase(),
            line.slice(line.indexOf(':') + 1).trim(),
          ]),
      ),
    }));
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { host: `127.0.0.1:${port}`, ...c.headers };
    const method = c.method ?? (c.body !== undefined ? 'POST' : 'GET');
    if (!c.noCsrf && method !== 'GET' && method !== 'HEAD') headers['x-reelgraph-csrf'] ??= t.http.csrf;
    if (c.body !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) {
      headers['content-type'] = 'application/json';
    }
    const req = request({ host: '127.0.0.1', port, method, path: c.path, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (d) => chunks.push(d));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          text: Buffer.concat(chunks).toString('utf8'),
          headers: res.headers,
        }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(c.body);
  });
}

function multipart(parts: { name: string; filename?: string; type?: string; data: Buffer | string }[]): {
  body: Buffer;
  type: string;
} {
  const boundary = `----rgtest${Math.random().toString(16).slice(2)}`;
  const chunks: Buffer[] = [];
  for (const p of parts) {
    chunks.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"${p.filename ? `; filename="${p.filename}"` : ''}\r\n` +
          `${p.type ? `Content-Type: ${p.type}\r\n` : ''}\r\n`,
      ),
    );
    chunks.push(Buffer.isBuffer(p.data) ? p.data : Buffer.from(p.data));
    chunks.push(Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), type: `multipart/form-data; boundary=${boundary}` };
}

function snapshot(dir: string, skip: Set<string>): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = path.join(d, name);
      if (skip.has(p)) continue;
      const st = statSync(p, { throwIfNoEntry: false });
      out.push(`${p}:${st?.size}:${st?.mtimeMs}`);
      if (st?.isDirectory()) walk(p);
    }
  };
  walk(dir);
  return out.sort();
}

beforeAll(async () => {
  t = await startServer({
    maxBodyBytes: 1024 * 1024,
    maxUploadBytes: 256 * 1024,
    maxImagePixels: 1_000_000,
    abortGraceMs: 300,
  });
  port = new URL(t.url).port;
  outside = path.join(t.root, 'outside');
  await import('node:fs').then((fs) => fs.mkdirSync(outside));
  writeFileSync(path.join(outside, 'secret.txt'), SECRET);
  writeFileSync(
    path.join(outside, 'secret.json'),
    JSON.stringify({ version: 1, nodes: {}, meta: { title: SECRET } }),
  );
  // Symlinks planted inside each root, pointing out of it.
  symlinkSync(path.join(outside, 'secret.txt'), path.join(t.root, 'uploads', `${'a'.repeat(32)}.png`));
  symlinkSync(path.join(outside, 'secret.json'), path.join(t.root, 'presets', 'leak.json'));
  symlinkSync(outside, path.join(t.root, 'uploads', 'dirlink'));
  // Two real outputs; the second file is then swapped for a symlink to the secret.
  const ids = [];
  for (const tag of ['keep', 'swap']) {
    const { jobId } = (await t.http.submit(stepsGraph(1, 1, tag))).body;
    const job = await until(async () => {
      const d = (await t.http.get(`/api/jobs/${jobId}`)).body;
      return d.state === 'success' ? d : undefined;
    });
    ids.push(job.outputs.find((o: any) => o.kind === 'file'));
  }
  fileOutput = ids[0];
  swappedOutput = ids[1];
  const swapped = path.join(
    t.root,
    'outputs',
    `swap-${(await t.http.get('/api/jobs?limit=1')).body.jobs[0].id}.txt`,
  );
  unlinkSync(swapped);
  symlinkSync(path.join(outside, 'secret.txt'), swapped);
});
afterAll(async () => {
  await t?.close();
});

function corpus(): Case[] {
  const cases: Case[] = [];
  const add = (c: Case) => cases.push(c);
  const job = (name: string, body: string | Buffer, headers?: Record<string, string>) =>
    add({ name, path: '/api/jobs', body, ...(headers ? { headers } : {}) });
  const g = (graph: unknown, extra: Record<string, unknown> = {}) => JSON.stringify({ graph, ...extra });
  const okGraph = stepsGraph(1, 1);
  const missing = '00000000-0000-4000-8000-000000000000';

  // 1. Broken JSON
  for (const [i, body] of [
    '',
    '{',
    '}',
    '{"graph":',
    '{"graph":{"version":1,"nodes":{}}',
    '{"graph":{}}}',
    "{'graph':{}}",
    '{"graph":{},}',
    '{graph:{}}',
    'nul',
    'undefined',
    '[1,2',
    '{"graph":NaN}',
    '{"graph":Infinity}',
    '{"graph":{}} // comment',
    '/* c */ {"graph":{}}',
    '\uFEFF{"graph":{',
    '{"graph":"\u0000',
    '{"a":"\\x41"}',
    '{"a":"\\u12"}',
    '{"graph":01}',
    '{"graph":.5}',
    '{"graph":-}',
    '{"graph":tru}',
    '{"graph":{"version":1,"nodes":{"a":}}}',
    `${'['.repeat(5000)}${']'.repeat(4999)}`,
    `${'{"a":'.repeat(3000)}1${'}'.repeat(2999)}`,
    '\x00\x01\x02',
    '\xff\xfe\xfd',
    '{"__proto__":{"polluted":true},"graph":{}}',
    '{"constructor":{"prototype":{"polluted":true}},"graph":{}}',
  ].entries())
    job(`broken json ${i}`, body);

  // 2. Wrong envelope types
  for (const [i, body] of [
    '"just a string"',
    '42',
    'true',
    'null',
    '[]',
    '[{"graph":{}}]',
    '{}',
    g(1),
    g(null),
    g([]),
    g(true),
    g('not json text'),
    g('{"version":1,"nodes":{}'),
    g(okGraph, { priority: '5' }),
    g(okGraph, { priority: 1.5 }),
    g(okGraph, { priority: 1e9 }),
    g(okGraph, { priority: -2000 }),
    g(okGraph, { priority: null }),
    g(okGraph, { priority: [] }),
    g(okGraph, { clientId: 1 }),
    g(okGraph, { clientId: '' }),
    g(okGraph, { clientId: 'a b' }),
    g(okGraph, { clientId: '../x' }),
    g(okGraph, { clientId: 'x'.repeat(65) }),
    g(okGraph, { clientId: '<script>' }),
    g(okGraph, { timeoutMs: 0 }),
    g(okGraph, { timeoutMs: -1 }),
    g(okGraph, { timeoutMs: '1000' }),
    g(okGraph, { timeoutMs: 1e15 }),
    g(okGraph, { targets: 'a' }),
    g(okGraph, { targets: [1] }),
    g(okGraph, { targets: [''] }),
    g(okGraph, { targets: ['nope'] }),
    g(okGraph, { targets: Array.from({ length: 1001 }, (_, k) => `n${k}`) }),
    g(okGraph, { evil: 1 }),
    '{"graph":{"version":1,"nodes":{}},"graph":{"version":1,"nodes":{}}}',
  ].entries())
    job(`wrong types ${i}`, body);

  // 3. Graph documents that do not validate
  const n = (type: unknown, inputs: unknown = {}) => ({ type, inputs });
  const graphs: unknown[] = [
    {},
    { version: 1 },
    { version: 2, nodes: {} },
    { version: '1', nodes: {} },
    { version: 0, nodes: {} },
    { version: 1, nodes: [] },
    { version: 1, nodes: null },
    { version: 1, nodes: {} },
    { version: 1, nodes: { a: null } },
    { version: 1, nodes: { a: 1 } },
    { version: 1, nodes: { a: {} } },
    { version: 1, nodes: { a: n(5) } },
    { version: 1, nodes: { a: n('') } },
    { version: 1, nodes: { a: n('core.nope') } },
    { version: 1, nodes: { a: n('../../etc/passwd') } },
    { version: 1, nodes: { a: n('__proto__') } },
    { version: 1, nodes: { a: n('core.preview', []) } },
    { version: 1, nodes: { a: n('core.preview', null) } },
    { version: 1, nodes: { a: n('core.preview', { value: ['x', 'value'] }) } },
    { version: 1, nodes: { a: n('core.preview', { value: ['a', 'value'] }) } },
    { version: 1, nodes: { a: n('core.preview', { value: [1, 2] }) } },
    { version: 1, nodes: { a: n('core.preview', { value: ['a', 'value', 'extra'] }) } },
    { version: 1, nodes: { a: n('core.preview', { value: {} }) } },
    { version: 1, nodes: { a: n('core.preview', { value: null }) } },
    { version: 1, nodes: { a: n('core.preview') } },
    { version: 1, nodes: { a: n('core.int', { value: 1 }) } },
    {
      version: 1,
      nodes: { a: n('core.int', { value: 1.5 }), p: n('core.preview', { value: ['a', 'value'] }) },
    },
    {
      version: 1,
      nodes: { a: n('core.int', { value: '1' }), p: n('core.preview', { value: ['a', 'value'] }) },
    },
    {
      version: 1,
      nodes: { a: n('core.int', { value: 1, bogus: 2 }), p: n('core.preview', { value: ['a', 'value'] }) },
    },
    { version: 1, nodes: { a: n('core.int', { value: 1 }), p: n('core.preview', { value: ['a', 'nope'] }) } },
    {
      version: 1,
      nodes: { d: n('core.delay', { ms: -5 }), p: n('core.preview', { value: ['d', 'value'] }) },
    },
    {
      version: 1,
      nodes: { d: n('core.delay', { ms: 10 ** 9 }), p: n('core.preview', { value: ['d', 'value'] }) },
    },
    {
      version: 1,
      nodes: { d: n('core.delay', { ms: true }), p: n('core.preview', { value: ['d', 'value'] }) },
    },
    {
      version: 1,
      nodes: {
        a: n('core.delay', { ms: 1, value: ['b', 'value'] }),
        b: n('core.delay', { ms: 1, value: ['a', 'value'] }),
        p: n('core.preview', { value: ['a', 'value'] }),
      },
    },
    { version: 1, nodes: { s: n('testkit.steps', { steps: 0 }) } },
    { version: 1, nodes: { s: n('testkit.steps', { steps: 'many' }) } },
    { version: 1, nodes: { s: n('testkit.steps', { steps: 1, tag: 5 }) } },
    { version: 1, nodes: { s: { type: 'testkit.steps', inputs: {}, mode: 'exploded' } } },
    { version: 1, nodes: { s: n('testkit.steps'), t: n('testkit.steps', { steps: 1e20 }) } },
    {
      version: 1,
      nodes: Object.fromEntries(
        Array.from({ length: 2500 }, (_, k) => [`n${k}`, n('core.int', { value: k })]),
      ),
    },
    { version: 1, nodes: { a: n('core.string', { value: 'x'.repeat(1100 * 1024) }) } },
  ];
  for (const [i, graph] of graphs.entries()) job(`invalid graph ${i}`, g(graph));
  job(
    'duplicate node id',
    '{"graph":{"version":1,"nodes":{"s":{"type":"testkit.steps","inputs":{}},"s":{"type":"testkit.steps","inputs":{}}}}}',
  );
  job(
    'duplicate input',
    '{"graph":{"version":1,"nodes":{"s":{"type":"testkit.steps","inputs":{"steps":1,"steps":2}}}}}',
  );

  // 4. Huge bodies and wrong content types
  job(
    'huge body (2 MB of JSON)',
    g({ version: 1, nodes: {}, meta: { description: 'x'.repeat(2 * 1024 * 1024) } }),
  );
  job('huge garbage', Buffer.alloc(3 * 1024 * 1024, 0x41));
  job('text/plain body', g(okGraph), { 'content-type': 'text/plain' });
  job('form body', 'graph=1', { 'content-type': 'application/x-www-form-urlencoded' });
  job('xml body', '<graph/>', { 'content-type': 'application/xml' });
  job('json with a bad charset param', g(okGraph), { 'content-type': 'application/json; charset=utf-7' });
  const mp = multipart([{ name: 'graph', data: g(okGraph) }]);
  job('multipart to jobs', mp.body, { 'content-type': mp.type });
  job('content-length lies (short)', '{"graph":{}}', { 'content-length': '5' });

  // 5. Traversal and escapes on every file route
  const traversal = [
    '../../../../etc/passwd',
    '..%2f..%2f..%2fetc%2fpasswd',
    '%2e%2e%2f%2e%2e%2fetc%2fpasswd',
    '%2e%2e/%2e%2e/etc/passwd',
    '%252e%252e%252fetc%252fpasswd',
    '..%252f..%252fetc%252fpasswd',
    '....//....//etc/passwd',
    '..\\..\\..\\windows\\win.ini',
    '..%5c..%5cwindows%5cwin.ini',
    '%c0%ae%c0%ae%c0%afetc%c0%afpasswd',
    '..%c0%af..%c0%afetc',
    '%00',
    'a%00.png',
    '.',
    '..',
    '%2e',
    '%2e%2e',
    '..%2f..%2foutside%2fsecret.txt',
    `${encodeURIComponent(`../outside/secret.txt`)}`,
    '/etc/passwd',
    '%2fetc%2fpasswd',
    'file:%2f%2f%2fetc%2fpasswd',
    'x'.repeat(300),
    '\u2025\u2025%2fetc',
  ];
  for (const route of ['/api/outputs/', '/api/uploads/', '/api/presets/']) {
    for (const tail of traversal)
      add({ name: `traversal ${route}${tail}`, path: `${route}${tail.replace(/[\u2025]/g, '%E2%80%A5')}` });
  }
  add({ name: 'raw dot-dot above api', path: '/api/../../../../etc/passwd' });
  add({ name: 'raw dot-dot inside outputs', path: '/api/outputs/../../outside/secret.txt' });
  add({ name: 'encoded dot-dot in api prefix', path: '/api/%2e%2e/%2e%2e/etc/passwd' });
  add({ name: 'symlinked upload escaping the root', path: `/api/uploads/${'a'.repeat(32)}.png` });
  add({ name: 'symlinked preset escaping the root', path: '/api/presets/leak' });
  add({ name: 'symlinked preset escaping the root (.json)', path: '/api/presets/leak.json' });
  add({ name: 'directory symlink in uploads', path: '/api/uploads/dirlink/secret.txt' });
  add({ name: 'output swapped for a symlink after the job', path: swappedOutput.url });
  add({ name: 'unknown output id', path: '/api/outputs/AAAAAAAAAAAAAAAAAAAAAA' });
  add({ name: 'unknown upload', path: `/api/uploads/${'b'.repeat(32)}.png` });
  add({ name: 'upload with uppercase hex', path: `/api/uploads/${'B'.repeat(32)}.png` });
  add({ name: 'upload with svg ext', path: `/api/uploads/${'b'.repeat(32)}.svg` });
  add({ name: 'bad range (start past end)', path: fileOutput.url, headers: { range: 'bytes=999999-' } });
  add({ name: 'bad range (zero suffix)', path: fileOutput.url, headers: { range: 'bytes=-0' } });
  add({ name: 'bad range (reversed)', path: fileOutput.url, headers: { range: 'bytes=9-3' } });

  // 6. Cross-site and CSRF
  const mut: [string, string, string?][] = [
    ['POST', '/api/jobs', g(okGraph)],
    ['POST', `/api/jobs/${missing}/cancel`, '{}'],
    ['PATCH', `/api/jobs/${missing}`, '{"priority":1}'],
    ['DELETE', `/api/jobs/${missing}`],
    ['POST', '/api/queue/pause', '{}'],
    ['POST', '/api/queue/resume', '{}'],
    ['POST', '/api/logout', '{}'],
    ['POST', '/api/uploads', '{}'],
  ];
  for (const [method, p, body] of mut) {
    add({ name: `missing csrf ${method} ${p}`, method, path: p, ...(body ? { body } : {}), noCsrf: true });
    add({
      name: `wrong csrf ${method} ${p}`,
      method,
      path: p,
      ...(body ? { body } : {}),
      headers: { 'x-reelgraph-csrf': 'forged' },
    });
    add({
      name: `cross-site origin ${method} ${p}`,
      method,
      path: p,
      ...(body ? { body } : {}),
      headers: { origin: 'https://evil.example' },
    });
  }
  for (const origin of [
    'null',
    'https://evil.example',
    `http://127.0.0.1.evil.example:${port}`,
    `http://localhost:${Number(port) + 1}`,
    'javascript:alert(1)',
    'garbage',
  ]) {
    add({ name: `origin ${origin} on a read`, path: '/api/jobs', headers: { origin } });
  }
  for (const site of ['cross-site'])
    add({ name: `fetch-metadata ${site}`, path: '/api/catalog', headers: { 'sec-fetch-site': site } });
  for (const host of [
    'evil.example',
    `evil.example:${port}`,
    '127.0.0.1.nip.io',
    'localhost.evil',
    'a b',
    '[::2]',
    'localhost:99999999',
    'localhost@evil.example',
  ]) {
    add({ name: `host ${host || '(empty)'}`, path: '/api/catalog', headers: { host } });
  }

  // 7. Ids, params, queries and methods
  for (const id of [
    'nope',
    '123',
    `${missing}x`,
    missing.toUpperCase(),
    encodeURIComponent("1' OR '1'='1"),
    '%00',
  ]) {
    add({ name: `bad job id ${id}`, path: `/api/jobs/${id}` });
  }
  add({ name: 'unknown job', path: `/api/jobs/${missing}` });
  add({ name: 'cancel unknown job', method: 'POST', path: `/api/jobs/${missing}/cancel`, body: '{}' });
  add({ name: 'patch unknown job', method: 'PATCH', path: `/api/jobs/${missing}`, body: '{"priority":1}' });
  add({ name: 'delete unknown job', method: 'DELETE', path: `/api/jobs/${missing}` });
  for (const body of [
    '{}',
    '{"priority":"high"}',
    '{"priority":1.5}',
    '{"priority":5000}',
    '{"priority":1,"state":"done"}',
    '[]',
    'x',
  ]) {
    add({ name: `patch body ${body}`, method: 'PATCH', path: `/api/jobs/${missing}`, body });
  }
  for (const q of [
    'limit=abc',
    'limit=-1',
    'limit=99999',
    'offset=1e99',
    'state=bogus',
    'state=queued,,running',
    'state=',
    'clientId=a%20b',
    'unknown=1',
    'limit=1&limit=2',
  ]) {
    add({ name: `jobs query ${q}`, path: `/api/jobs?${q}` });
  }
  add({ name: 'job detail bad flag', path: `/api/jobs/${missing}?events=maybe` });
  add({
    name: 'ws bad clientId',
    path: '/api/ws?clientId=a%20b',
    headers: {
      connection: 'Upgrade',
      upgrade: 'websocket',
      'sec-websocket-version': '13',
      'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
    },
  });
  add({
    name: 'ws cross-site',
    path: '/api/ws',
    headers: {
      origin: 'https://evil.example',
      connection: 'Upgrade',
      upgrade: 'websocket',
      'sec-websocket-version': '13',
      'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
    },
  });
  add({
    name: 'ws null origin',
    path: '/api/ws',
    headers: {
      origin: 'null',
      connection: 'Upgrade',
      upgrade: 'websocket',
      'sec-websocket-version': '13',
      'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
    },
  });
  add({ name: 'plain GET on the WebSocket endpoint', path: '/api/ws' });
  add({ name: 'PUT jobs', method: 'PUT', path: '/api/jobs', body: '{}' });
  add({ name: 'DELETE catalog', method: 'DELETE', path: '/api/catalog' });
  add({ name: 'unknown api route', path: '/api/nope' });
  add({ name: 'unknown non-api route without the editor', path: '/index.html' });
  add({ name: 'login wrong token shape', method: 'POST', path: '/api/login', body: '{"token":5}' });
  add({ name: 'login without token configured', method: 'POST', path: '/api/login', body: '{"token":"x"}' });
  add({ name: 'preset name with slash', path: '/api/presets/a%2Fb' });
  add({ name: 'preset that does not exist', path: '/api/presets/nothing-here' });

  // 8. Uploads
  const up = (name: string, parts: Parameters<typeof multipart>[0]) => {
    const m = multipart(parts);
    add({
      name: `upload: ${name}`,
      method: 'POST',
      path: '/api/uploads',
      body: m.body,
      headers: { 'content-type': m.type },
    });
  };
  add({ name: 'upload: json body', method: 'POST', path: '/api/uploads', body: '{"file":"x"}' });
  add({
    name: 'upload: raw png body',
    method: 'POST',
    path: '/api/uploads',
    body: Buffer.from('89504e47', 'hex'),
    headers: { 'content-type': 'image/png' },
  });
  add({
    name: 'upload: multipart without boundary',
    method: 'POST',
    path: '/api/uploads',
    body: 'x',
    headers: { 'content-type': 'multipart/form-data' },
  });
  up('no parts', []);
  up('field only', [{ name: 'note', data: 'hello' }]);
  up('wrong field name', [{ name: 'image', filename: 'a.png', type: 'image/png', data: Buffer.alloc(10) }]);
  up('empty file', [{ name: 'file', filename: 'a.png', type: 'image/png', data: Buffer.alloc(0) }]);
  up('text renamed to png', [
    { name: 'file', filename: 'a.png', type: 'image/png', data: 'not an image at all' },
  ]);
  up('svg with script', [
    {
      name: 'file',
      filename: 'x.svg',
      type: 'image/svg+xml',
      data: '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    },
  ]);
  up('html', [{ name: 'file', filename: 'x.html', type: 'text/html', data: '<script>alert(1)</script>' }]);
  up('truncated png', [
    {
      name: 'file',
      filename: 'a.png',
      type: 'image/png',
      data: Buffer.from('89504e470d0a1a0a0000000d49484452000000100000001008020000', 'hex'),
    },
  ]);
  up('traversal filename', [
    { name: 'file', filename: '../../outside/evil.png', type: 'image/png', data: 'garbage' },
  ]);
  up('too large', [
    { name: 'file', filename: 'big.png', type: 'image/png', data: Buffer.alloc(300 * 1024, 1) },
  ]);
  up('two files', [
    { name: 'file', filename: 'a.png', data: 'x' },
    { name: 'file', filename: 'b.png', data: 'y' },
  ]);

  // 9. Nesting past the depth limit, on every route that reads JSON (answered from the raw text)
  for (const { name, body } of deepJobBodies()) job(`deep: ${name}`, body);
  for (const n of [34, 5000, 200_000]) {
    for (const [method, p] of [
      ['PATCH', `/api/jobs/${missing}`],
      ['POST', `/api/jobs/${missing}/cancel`],
      ['POST', '/api/queue/pause'],
      ['POST', '/api/login'],
      ['POST', '/api/uploads'],
    ] as const) {
      add({ name: `deep ${n} ${method} ${p}`, method, path: p, body: `{"priority":${nest('[', ']', n)}}` });
    }
  }

  // 10. Malformed HTTP (Node's parser) and what Fastify refuses before routing
  for (const r of rawRequests()) add({ name: `raw: ${r.name}`, path: '', raw: r.text });
  for (const route of ['/api/jobs/', '/api/outputs/', '/api/uploads/', '/api/presets/']) {
    for (const n of [201, 1000, 60_000])
      add({ name: `param ${n} long ${route}`, path: `${route}${'y'.repeat(n)}` });
    for (const bad of ['%', '%zz', '%E0%A4%A', '%ff%fe', 'a%'])
      add({ name: `bad escape ${route}${bad}`, path: `${route}${bad}` });
  }
  add({
    name: 'long param on cancel',
    method: 'POST',
    path: `/api/jobs/${'z'.repeat(500)}/cancel`,
    body: '{}',
  });
  return cases;
}

async function pixelBomb(): Promise<Case[]> {
  const big = await sharp({ create: { width: 2000, height: 2000, channels: 3, background: '#123456' } })
    .png()
    .toBuffer();
  const m = multipart([{ name: 'file', filename: 'bomb.png', type: 'image/png', data: big }]);
  return [
    {
      name: 'upload: decodes past the pixel limit',
      method: 'POST',
      path: '/api/uploads',
      body: m.body,
      headers: { 'content-type': m.type },
    },
  ];
}

describe('bad input corpus', () => {
  it('answers every malformed request with a clear 4xx, leaks nothing and stays healthy', async () => {
    const cases = [...corpus(), ...(await pixelBomb())];
    expect(cases.length).toBeGreaterThanOrEqual(400);
    console.log(`bad-input corpus: ${cases.length} requests`);
    const skip = new Set([
      path.join(t.root, 'data'),
      path.join(t.root, 'outputs'),
      path.join(t.root, 'uploads'),
    ]);
    const before = snapshot(t.root, skip);
    const uploadsBefore = readdirSync(path.join(t.root, 'uploads')).sort();
    const failures: string[] = [];
    const codes = new Map<string, number>();
    // The health check keeps answering while the corpus runs (its latency: bench/server-hostile.ts).
    let attacking = true;
    const health: number[] = [];
    const pinger = (async () => {
      while (attacking) {
        const r = await fetch(`${t.url}/api/health`).catch(() => undefined);
        health.push(r?.status ?? 0);
        await r?.arrayBuffer();
      }
    })();
    for (const c of cases) {
      let r: Awaited<ReturnType<typeof send>>;
      try {
        r = await send(c);
      } catch (err) {
        failures.push(`${c.name}: request failed: ${(err as Error).message}`);
        continue;
      }
      if (r.status < 400 || r.status >= 500)
        failures.push(`${c.name}: status ${r.status} ${r.text.slice(0, 200)}`);
      if (r.text.includes(SECRET)) failures.push(`${c.name}: leaked the secret`);
      if (r.headers['x-content-type-options'] !== 'nosniff') failures.push(`${c.name}: no nosniff header`);
      if (r.text.includes(t.root)) failures.push(`${c.name}: leaked a server path`);
      let body: any;
      try {
        body = JSON.parse(r.text);
      } catch {
        failures.push(`${c.name}: body is not JSON: ${r.text.slice(0, 100)}`);
        continue;
      }
      if (typeof body.error !== 'string' || typeof body.message !== 'string' || body.message.length < 5) {
        failures.push(`${c.name}: error body lacks error/message: ${r.text.slice(0, 200)}`);
      }
      if (typeof body.error === 'string' && !/^[a-z][a-z_]*$/.test(body.error))
        failures.push(`${c.name}: error is not a code: ${r.text.slice(0, 200)}`);
      codes.set(body.error, (codes.get(body.error) ?? 0) + 1);
    }
    attacking = false;
    await pinger;
    expect(failures).toEqual([]);
    expect(health.length).toBeGreaterThan(0);
    expect(health.filter((s) => s !== 200)).toEqual([]);
    // The variety of answers: each class of problem has its own code.
    for (const code of [
      'invalid_json',
      'bad_request',
      'invalid_graph',
      'payload_too_large',
      'unsupported_media_type',
      'not_found',
      'csrf_invalid',
      'forbidden_origin',
      'forbidden_host',
      'range_not_satisfiable',
      'image_too_large',
      'uri_too_long',
      'headers_too_large',
    ]) {
      expect(codes.get(code), code).toBeGreaterThan(0);
    }
    // Nothing outside the roots changed; no upload was stored; no prototype got polluted.
    expect(snapshot(t.root, skip)).toEqual(before);
    expect(readdirSync(path.join(t.root, 'uploads')).sort()).toEqual(uploadsBefore);
    expect(readFileSync(path.join(outside, 'secret.txt'), 'utf8')).toBe(SECRET);
    expect(({} as any).polluted).toBeUndefined();
    // No bad request got queued, and the server still works.
    expect((await t.http.get('/api/jobs?state=queued,running')).body.total).toBe(0);
    expect((await t.http.get('/api/health')).status).toBe(200);
    const ok = await t.http.submit(stepsGraph(1, 1, 'after-corpus'));
    expect(ok.status).toBe(201);
    await until(async () => (await t.http.get(`/api/jobs/${ok.body.jobId}`)).body.state === 'success');
    const good = await fetch(`${t.url}${fileOutput.url}`);
    expect(good.status).toBe(200);
  });

  it('answers WebSocket messages nested past the limit as bad messages, and keeps the socket', async () => {
    const c = new WsClient(t.url, 'deep-ws');
    await c.opened;
    const deep = [
      `{"type":"ping","id":${nest('[', ']', 5000)}}`,
      `{"type":"ping","id":${nest('{"a":', '}', 9000)}}`,
      `{"type":"subscribe","jobIds":[],"afterSeq":${nest('[', ']', 30_000)}}`,
      `${'['.repeat(60_000)}`,
    ];
    for (const text of deep) c.send(text);
    c.send({ type: 'ping', id: [[['ok']]] });
    const pong = await c.waitFor((m) => m.type === 'pong');
    expect(pong.id).toEqual([[['ok']]]);
    const errors = c.messages.filter((m) => m.type === 'error');
    expect(errors.map((m) => m.error)).toEqual(deep.map(() => 'bad_message'));
    expect(String(errors[0]!.message)).toContain('nests deeper');
    await c.close();
  });

  it('answers requests without a usable Host header with 400', async () => {
    const { connect } = await import('node:net');
    for (const head of [
      'GET /api/catalog HTTP/1.0\r\n\r\n',
      'GET /api/catalog HTTP/1.1\r\nHost:\r\nConnection: close\r\n\r\n',
    ]) {
      const text = await new Promise<string>((resolve, reject) => {
        const sock = connect(Number(port), '127.0.0.1', () => sock.end(head));
        let out = '';
        sock.on('data', (d) => {
          out += d;
        });
        sock.on('end', () => resolve(out));
        sock.on('error', reject);
      });
      expect(text).toMatch(/^HTTP\/1\.[01] 400/);
      expect(text).toContain('"error":"bad_request"');
    }
  });

  it('accepts a real image upload and serves it back', async () => {
    const png = await sharp({ create: { width: 16, height: 8, channels: 4, background: '#ff0000' } })
      .png()
      .toBuffer();
    const m = multipart([{ name: 'file', filename: '../../evil name.png', type: 'text/html', data: png }]);
    const r = await send({
      name: 'good upload',
      method: 'POST',
      path: '/api/uploads',
      body: m.body,
      headers: { 'content-type': m.type },
    });
    expect(r.status).toBe(201);
    const body = JSON.parse(r.text);
    expect(body).toMatchObject({ mime: 'image/png', width: 16, height: 8, frames: 1, size: png.length });
    expect(body.name).toMatch(/^[0-9a-f]{32}\.png$/);
    const again = await send({
      name: 'same upload',
      method: 'POST',
      path: '/api/uploads',
      body: m.body,
      headers: { 'content-type': m.type },
    });
    expect(JSON.parse(again.text).name).toBe(body.name);
    const got = await fetch(`${t.url}${body.url}`);
    expect(got.headers.get('content-type')).toBe('image/png');
    expect(got.headers.get('content-security-policy')).toContain('sandbox');
    expect(Buffer.from(await got.arrayBuffer()).equals(png)).toBe(true);
  });
});
