import { describe, expect, it } from 'vitest';
import { drawI420, i420Size } from '../src/yuv';

/** BT.601 limited range, exactly. */
const bt601 = ([r, g, b]: number[]) => [
  16 + (65.481 * (r ?? 0) + 128.553 * (g ?? 0) + 24.966 * (b ?? 0)) / 255,
  128 + (-37.797 * (r ?? 0) - 74.203 * (g ?? 0) + 112 * (b ?? 0)) / 255,
  128 + (112 * (r ?? 0) - 93.786 * (g ?? 0) - 18.214 * (b ?? 0)) / 255,
];

const flat = (w: number, h: number, rgb: number[]) => {
  const data = new Uint8Array(w * h * 3);
  for (let i = 0; i < w * h; i++) data.set(rgb, i * 3);
  return { width: w, height: h, count: 1, batch: 1, data };
};

describe('drawI420', () => {
  it.each([
    [255, 0, 0],
    [0, 255, 0],
    [0, 0, 255],
    [255, 255, 255],
    [0, 0, 0],
    [128, 64, 200],
  ])('codes flat rgb(%i, %i, %i) as BT.601 limited range', (...rgb) => {
    const out = new Uint8Array(i420Size(4, 4));
    drawI420(flat(4, 4, rgb), 0, out, 4, 4);
    const [y, u, v] = bt601(rgb);
    expect(Math.abs((out[0] as number) - (y as number))).toBeLessThanOrEqual(1);
    expect(Math.abs((out[16] as number) - (u as number))).toBeLessThanOrEqual(1);
    expect(Math.abs((out[20] as number) - (v as number))).toBeLessThanOrEqual(1);
  });

  it('takes chroma from the mean of each 2×2 block and repeats the edge into padding', () => {
    // 3×1 frame: red, blue, green; padded to 4×2
    const f = {
      width: 3,
      height: 1,
      count: 1,
      batch: 1,
      data: Uint8Array.from([255, 0, 0, 0, 0, 255, 0, 255, 0]),
    };
    const out = new Uint8Array(i420Size(4, 2));
    drawI420(f, 0, out, 4, 2);
    const luma = [
      [255, 0, 0],
      [0, 0, 255],
      [0, 255, 0],
      [0, 255, 0],
    ].map((c) => Math.round(bt601(c)[0] as number));
    const row0 = Array.from(out.subarray(0, 4));
    // column 3 repeats column 2
    for (const [i, v] of row0.entries()) expect(Math.abs(v - (luma[i] as number))).toBeLessThanOrEqual(1);
    expect(Array.from(out.subarray(4, 8))).toEqual(row0); // row 1 repeats row 0
    const [, u0, v0] = bt601([127.5, 0, 127.5]); // mean of red, blue (twice each)
    expect(Math.abs((out[8] as number) - (u0 as number))).toBeLessThanOrEqual(1);
    expect(Math.abs((out[10] as number) - (v0 as number))).toBeLessThanOrEqual(1);
  });
});
