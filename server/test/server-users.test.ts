// biome-ignore-all lint/suspicious/noExplicitAny: response bodies in tests are arbitrary JSON
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addUser, hashToken, removeUser, Users } from '../src/security/users';
import { Store } from '../src/store/store';
import { Http, REPO, startServer, stepsGraph, type TestServer, until, WsClient } from './helpers';

let dir: string;
let t: TestServer;
const tokens: Record<'ana' | 'bo' | 'root', string> = { ana: '', bo: '', root: '' };
const as: Record<string, Http> = {};
const jobs: Record<string, string> = {};

/** A job of `who`'s, run to the end; its id and its file output's URL. */
async function finishedJob(who: string, tag: string): Promise<{ id: string; url: string }> {
  const r = await as[who]!.submit(stepsGraph(1, 1, tag), { clientId: 'shared' });
  expect(r.status).toBe(201);
  const job = await until(async () => {
    const d = (await as[who]!.get(`/api/jobs/${r.body.jobId}`)).body;
    return d.state === 'success' ? d : undefined;
  });
  return { id: job.id, url: job.outputs.find((o: any) => o.kind === 'file').url };
}

let outputs: Record<string, string> = {};

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'rg-users-'));
  const file = path.join(dir, 'users.json');
  // The real command: it prints the token on stdout and keeps only its hash.
  const cli = spawnSync(
    process.execPath,
    ['--import', 'tsx', path.join(REPO, 'server/src/cli.ts'), 'users', 'add', 'ana', '--users', file],
    { cwd: REPO, encoding: 'utf8', env: { ...process.env, REELGRAPH_NODES: '' } },
  );
  expect(cli.status, cli.stderr).toBe(0);
  tokens.ana = cli.stdout.trim();
  tokens.bo = addUser(file, 'bo', false);
  tokens.root = addUser(file, 'root', true);
  t = await startServer({ usersFile: file, isolation: 'inline', submitRateLimit: 6 });
  for (const who of ['ana', 'bo', 'root'] as const) {
    as[who] = new Http(t.url, tokens[who]);
    await as[who].session();
  }
  const a = await finishedJob('ana', 'ana');
  const b = await finishedJob('bo', 'bo');
  jobs.ana = a.id;
  jobs.bo = b.id;
  outputs = { ana: a.url, bo: b.url };
}, 120_000);
afterAll(async () => {
  await t?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('named users (serve --users)', () => {
  it('keeps tokens only as hashes, in a file only its owner can read', () => {
    const text = readFileSync(path.join(dir, 'users.json'), 'utf8');
    expect(tokens.ana).toMatch(/^rg_[A-Za-z0-9_-]{43}$/);
    for (const token of Object.values(tokens)) {
      expect(text).not.toContain(token);
      expect(text).toContain(hashToken(token));
    }
    expect(JSON.parse(text).users.map((u: any) => [u.name, u.admin])).toEqual([
      ['ana', false],
      ['bo', false],
      ['root', true],
    ]);
    expect(statSync(path.join(dir, 'users.json')).mode & 0o777).toBe(0o600);
  });

  it('refuses a malformed user name, and a server given a token and users at once', async () => {
    const bad = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        path.join(REPO, 'server/src/cli.ts'),
        'users',
        'add',
        '../x',
        '--users',
        path.join(dir, 'u.json'),
      ],
      { cwd: REPO, encoding: 'utf8', env: { ...process.env, REELGRAPH_NODES: '' } },
    );
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('a user name must match');
    await expect(
      startServer({ usersFile: path.join(dir, 'users.json'), token: 'x'.repeat(20) }),
    ).rejects.toThrow(/either a token or a users file/);
    await expect(startServer({ usersFile: path.join(dir, 'missing.json') })).rejects.toThrow(
      /cannot read the users file/,
    );
  });

  it('asks every request for a user’s token', async () => {
    expect((await fetch(`${t.url}/api/jobs`)).status).toBe(401);
    const wrong = await fetch(`${t.url}/api/jobs`, { headers: { authorization: `Bearer ${tokens.ana}x` } });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toMatchObject({ error: 'unauthorized' });
    const session = await as.bo!.get('/api/session');
    expect(session.body).toMatchObject({
      authRequired: true,
      authenticated: true,
      user: { name: 'bo', admin: false },
    });
  });

  it('lists, shows, cancels and deletes only a user’s own jobs; admins see all', async () => {
    const ids = async (who: string) => (await as[who]!.get('/api/jobs')).body.jobs.map((j: any) => j.id);
    expect(await ids('ana')).toEqual([jobs.ana]);
    expect(await ids('bo')).toEqual([jobs.bo]);
    expect((await ids('root')).sort()).toEqual([jobs.ana, jobs.bo].sort());

    const other = `/api/jobs/${jobs.bo}`;
    for (const [method, url, body] of [
      ['GET', other],
      ['GET', `${other}?graph=true`],
      ['POST', `${other}/cancel`, {}],
      ['PATCH', other, { priority: 1 }],
      ['DELETE', other],
    ] as const) {
      const r = await as.ana!.req(method, url, body);
      expect(r.status, `${method} ${url}`).toBe(404);
      expect(r.body).toMatchObject({ error: 'not_found' });
    }
    expect((await as.root!.get(other)).body).toMatchObject({ id: jobs.bo, state: 'success', owner: 'bo' });
    const listed = (await as.root!.get('/api/jobs')).body.jobs;
    expect(Object.fromEntries(listed.map((j: any) => [j.id, j.owner]))).toEqual({
      [jobs.ana!]: 'ana',
      [jobs.bo!]: 'bo',
    });
    expect((await as.bo!.get(other)).status).toBe(200);
  });

  it('serves an output only to its job’s user and to admins', async () => {
    expect((await as.ana!.get(outputs.ana!)).status).toBe(200);
    expect((await as.bo!.get(outputs.ana!)).status).toBe(404);
    expect((await as.root!.get(outputs.ana!)).status).toBe(200);
  });

  it('lets only admins pause the queue', async () => {
    const r = await as.ana!.post('/api/queue/pause');
    expect(r.status).toBe(403);
    expect(r.body).toMatchObject({ error: 'forbidden' });
    expect((await as.root!.post('/api/queue/pause')).body.paused).toBe(true);
    expect((await as.root!.post('/api/queue/resume')).body.paused).toBe(false);
  });

  it('sends a job’s events only to its user’s sockets, even under a shared client id', async () => {
    const auth = (who: 'ana' | 'bo') => ({ authorization: `Bearer ${tokens[who]}` });
    const ana = new WsClient(t.url, 'shared', auth('ana'));
    const bo = new WsClient(t.url, 'shared', auth('bo'));
    await Promise.all([ana.opened, bo.opened]);
    const { jobId } = (await as.ana!.submit(stepsGraph(2, 5, 'ws'), { clientId: 'shared' })).body;
    await ana.waitState(jobId, 'success');
    bo.send({ type: 'subscribe', jobIds: [jobId, jobs.bo] });
    const refused = await bo.waitFor((m) => m.type === 'error');
    expect(refused).toMatchObject({ error: 'not_found', jobIds: [jobId] });
    expect((await bo.waitFor((m) => m.type === 'subscribed')).jobIds).toEqual([jobs.bo]);
    expect(bo.ofJob(jobId)).toEqual([]);
    expect(bo.previews.filter((p: any) => p.jobId === jobId)).toEqual([]);
    ana.send({ type: 'subscribe', jobIds: [jobs.bo] });
    expect(await ana.waitFor((m) => m.type === 'error')).toMatchObject({ error: 'not_found' });
    await Promise.all([ana.close(), bo.close()]);
  });

  it('signs a browser in with a cookie bound to the user', async () => {
    const login = await fetch(`${t.url}/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: tokens.bo }),
    });
    expect(login.status).toBe(204);
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const mine = await fetch(`${t.url}/api/jobs`, { headers: { cookie } });
    expect(((await mine.json()) as any).jobs.map((j: any) => j.id)).toEqual([jobs.bo]);
    // The name in the cookie is covered by its MAC: renaming it does not make one root.
    const forged = cookie.replace('=bo~', '=root~');
    expect((await fetch(`${t.url}/api/jobs`, { headers: { cookie: forged } })).status).toBe(401);
  });

  it('counts the submission rate limit per user, not per address', async () => {
    // ana has used 2 of her 6 submissions a minute; bo 1.
    const codes: number[] = [];
    for (let i = 0; i < 5; i++) codes.push((await as.ana!.submit(stepsGraph(1, 1, `rl${i}`))).status);
    expect(codes).toEqual([201, 201, 201, 201, 429]);
    expect((await as.bo!.submit(stepsGraph(1, 1, 'bo-still'))).status).toBe(201);
  });
});

describe('the users file', () => {
  it('gives a user a new token in place, and removes users', () => {
    const file = path.join(dir, 'edit.json');
    const first = addUser(file, 'cy', false);
    const second = addUser(file, 'cy', true);
    addUser(file, 'dee', false);
    const users = Users.load(file);
    expect(users.authenticate(first)).toBeUndefined();
    expect(users.authenticate(second)).toEqual({ name: 'cy', admin: true });
    expect(removeUser(file, 'cy')).toBe(true);
    expect(removeUser(file, 'cy')).toBe(false);
    expect(Users.load(file).authenticate(second)).toBeUndefined();
    expect(Users.load(file).get('dee')).toEqual({ name: 'dee', admin: false });
  });
});

describe('the jobs table of a database made before named users', () => {
  it('gains an owner column and keeps its jobs', () => {
    const data = mkdtempSync(path.join(os.tmpdir(), 'rg-users-db-'));
    const old = new Database(path.join(data, 'reelgraph.db'));
    old.exec(`CREATE TABLE jobs (ord INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, state TEXT NOT NULL,
      priority INTEGER NOT NULL DEFAULT 0, client_id TEXT, title TEXT, node_count INTEGER NOT NULL, graph TEXT NOT NULL,
      targets TEXT, timeout_ms INTEGER, created_at INTEGER NOT NULL, started_at INTEGER, finished_at INTEGER,
      duration_ms REAL, attempts INTEGER NOT NULL DEFAULT 0, error TEXT, nodes TEXT);
      INSERT INTO jobs (id, state, node_count, graph, created_at) VALUES ('old', 'success', 1, '{}', 1);`);
    old.close();
    const store = new Store(data);
    try {
      expect(store.getJob('old')).toMatchObject({ id: 'old', owner: null });
      store.insertJob({
        id: 'new',
        priority: 0,
        clientId: 'c',
        owner: 'ana',
        title: null,
        nodeCount: 1,
        graph: '{}',
        targets: null,
        timeoutMs: null,
        createdAt: 2,
      });
      expect(store.listJobs({ owner: 'ana', limit: 10, offset: 0 }).jobs.map((j) => j.id)).toEqual(['new']);
      expect(store.activeJobsOfClient('c', 'ana')).toEqual(['new']);
      expect(store.activeJobsOfClient('c')).toEqual([]);
    } finally {
      store.close();
      rmSync(data, { recursive: true, force: true });
    }
  });

  it('clears only a user’s own finished jobs; an admin clears everyone’s', async () => {
    // (No new jobs: the submit rate limit is low here.)
    const ids = async (who: string) => (await as[who]!.get('/api/jobs')).body.jobs.map((j: any) => j.id);
    const [anas, bos] = [await ids('ana'), await ids('bo')];
    expect(anas.length).toBeGreaterThan(0);
    expect(bos.length).toBeGreaterThan(0);
    const cleared = await as.ana!.req('DELETE', '/api/jobs');
    expect(cleared.status).toBe(200);
    expect(cleared.body.deleted).toBe(anas.length);
    expect(await ids('ana')).toEqual([]);
    expect(await ids('bo')).toEqual(bos);
    expect((await as.root!.req('DELETE', '/api/jobs')).body.deleted).toBe(bos.length);
    expect(await ids('root')).toEqual([]);
  }, 60_000);
});
