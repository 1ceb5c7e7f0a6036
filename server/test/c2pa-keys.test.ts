import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ContentCredentials } from '../src/c2pa/credentials';
import { ensureDevChain, loadSigningKey } from '../src/c2pa/keys';
import { intact, verifyBytes } from '../src/c2pa/verify';
import { REPO } from './helpers';

const dir = mkdtempSync(path.join(os.tmpdir(), 'rg-c2pa-keys-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const facts = {
  title: 'clip.mp4',
  mime: 'video/mp4',
  version: '0.1.0',
  models: [],
  jobId: 'test',
  node: { id: 'save', type: 'video.save' },
};

describe('signing keys', () => {
  it.each(['P-256', 'P-384'] as const)('signs with an EC %s chain and the file verifies', async (curve) => {
    const files = await ensureDevChain(path.join(dir, curve), curve);
    const key = loadSigningKey(files);
    expect(key.alg).toBe(curve === 'P-256' ? 'es256' : 'es384');
    const file = path.join(dir, `${curve}.mp4`);
    copyFileSync(path.join(REPO, 'graphs', 'assets', 'clip.mp4'), file);
    expect(await new ContentCredentials(key).sign(file, facts)).toMatchObject({
      signed: true,
      development: true,
    });
    const v = await verifyBytes(readFileSync(file), 'video/mp4');
    expect(intact(v), JSON.stringify(v.failures)).toBe(true);
    expect((v.manifest as { signature_info: { alg: string } }).signature_info.alg.toLowerCase()).toBe(
      key.alg,
    );
  });

  it('makes the development chain once and reuses it', async () => {
    const a = await ensureDevChain(path.join(dir, 'once'));
    const pem = readFileSync(a.certFile, 'utf8');
    await ensureDevChain(path.join(dir, 'once'));
    expect(readFileSync(a.certFile, 'utf8')).toBe(pem);
  });
});
