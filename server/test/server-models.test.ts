// biome-ignore-all lint/suspicious/noExplicitAny: response bodies in tests are arbitrary JSON
/** The model list and sampler defaults follow the server's own model folders (`serve --models`). */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO, startServer, type TestServer, until } from './helpers';

const MINI = path.join(REPO, 'packages/runtime/test/fixtures/mini');

describe('a server with its own model folder', () => {
  let t: TestServer;
  const models = mkdtempSync(path.join(os.tmpdir(), 'rg-models-'));
  beforeAll(async () => {
    cpSync(MINI, path.join(models, 'studio-mini'), { recursive: true });
    t = await startServer({
      nodesDirs: ['core', 'video'].map((p) => path.join(REPO, 'nodes', p)),
      presetsDir: path.join(REPO, 'graphs'),
      modelsDirs: [models], // only these: not the repository's models/
    });
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    rmSync(models, { recursive: true, force: true });
  });

  const inputsOf = async (type: string) => (await t.http.get('/api/catalog')).body.nodes[type].inputs;

  it('lists exactly the models in that folder, with defaults from their manifest', async () => {
    const model = (await inputsOf('video.load_model')).model;
    expect(model.options).toEqual(['studio-mini']);
    expect(model.default).toBe('studio-mini');
    const sampler = await inputsOf('video.sampler');
    // the fixture's manifest: 4 steps, cfg 3, shift 2 (the generic defaults are 20, 5, 3)
    expect([sampler.steps.default, sampler.cfg.default, sampler.shift.default]).toEqual([4, 3, 2]);
  });

  it('serves the socket types the packs declared, with their colours', async () => {
    const { types } = (await t.http.get('/api/catalog')).body;
    for (const name of ['TEXT_ENCODER', 'DIT', 'VAE', 'CONDITIONING', 'LATENT', 'NOISE', 'IMAGE'])
      expect(types[name]?.color, name).toMatch(/^#[0-9a-f]{3,6}$/i);
  });

  it('accepts and runs a graph naming a model that only that folder has', async () => {
    const preset = (await t.http.get('/api/presets/text-to-video')).body;
    for (const node of Object.values<any>(preset.nodes)) {
      if (node.type === 'video.load_model') node.inputs.model = 'studio-mini';
      if (node.type === 'video.sampler') node.inputs.steps = 2;
    }
    const res = await t.http.submit(preset);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const job = await until(
      async () => {
        const j = (await t.http.get(`/api/jobs/${res.body.jobId}`)).body;
        return ['success', 'failed', 'cancelled'].includes(j.state) ? j : undefined;
      },
      120_000,
      'the job to finish',
    );
    expect(job.state, JSON.stringify(job.error ?? job.nodes)).toBe('success');
  }, 150_000);

  it('shows a model added to the folder after a reload', async () => {
    cpSync(MINI, path.join(models, 'second'), { recursive: true });
    await t.server.host.reload?.();
    expect((await inputsOf('video.load_model')).model.options).toEqual(['second', 'studio-mini']);
  });
});
