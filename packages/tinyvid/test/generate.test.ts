import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  caption,
  clipSpec,
  clipToTensor,
  generateClip,
  PALETTE,
  renderClip,
  tensorToClip,
  tokenize,
} from '../src';

interface Golden {
  clips: {
    seed: number;
    caption: string;
    ids: number[];
    params: Record<string, number>;
    sha256: string;
    objectPixels: number[];
  }[];
}
const golden = JSON.parse(readFileSync(new URL('./fixtures/golden.json', import.meta.url), 'utf8')) as Golden;
const COLOURS = ['red', 'green', 'blue', 'yellow', 'orange', 'purple', 'white', 'black'];
const SHAPES = ['circle', 'square', 'triangle', 'diamond'];
const MOTIONS = ['left', 'right', 'up', 'down', 'grows', 'shrinks'];

describe('generator (bit-identical with training/tinydata.py)', () => {
  it.each(golden.clips.map((c) => [c.seed, c] as const))(
    'seed %i matches the Python golden clip',
    (seed, g) => {
      const spec = clipSpec(seed);
      expect(caption(spec)).toBe(g.caption);
      expect([spec.r0, spec.r1, spec.x0, spec.y0, spec.dx, spec.dy]).toEqual([
        g.params.r0,
        g.params.r1,
        g.params.x0,
        g.params.y0,
        g.params.dx,
        g.params.dy,
      ]);
      expect(COLOURS.indexOf(spec.colour)).toBe(g.params.colour);
      expect(SHAPES.indexOf(spec.shape)).toBe(g.params.shape);
      expect(MOTIONS.indexOf(spec.motion)).toBe(g.params.motion);
      expect(COLOURS.indexOf(spec.background)).toBe(g.params.background);
      const clip = renderClip(spec);
      expect(createHash('sha256').update(clip.data).digest('hex')).toBe(g.sha256);
      expect(tokenize(g.caption)).toEqual(g.ids);
    },
  );

  it('is deterministic, keeps the object inside the frame and never uses the object colour as background', () => {
    for (let seed = 0; seed < 300; seed++) {
      const a = generateClip(seed);
      expect(Buffer.from(generateClip(seed).clip.data).equals(Buffer.from(a.clip.data))).toBe(true);
      expect(a.spec.background).not.toBe(a.spec.colour);
      const bg = PALETTE[COLOURS.indexOf(a.spec.background)] ?? [];
      const { data } = a.clip;
      let borderObject = 0;
      for (let t = 0; t < 17; t++) {
        for (let i = 0; i < 64; i++) {
          for (const [x, y] of [
            [i, 0],
            [i, 63],
            [0, i],
            [63, i],
          ] as const) {
            const o = ((t * 64 + y) * 64 + x) * 3;
            if (data[o] !== bg[0] || data[o + 1] !== bg[1] || data[o + 2] !== bg[2]) borderObject++;
          }
        }
      }
      expect(borderObject).toBe(0);
    }
  });

  it('round-trips frames through the [-1, 1] tensor layout', () => {
    const { clip } = generateClip(5);
    expect(
      Buffer.from(tensorToClip(clipToTensor(clip), clip.frames).data).equals(Buffer.from(clip.data)),
    ).toBe(true);
  });
});
