import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REFUSAL_LOG } from '../src/policy/gate';
import { addUser } from '../src/security/users';
import { Http, REPO, startServer, type TestServer } from './helpers';

const graph = (text: string) => ({
  version: 1,
  nodes: {
    s: { type: 'core.string', inputs: { value: 'a quiet harbour at dawn' } },
    f: { type: 'core.format', inputs: { template: text } },
    show: { type: 'core.preview', inputs: { value: ['s', 'value'] } },
  },
});

describe('serve --policy', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startServer({ policyFile: path.join(REPO, 'policies', 'example.json'), runQueue: false });
  });
  afterAll(() => t.close());

  it('refuses a job whose text input (of any node, not only a prompt) breaks a rule, and queues nothing', async () => {
    const before = (await t.http.get('/api/jobs')).body.total;
    const r = await t.http.submit(graph('a d3c@p1t@ted soldier'), { clientId: 'tester-1' });
    expect(r.status).toBe(422);
    expect(r.body.error).toBe('policy_refused');
    expect(r.body.message).toMatch(/node f, input template/);
    expect(r.body.refusals).toEqual([
      expect.objectContaining({ ruleId: 'violence.gore', nodeId: 'f', input: 'template', action: 'refuse' }),
    ]);
    expect((await t.http.get('/api/jobs')).body.total).toBe(before);
    const log = readFileSync(path.join(t.server.options.dataDir, REFUSAL_LOG), 'utf8').trim().split('\n');
    const last = JSON.parse(log[log.length - 1] as string);
    expect(last).toMatchObject({
      refusalId: r.body.refusalId,
      user: null,
      clientId: 'tester-1',
      address: '127.0.0.1',
      rules: ['violence.gore'],
    });
  });

  it('queues a harmless job, and one that only warns with the warnings in the reply', async () => {
    const ok = await t.http.submit(graph('a skilled assassin in Scunthorpe'));
    expect(ok.status).toBe(201);
    expect(ok.body.policyWarnings).toBeUndefined();
    const warned = await t.http.submit(graph('Suicide Squad style poster'));
    expect(warned.status).toBe(201);
    expect(warned.body.policyWarnings).toEqual([
      expect.objectContaining({ ruleId: 'self-harm.mention', nodeId: 'f', input: 'template' }),
    ]);
  });
});

describe('serve --policy with --users', () => {
  it('logs the refusing user by name', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'rg-policy-users-'));
    const file = path.join(dir, 'users.json');
    const token = addUser(file, 'ana', false);
    const t = await startServer({ usersFile: file, policyFile: path.join(REPO, 'policies', 'example.json') });
    try {
      const http = new Http(t.url, token);
      await http.session();
      const r = await http.submit(graph('n a k e d'));
      expect(r.status).toBe(422);
      const log = readFileSync(path.join(t.server.options.dataDir, REFUSAL_LOG), 'utf8').trim().split('\n');
      expect(JSON.parse(log.at(-1) as string)).toMatchObject({ refusalId: r.body.refusalId, user: 'ana' });
    } finally {
      await t.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('policy file errors', () => {
  it('stops the start with the rule at fault', async () => {
    const bad = path.join(REPO, 'server', 'test', 'fixtures', 'bad-policy.json');
    await expect(startServer({ policyFile: bad })).rejects.toThrow(/rule r1\.patterns: "\(" is not a valid/);
  });
});
