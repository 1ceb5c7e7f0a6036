/**
 * The shipped tiny model end to end through the graph: determinism, prompt following (scored by the
 * tinyvid analyzer) and image-to-video. Skipped until models/tiny is present.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Frames } from '@reelgraph/media';
import { loadImage, psnr } from '@reelgraph/media';
import { analyzeClip, caption, clipSpec } from '@reelgraph/tinyvid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failures, files, type Host, makeHost, preset, REPO, TINY, withInputs } from './harness';

const present = existsSync(join(TINY, 'model.json'));
const PROMPTS = 12;
/**
 * Minimum hits out of PROMPTS, set a little under what the shipped model does through the graph
 * (step 13,295, CFG 3: background 12, colour 11, motion 12, shape 4; chance is about 2, 2, 2 and 3).
 * Shape is not asserted: through the graph it reads 23 of the first 40 eval prompts (58 %), too close
 * to a coin flip for 12 prompts to pin down.
 */
const BAR = { background: 11, colour: 10, motion: 8 };
let host: Host;
beforeAll(async () => {
  if (present) host = await makeHost([join(REPO, 'models')]);
});
afterAll(() => host?.close());

/** Runs a preset up to its decode node and returns the decoded frames (no codec in between). */
async function frames(doc: ReturnType<typeof preset>, h = host): Promise<Frames> {
  const r = await h.executor.run(doc, { targets: ['decode'], services: { graph: doc } });
  expect(r.status, failures(r)).toBe('success');
  return r.outputs.decode?.images as Frames;
}

const asClip = (f: Frames) => ({ frames: f.count, width: f.width, height: f.height, data: f.data });

describe.skipIf(!present)('tiny model through the graph', () => {
  it('gives byte-identical frames for the same seed, in a fresh runtime too, and different frames for another seed', async () => {
    const doc = preset('text-to-video');
    const a = await frames(doc);
    const fresh = host.fresh();
    try {
      const b = await frames(doc, fresh);
      expect(Buffer.from(b.data).equals(Buffer.from(a.data))).toBe(true);
    } finally {
      await fresh.runtime.dispose();
    }
    const c = await frames(withInputs(doc, { 'noise.seed': 43 }));
    expect(Buffer.from(c.data).equals(Buffer.from(a.data))).toBe(false);
  });

  it('follows prompts: the analyzer reads the prompt back from the frames', async () => {
    // Held-out captions (the model's eval seeds, never trained on), each through the whole preset graph.
    const prompts = Array.from({ length: PROMPTS }, (_, i) => clipSpec(3_000_000_000 + i));
    const hits = { background: 0, colour: 0, motion: 0, shape: 0 };
    const seen: string[] = [];
    for (const spec of prompts) {
      const text = caption(spec);
      const a = analyzeClip(
        asClip(await frames(withInputs(preset('text-to-video'), { 'prompt.text': text }))),
      );
      seen.push(`${text} → ${a.colour} ${a.shape} ${a.motion} on ${a.background}`);
      hits.background += Number(a.background === spec.background);
      hits.colour += Number(a.colour === spec.colour);
      hits.motion += Number(a.motion === spec.motion);
      hits.shape += Number(a.shape === spec.shape);
    }
    const report = `prompt following over ${PROMPTS} prompts: ${JSON.stringify(hits)}\n${seen.join('\n')}`;
    console.log(report);
    // What the shipped model reliably does (chance: background 1/7, colour 1/8, motion 1/6, shape 1/4).
    expect(hits.background, report).toBeGreaterThanOrEqual(BAR.background);
    expect(hits.colour, report).toBeGreaterThanOrEqual(BAR.colour);
    expect(hits.motion, report).toBeGreaterThanOrEqual(BAR.motion);
  });

  it('image-to-video opens on its input image', async () => {
    const doc = preset('image-to-video');
    const out = await frames(doc);
    const input = await loadImage(readFileSync(join(REPO, 'graphs/assets/start.png')));
    const first = out.data.subarray(0, 64 * 64 * 3);
    const db = psnr(first, input.data);
    console.log(`image-to-video first frame PSNR ${db.toFixed(1)} dB`);
    expect(db).toBeGreaterThan(22);
    const a = analyzeClip(asClip(out));
    console.log(`image-to-video analysis: ${JSON.stringify(a)}`);
    expect(a.background).toBe('purple');
    expect(a.colour).toBe('yellow');
    expect(a.motion).toBe('right'); // the prompt: a yellow square moves right on a purple background
  });

  it('writes the text-to-video preset as MP4', async () => {
    const r = await host.run(preset('text-to-video'));
    expect(r.status, failures(r)).toBe('success');
    expect(files(r)[0]).toMatch(/\.mp4$/);
  });
});
