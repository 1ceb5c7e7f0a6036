/**
 * `GET /api/catalog` on a real server: one ETag per pack generation and encoding, 304 on a match,
 * bodies compressed up front that decode to the same catalog, and a new ETag once the packs reload.
 */
import { writeFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { matchesNoneMatch, pickCoding } from '../src/http/precompressed';
import { manifest, type PluginServer, startPluginServer } from './plugins-helpers';

const node = (title: string) =>
  "import { defineNode } from '@reelgraph/sdk';\n" +
  `export const N = defineNode({ type: 'live.n', title: '${title}', category: 't', description: 'd', inputs: {}, outputs: {}, output: true, run: () => ({}) });\n`;

/** A raw request (no automatic decoding, unlike fetch). */
function get(url: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }>(
    (resolve, reject) => {
      http
        .get(url, { headers }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }),
          );
        })
        .on('error', reject);
    },
  );
}

describe('catalog caching', () => {
  let t: PluginServer;
  const url = () => `${t.url}/api/catalog`;

  beforeAll(async () => {
    t = await startPluginServer({
      'live/reelgraph.pack.json': manifest('live', ['live.n']),
      'live/index.ts': node('One'),
    });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('serves one ETag per encoding, 304 on a match, and compressed bodies that decode to the catalog', async () => {
    const plain = await get(url());
    expect(plain.status).toBe(200);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.headers.vary).toMatch(/accept-encoding/i);
    const catalog = JSON.parse(plain.body.toString());
    expect(catalog.nodes['live.n'].title).toBe('One');
    expect((await get(url())).headers.etag).toBe(plain.headers.etag);

    const br = await get(url(), { 'accept-encoding': 'gzip, deflate, br' });
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.body.length).toBeLessThan(plain.body.length / 3);
    expect(JSON.parse(brotliDecompressSync(br.body).toString())).toEqual(catalog);
    const gz = await get(url(), { 'accept-encoding': 'gzip' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(JSON.parse(gunzipSync(gz.body).toString())).toEqual(catalog);
    expect(new Set([plain.headers.etag, br.headers.etag, gz.headers.etag]).size).toBe(3);
    expect((await get(url(), { 'accept-encoding': 'br' })).headers.etag).toBe(br.headers.etag);

    const again = await get(url(), { 'accept-encoding': 'br', 'if-none-match': br.headers.etag! });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
    expect(again.headers.etag).toBe(br.headers.etag);
    // A validator from another encoding of the same catalog is still current.
    expect((await get(url(), { 'if-none-match': `W/${gz.headers.etag}` })).status).toBe(304);
    expect((await get(url(), { 'if-none-match': '"stale"' })).status).toBe(200);
  });

  it('changes the ETag and the body once the packs reload', async () => {
    const before = await get(url(), { 'accept-encoding': 'br' });
    writeFileSync(path.join(t.packs, 'live', 'index.ts'), node('Two'));
    await t.server.host.reload!();
    const after = await get(url(), { 'accept-encoding': 'br', 'if-none-match': before.headers.etag! });
    expect(after.status).toBe(200);
    expect(after.headers.etag).not.toBe(before.headers.etag);
    expect(JSON.parse(brotliDecompressSync(after.body).toString()).nodes['live.n'].title).toBe('Two');
    expect((await get(url(), { 'accept-encoding': 'br' })).headers.etag).toBe(after.headers.etag);
  });
});

describe('content negotiation', () => {
  it('prefers brotli, then gzip, honouring q=0', () => {
    expect(pickCoding(undefined)).toBe('identity');
    expect(pickCoding('gzip, deflate, br')).toBe('br');
    expect(pickCoding('gzip, br;q=0')).toBe('gzip');
    expect(pickCoding('*;q=0.5')).toBe('br');
    expect(pickCoding('identity')).toBe('identity');
    expect(pickCoding('br;q=0, gzip;q=0')).toBe('identity');
  });
  it('matches If-None-Match lists and weak tags', () => {
    const tags = new Set(['"a"', '"a-br"']);
    expect(matchesNoneMatch('"x", W/"a-br"', tags)).toBe(true);
    expect(matchesNoneMatch('*', tags)).toBe(true);
    expect(matchesNoneMatch('"b"', tags)).toBe(false);
    expect(matchesNoneMatch(undefined, tags)).toBe(false);
  });
});
