import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliArgs, runProcess } from './run-process';

const root = fileURLToPath(new URL('../../', import.meta.url));
const t2vPrompt = path.join(root, 'server/test/fixtures/comfy-t2v.prompt.json');

const reelgraph = (args: string[]) => runProcess(process.execPath, cliArgs(args), { cwd: root });

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'reelgraph-comfy-cli-'));
});
afterAll(() => rm(tmp, { recursive: true, force: true }));

describe('reelgraph import / export --comfy-api', () => {
  it('imports an API prompt of ComfyUI classes into a graph that validates, matching the built-in model', async () => {
    const out = path.join(tmp, 'graph.json');
    const r = await reelgraph(['import', t2vPrompt, '-o', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/ComfyUI API prompt: 7 node\(s\) mapped, 1 folded into others, 0 foreign/);
    const graph = JSON.parse(await readFile(out, 'utf8'));
    expect(graph.nodes['4']).toMatchObject({ type: 'video.load_model', inputs: { model: 'tiny' } });
    const v = await reelgraph(['validate', out]);
    expect(v.code, v.stdout).toBe(0);
  });

  it('lists foreign nodes and missing models, and refuses a file that is not ComfyUI', async () => {
    const prompt = JSON.parse(await readFile(t2vPrompt, 'utf8'));
    prompt['11'] = {
      class_type: 'LoraLoader',
      inputs: { model: ['4', 0], clip: ['4', 1], lora_name: 'a.safetensors' },
    };
    prompt['4'].inputs.ckpt_name = 'wan2.1_t2v_14B_fp16.safetensors';
    const file = path.join(tmp, 'lora.json');
    await writeFile(file, JSON.stringify(prompt));
    const r = await reelgraph(['import', file]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).nodes['11'].type).toBe('comfy/foreign');
    expect(r.stderr).toContain('foreign 11 LoraLoader');
    expect(r.stderr).toContain('missing model wan2.1_t2v_14B_fp16.safetensors');
    const bad = await reelgraph(['import', path.join(root, 'graphs/text-to-video.json')]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/No ComfyUI workflow or prompt/);
  });

  it('exports a graph as an API prompt that imports back to the same graph', async () => {
    const graph = path.join(tmp, 'back.json');
    await reelgraph(['import', t2vPrompt, '-o', graph]);
    const prompt = path.join(tmp, 'prompt.json');
    const e = await reelgraph(['export', '--comfy-api', graph, '-o', prompt]);
    expect(e.code, e.stderr).toBe(0);
    const exported = JSON.parse(await readFile(prompt, 'utf8'));
    expect(exported['3'].class_type).toBe('KSampler');
    const again = path.join(tmp, 'again.json');
    await reelgraph(['import', prompt, '-o', again]);
    const strip = (g: { nodes: Record<string, { meta?: unknown }> }) =>
      Object.fromEntries(Object.entries(g.nodes).map(([id, n]) => [id, { ...n, meta: undefined }]));
    expect(strip(JSON.parse(await readFile(again, 'utf8')))).toEqual(
      strip(JSON.parse(await readFile(graph, 'utf8'))),
    );
    const bad = await reelgraph(['export', graph]);
    expect(bad.code).toBe(2);
  });
});
