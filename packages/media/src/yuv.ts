/**
 * RGB → I420 (BT.601, limited range: what H.264 players assume when the stream says nothing), done here
 * because the encoder library's own RGBA conversion cost about as much as coding the frames.
 */
import type { Frames } from './frames';

/** Bytes of one I420 frame of `width`×`height` (both even). */
export const i420Size = (width: number, height: number) => width * height * 1.5;

// BT.601 limited-range coefficients in 16.16 fixed point (e.g. 65.481 / 255 · 65536 ≈ 16829).
const YR = 16829;
const YG = 33039;
const YB = 6416;
const UR = -9714;
const UG = -19070;
const UB = 28784;
const VG = -24103;
const VB = -4681;
const Y0 = (16 << 16) + 32768;
// chroma works on the sum of four pixels, hence 2 more bits of shift
const C0 = (128 << 18) + (1 << 17);

/**
 * Frame `t` of clip 0 of `f` into `out` as I420 at `width`×`height` (even, ≥ the clip's size; extra
 * columns and rows repeat the edge). Chroma is taken from the mean RGB of each 2×2 block.
 */
export function drawI420(f: Frames, t: number, out: Uint8Array, width: number, height: number): void {
  const { data } = f;
  const frame = t * f.width * f.height * 3;
  const cw = width >> 1;
  const uBase = width * height;
  const vBase = uBase + cw * (height >> 1);
  const lastX = f.width - 1;
  for (let y = 0; y < height; y += 2) {
    const row0 = frame + Math.min(y, f.height - 1) * f.width * 3;
    const row1 = frame + Math.min(y + 1, f.height - 1) * f.width * 3;
    for (let x = 0; x < width; x += 2) {
      const a = row0 + Math.min(x, lastX) * 3;
      const b = row0 + Math.min(x + 1, lastX) * 3;
      const c = row1 + Math.min(x, lastX) * 3;
      const d = row1 + Math.min(x + 1, lastX) * 3;
      const Ra = data[a] as number,
        Ga = data[a + 1] as number,
        Ba = data[a + 2] as number;
      const Rb = data[b] as number,
        Gb = data[b + 1] as number,
        Bb = data[b + 2] as number;
      const Rc = data[c] as number,
        Gc = data[c + 1] as number,
        Bc = data[c + 2] as number;
      const Rd = data[d] as number,
        Gd = data[d + 1] as number,
        Bd = data[d + 2] as number;
      const o = y * width + x;
      out[o] = (YR * Ra + YG * Ga + YB * Ba + Y0) >> 16;
      out[o + 1] = (YR * Rb + YG * Gb + YB * Bb + Y0) >> 16;
      out[o + width] = (YR * Rc + YG * Gc + YB * Bc + Y0) >> 16;
      out[o + width + 1] = (YR * Rd + YG * Gd + YB * Bd + Y0) >> 16;
      const r = Ra + Rb + Rc + Rd;
      const g = Ga + Gb + Gc + Gd;
      const bl = Ba + Bb + Bc + Bd;
      const ci = (y >> 1) * cw + (x >> 1);
      out[uBase + ci] = (UR * r + UG * g + UB * bl + C0) >> 18;
      out[vBase + ci] = (UB * r + VG * g + VB * bl + C0) >> 18;
    }
  }
}
