// biome-ignore-all lint/suspicious/noExplicitAny: response bodies in tests are arbitrary JSON
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CORE_PACKS, REPO, startServer, type TestServer, until } from './helpers';
import { cliArgs, runProcess } from './run-process';
import {
  hasRedisServer,
  startRedis,
  startWorker,
  type TestRedis,
  type TestWorker,
  WORKER_SECRET,
} from './scale-out-helpers';

const hasModel = existsSync(path.join(REPO, 'models', 'tiny', 'model.json'));
const PACKS = [CORE_PACKS, ...['video', 'grade', 'guard'].map((p) => path.join(REPO, 'nodes', p))];

/** The text-to-video preset; with `red`, a red clip, tinted red before it is saved (the red-frames classifier refuses it). */
function clip(preset: any, red: boolean) {
  const g = structuredClone(preset);
  g.nodes.save.inputs.prefix = red ? 'red' : 'plain';
  if (red) {
    // A white object on a red background, multiplied by a red tint: every pixel red.
    g.nodes.prompt.inputs.text = 'a white square moves left on a red background';
    g.nodes.grade = {
      type: 'grade.color',
      inputs: { images: ['decode', 'images'], tint: '#ff0000', tint_strength: 1 },
    };
    g.nodes.save.inputs.images = ['grade', 'images'];
  }
  return g;
}

describe.skipIf(!hasRedisServer() || !hasModel)(
  'scale-out: a worker signs what it writes and runs the policy classifiers on output frames',
  { timeout: 300_000 },
  () => {
    let redis: TestRedis;
    let front: TestServer;
    let scratch: string;
    let worker: TestWorker;
    let preset: any;

    beforeAll(async () => {
      scratch = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'rg-guarded-worker-')));
      const policy = path.join(scratch, 'policy.json');
      writeFileSync(
        policy,
        JSON.stringify({
          version: 1,
          rules: [],
          classifiers: [{ node: 'guard.red-frames', threshold: 0.5 }],
        }),
      );
      redis = await startRedis();
      front = await startServer({
        redis: redis.url,
        workerSecret: WORKER_SECRET,
        nodesDirs: PACKS,
        modelsDirs: [path.join(REPO, 'models')],
      });
      worker = await startWorker(redis.url, 'guarded', scratch, [
        '--policy',
        policy,
        '--data',
        path.join(scratch, 'data'),
      ]);
      preset = JSON.parse(readFileSync(path.join(REPO, 'graphs', 'text-to-video.json'), 'utf8'));
      await until(
        async () => (await front.http.get('/api/workers')).body.workers.length > 0,
        30_000,
        'the worker on GET /api/workers',
      );
    }, 180_000);

    afterAll(async () => {
      await worker?.stop();
      await front?.close();
      await redis?.stop();
      if (scratch) rmSync(scratch, { recursive: true, force: true });
    }, 60_000);

    const finished = (jobId: string) =>
      until(
        async () => {
          const j = (await front.http.get(`/api/jobs/${jobId}?events=false`)).body;
          return ['success', 'failed', 'cancelled'].includes(j.state) ? j : undefined;
        },
        240_000,
        `job ${jobId}`,
      );

    it('the MP4 a worker wrote reaches the front with a manifest that `reelgraph verify` validates', async () => {
      const r = await front.http.submit(clip(preset, false));
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      const job: any = await finished(r.body.jobId);
      expect(job.state, JSON.stringify(job.error)).toBe('success');
      const file = job.outputs.find((o: any) => o.kind === 'file');
      expect(file.name).toMatch(/\.mp4$/);
      const bytes = Buffer.from(await (await fetch(`${front.url}${file.url}`)).arrayBuffer());
      const local = path.join(scratch, file.name);
      writeFileSync(local, bytes);
      const v = await runProcess(process.execPath, cliArgs(['verify', local]), { timeoutMs: 120_000 });
      expect(v.code, v.stdout + v.stderr).toBe(0);
      expect(v.stdout).toContain('content credentials intact');
      expect(v.stdout).toContain('(matches the embedded graph)');
      expect(worker.output()).toContain('DEVELOPMENT certificate');
    });

    it('a clip the frame classifier refuses fails the job with policy_refused; no file reaches the front', async () => {
      const r = await front.http.submit(clip(preset, true));
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      const job: any = await finished(r.body.jobId);
      expect(job.state, JSON.stringify(job)).toBe('failed');
      expect(job.error).toMatchObject({ code: 'policy_refused', nodeId: 'save' });
      expect(job.error.message).toContain('classifier guard.red-frames');
      expect(job.error.message).not.toContain('classifier failed'); // refused by its score, not failing closed
      expect(job.outputs.filter((o: any) => o.kind === 'file')).toEqual([]);
      const outputs = path.join(front.root, 'outputs');
      expect(existsSync(outputs) ? readdirSync(outputs).filter((f) => f.startsWith('red')) : []).toEqual([]);
    });
  },
);
