// biome-ignore-all lint/suspicious/noExplicitAny: response bodies in tests are arbitrary JSON
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app';
import { CORE_PACKS, REPO, startServer, type TestServer, until } from './helpers';

const PACKS = [CORE_PACKS, ...['video', 'grade', 'guard'].map((p) => path.join(REPO, 'nodes', p))];

/** A policy with no rules: only the guard pack's two classifiers. */
function policyFile(dir: string, classifiers: unknown[]): string {
  const file = path.join(dir, 'policy.json');
  writeFileSync(file, JSON.stringify({ version: 1, rules: [], classifiers }));
  return file;
}

const textGraph = (text: string) => ({
  version: 1,
  nodes: {
    s: { type: 'core.string', inputs: { value: 'a quiet harbour at dawn' } },
    f: { type: 'core.format', inputs: { template: text } },
    show: { type: 'core.preview', inputs: { value: ['f', 'text'] } },
  },
});

/** The start image saved as a clip; `red` tints it red first (the red-frames classifier refuses it). */
const clipGraph = (red: boolean) => ({
  version: 1,
  nodes: {
    image: { type: 'video.load_image', inputs: { image: 'start.png' } },
    ...(red
      ? {
          grade: {
            type: 'grade.color',
            inputs: { images: ['image', 'image'], tint: '#ff0000', tint_strength: 1 },
          },
        }
      : {}),
    save: {
      type: 'video.save',
      inputs: {
        images: red ? ['grade', 'images'] : ['image', 'image'],
        format: 'webp',
        prefix: red ? 'red' : 'plain',
      },
    },
  },
});

describe('policy classifiers from a pack, through the real server (node host child process)', () => {
  let t: TestServer;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'rg-classifiers-'));
    t = await startServer({
      nodesDirs: PACKS,
      policyFile: policyFile(dir, [
        { node: 'guard.scam-text' },
        { node: 'guard.red-frames', threshold: 0.5 },
      ]),
    });
    mkdirSync(t.server.options.uploadsDir, { recursive: true });
    copyFileSync(
      path.join(REPO, 'graphs', 'assets', 'start.png'),
      path.join(t.server.options.uploadsDir, 'start.png'),
    );
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses at submit a text the text classifier scores high (422 policy_refused naming it); nothing is queued', async () => {
    const before = (await t.http.get('/api/jobs')).body.total;
    const r = await t.http.submit(textGraph('FREE crypto giveaway: click to claim your bitcoin prize'));
    expect(r.status, JSON.stringify(r.body)).toBe(422);
    expect(r.body.error).toBe('policy_refused');
    expect(r.body.message).toContain('classifier:guard.scam-text');
    expect(r.body.refusals).toEqual([
      expect.objectContaining({ ruleId: 'classifier:guard.scam-text', nodeId: 'f', input: 'template' }),
    ]);
    expect(r.body.refusals[0].match).toMatch(/^score [01]\.\d\d ≥ 0\.5$/);
    expect((await t.http.get('/api/jobs')).body.total).toBe(before);
  }, 60_000);

  it('queues a harmless text', async () => {
    const r = await t.http.submit(textGraph('a dog wins a prize at the fair'));
    expect(r.status, JSON.stringify(r.body)).toBe(201);
  }, 60_000);

  const finished = (jobId: string) =>
    until(
      async () => {
        const j = (await t.http.get(`/api/jobs/${jobId}?events=false`)).body;
        return ['success', 'failed', 'cancelled'].includes(j.state) ? j : undefined;
      },
      120_000,
      `job ${jobId}`,
    );

  it('fails the job with policy_refused naming the frame classifier when the output clip is refused; no file is kept', async () => {
    const r = await t.http.submit(clipGraph(true));
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const job: any = await finished(r.body.jobId);
    expect(job.state, JSON.stringify(job)).toBe('failed');
    expect(job.error).toMatchObject({ code: 'policy_refused', nodeId: 'save' });
    expect(job.error.message).toContain('classifier guard.red-frames');
    expect(job.nodes.save.error).toMatchObject({ name: 'policy_refused' });
    expect(job.outputs.filter((o: any) => o.kind === 'file')).toEqual([]);
    const outputs = t.server.options.outputsDir;
    expect(existsSync(outputs) ? readdirSync(outputs).filter((f) => f.startsWith('red')) : []).toEqual([]);
  }, 150_000);

  it('keeps and serves an output clip the frame classifier passes', async () => {
    const r = await t.http.submit(clipGraph(false));
    const job: any = await finished(r.body.jobId);
    expect(job.state, JSON.stringify(job.errors)).toBe('success');
    const files = job.outputs.filter((o: any) => o.kind === 'file');
    expect(files.length).toBe(1);
    expect((await t.http.get(files[0].url)).status).toBe(200);
  }, 150_000);
});

describe('a policy naming a classifier that is not one', () => {
  it('stops the start with the reason', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'rg-classifiers-bad-'));
    try {
      for (const [node, why] of [
        ['core.string', /node "core.string" is not a classifier/],
        ['guard.nope', /classifier "guard.nope" is not a node of any loaded pack/],
      ] as const) {
        await expect(
          buildApp({
            nodesDirs: PACKS,
            isolation: 'inline',
            dataDir: path.join(dir, 'data'),
            outputsDir: path.join(dir, 'out'),
            policyFile: policyFile(dir, [{ node }]),
          }),
        ).rejects.toThrow(why);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
