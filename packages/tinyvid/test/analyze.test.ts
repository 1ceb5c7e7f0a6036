import { describe, expect, it } from 'vitest';
import { analyzeClip, detokenize, generateClip, SIZE, tokenize, VOCAB } from '../src';

describe('analyzer', () => {
  it('reads all four attributes of 600 held-out ground-truth clips correctly', () => {
    const misses: string[] = [];
    for (let i = 0; i < 600; i++) {
      const seed = 2_000_000_000 + i;
      const { spec, clip } = generateClip(seed);
      const a = analyzeClip(clip);
      for (const key of ['background', 'colour', 'shape', 'motion'] as const) {
        if (a[key] !== spec[key]) misses.push(`${seed} ${key}: ${a[key]} != ${spec[key]}`);
      }
    }
    expect(misses).toEqual([]);
  });

  it('reports no object on a blank clip', () => {
    const data = new Uint8Array(5 * SIZE * SIZE * 3).fill(20);
    const a = analyzeClip({ frames: 5, width: SIZE, height: SIZE, data });
    expect(a).toEqual({ background: 'black', colour: null, shape: null, motion: null });
  });
});

describe('tokenizer', () => {
  it('round-trips every training caption and pads to 16', () => {
    for (let seed = 0; seed < 200; seed++) {
      const { caption } = generateClip(seed, 1);
      const ids = tokenize(caption);
      expect(ids).toHaveLength(16);
      expect(ids[0]).toBe(1);
      expect(detokenize(ids)).toBe(caption);
    }
  });

  it('lower-cases, splits on punctuation and drops unknown words', () => {
    expect(detokenize(tokenize('A RED, circle (moves) LEFT!! on a fancy blue background.'))).toBe(
      'a red circle moves left on a blue background',
    );
    expect(tokenize('')).toEqual([1, ...new Array(15).fill(0)]);
    expect(VOCAB).toHaveLength(24);
  });
});
