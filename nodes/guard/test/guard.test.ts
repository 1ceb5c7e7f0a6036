/** The example classifiers through the real pack loader and onnxruntime: real models, real scores. */
import { resolve } from 'node:path';
import { makeFrames } from '@reelgraph/media/frames';
import { loadPacks } from '@reelgraph/packs';
import { isClassifier } from '@reelgraph/sdk';
import { describe, expect, it } from 'vitest';
import { RedFrames, ScamText } from '../src/index';

const solid = (rgb: [number, number, number]) => {
  const f = makeFrames(16, 12, 4, 1, 8);
  for (let i = 0; i < f.data.length; i += 3) f.data.set(rgb, i);
  return f;
};

describe('guard pack', () => {
  it('loads as a pack whose two nodes are classifiers of the policy category', async () => {
    const r = await loadPacks({ dirs: [resolve(import.meta.dirname, '..')] });
    const nodes = r.nodes;
    for (const type of ['guard.scam-text', 'guard.red-frames']) {
      const def = nodes.get(type);
      expect(def && isClassifier(def), type).toBe(true);
      expect(def?.schema.category).toBe('policy');
    }
  }, 60_000);

  it('scores scam wording high and ordinary prompts (also with one such word) low', async () => {
    const s = (t: string) => ScamText.classifier.score(t, {});
    expect(await s('FREE crypto giveaway, click the link to claim your bitcoin prize')).toBeGreaterThan(0.9);
    expect(await s('a lottery winner jumps for joy')).toBeGreaterThan(0.5);
    expect(await s('a yellow square moves right on a purple background')).toBeLessThan(0.1);
    expect(await s('a dog wins a prize at the fair')).toBeLessThan(0.5);
  });

  it('scores an all-red clip high and grey or blue ones low', async () => {
    const s = (rgb: [number, number, number]) => RedFrames.classifier.score(solid(rgb), {});
    expect(await s([240, 10, 10])).toBeGreaterThan(0.9);
    expect(await s([128, 128, 128])).toBeLessThan(0.1);
    expect(await s([20, 40, 220])).toBeLessThan(0.01);
  });

  it('runs as a graph node too: score and flagged', async () => {
    const out = await ScamText.run({ text: 'crypto airdrop, guaranteed profit' }, {} as never);
    expect(out.flagged).toBe(true);
    expect(out.score).toBeGreaterThan(0.5);
  });
});
