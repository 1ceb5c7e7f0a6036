/** graphs/graded-text-to-video.json runs end to end (fixture model, 2 steps) and its grade is visible. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type EngineEvent, Executor } from '@reelgraph/executor';
import type { GraphDocument } from '@reelgraph/graph';
import { extractGraph, type Frames, loadVideo, probeVideo } from '@reelgraph/media';
import { loadPacks } from '@reelgraph/packs';
import { ModelRuntime } from '@reelgraph/runtime';
import { afterAll, expect, it } from 'vitest';

const REPO = resolve(import.meta.dirname, '../../..');
const FIXTURE_MODELS = join(REPO, 'packages/runtime/test/fixtures');
const outputDir = mkdtempSync(join(tmpdir(), 'rg-grade-preset-'));
const runtime = new ModelRuntime({ dirs: [FIXTURE_MODELS], session: { intraOpThreads: 2 } });
afterAll(async () => {
  await runtime.dispose();
  rmSync(outputDir, { recursive: true, force: true });
});

it('graded-text-to-video writes a 17-frame MP4 whose frames are warmer than the ungraded ones', async () => {
  const { nodes, packs } = await loadPacks({
    dirs: ['core', 'video', 'grade'].map((p) => join(REPO, 'nodes', p)),
  });
  expect(packs.filter((p) => p.status !== 'loaded')).toEqual([]);
  const doc = JSON.parse(
    readFileSync(join(REPO, 'graphs/graded-text-to-video.json'), 'utf8'),
  ) as GraphDocument;
  for (const node of Object.values(doc.nodes)) {
    if (node.type === 'video.load_model') node.inputs.model = 'mini';
    if (node.type === 'video.sampler') node.inputs.steps = 2;
  }
  const executor = new Executor({ nodes, services: { outputDir, models: runtime } });
  const seen: EngineEvent[] = [];
  const r = await executor.run(doc, { services: { graph: doc } as never, onEvent: (e) => seen.push(e) });
  expect(r.errors).toEqual({});
  expect(r.status).toBe('success');
  expect(seen.some((e) => e.type === 'node:preview' && e.nodeId === 'grade')).toBe(true);
  const file = r.artifacts.save?.find((a) => a.kind === 'file');
  if (file?.kind !== 'file') throw new Error('no file written');
  expect(file.path).toMatch(/graded-text-to-video_\d{5}\.mp4$/);
  expect(await probeVideo(file.path)).toMatchObject({ codec: 'h264', frames: 17, width: 64, height: 64 });
  expect(await extractGraph(file.path)).toEqual(doc);

  // The same graph without the grade and title: the warm tint must move red up relative to blue.
  const plain = structuredClone(doc);
  delete plain.nodes.grade;
  delete plain.nodes.title;
  plain.nodes.save!.inputs.images = ['decode', 'images'];
  plain.nodes.save!.inputs.prefix = 'plain';
  const p = await executor.run(plain, { services: { graph: plain } as never });
  const plainFile = p.artifacts.save?.find((a) => a.kind === 'file');
  if (plainFile?.kind !== 'file') throw new Error('no file written');
  const balance = (f: Frames) => channelMean(f, 0) - channelMean(f, 2);
  const graded = balance(await loadVideo(file.path));
  const ungraded = balance(await loadVideo(plainFile.path));
  expect(graded).toBeGreaterThan(ungraded + 5);
});

function channelMean(f: Frames, channel: number): number {
  let sum = 0;
  for (let i = channel; i < f.data.length; i += 3) sum += f.data[i] as number;
  return sum / (f.data.length / 3);
}
