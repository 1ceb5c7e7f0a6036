// Pixel-statistics analyser: reads background colour, object colour, shape kind and motion from frames.
// It is the automatic prompt-following metric of the tiny model (mirrored in training/analyze.py).
import type { Clip } from './generate';
import { COLOURS, type Colour, MOTIONS, type Motion, PALETTE, type Shape } from './vocab';

/** RGB distance (0..255 units) from the background beyond which a pixel belongs to the object. */
const MASK_DIST = 60;
const MIN_AREA = 12;
/** Reference magnitudes: the smallest ground-truth displacement (px) and first/last-quarter area ratio. */
const REF_DISPLACEMENT = 13;
const REF_AREA_RATIO = 2.14;

export interface Analysis {
  background: Colour;
  /** null when no object pixels were found. */
  colour: Colour | null;
  shape: Shape | null;
  motion: Motion | null;
}

function nearestColour(rgb: readonly number[], exclude = -1): number {
  let best = 0;
  let bestD = Number.POSITIVE_INFINITY;
  PALETTE.forEach((p, i) => {
    if (i === exclude) return;
    const d = (p[0] - (rgb[0] ?? 0)) ** 2 + (p[1] - (rgb[1] ?? 0)) ** 2 + (p[2] - (rgb[2] ?? 0)) ** 2;
    if (d < bestD) {
      bestD = d;
      best = i;
    }
  });
  return best;
}

function median(values: number[]): number {
  if (values.length === 0) return 0;
  const s = Float64Array.from(values).sort();
  const mid = s.length >> 1;
  return s.length % 2 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
}

interface FrameStats {
  area: number;
  cx: number;
  cy: number;
  fill: number;
  offset: number;
}

function frameStats(mask: Uint8Array, width: number, height: number): FrameStats {
  let area = 0;
  let sx = 0;
  let sy = 0;
  let x0 = width;
  let x1 = -1;
  let y0 = height;
  let y1 = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (!mask[y * width + x]) continue;
      area++;
      sx += x;
      sy += y;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
    }
  }
  if (area === 0) return { area, cx: 0, cy: 0, fill: 0, offset: 0 };
  const bw = x1 + 1 - x0;
  const bh = y1 + 1 - y0;
  const cy = sy / area;
  return { area, cx: sx / area, cy, fill: area / (bw * bh), offset: (cy + 0.5 - (y0 + y1 + 1) / 2) / bh };
}

function classifyShape(fill: number, offset: number): Shape {
  if (fill > 0.9) return 'square';
  if (fill > 0.65) return 'circle';
  return offset > 0.08 ? 'triangle' : 'diamond'; // a triangle's centroid sits below its box centre
}

/** Analyses uint8 RGB frames (HWC per frame). */
export function analyzeClip(clip: Clip): Analysis {
  const { frames, width, height, data } = clip;
  const px = width * height;
  // background: per-channel median of the border pixels of every frame
  const border: number[][] = [[], [], []];
  for (let t = 0; t < frames; t++) {
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        if (y !== 0 && y !== height - 1 && x !== 0 && x !== width - 1) continue;
        const o = (t * px + y * width + x) * 3;
        for (let c = 0; c < 3; c++) border[c]?.push(data[o + c] ?? 0);
      }
    }
  }
  const bgRgb = border.map(median);
  const bgIndex = nearestColour(bgRgb);
  const background = COLOURS[bgIndex] ?? 'black';
  // object mask: pixels far from the background colour
  const masks: Uint8Array[] = [];
  const objR: number[] = [];
  const objG: number[] = [];
  const objB: number[] = [];
  const limit = MASK_DIST * MASK_DIST;
  for (let t = 0; t < frames; t++) {
    const mask = new Uint8Array(px);
    for (let i = 0; i < px; i++) {
      const o = (t * px + i) * 3;
      const r = data[o] ?? 0;
      const g = data[o + 1] ?? 0;
      const b = data[o + 2] ?? 0;
      const d = (r - (bgRgb[0] ?? 0)) ** 2 + (g - (bgRgb[1] ?? 0)) ** 2 + (b - (bgRgb[2] ?? 0)) ** 2;
      if (d > limit) {
        mask[i] = 1;
        objR.push(r);
        objG.push(g);
        objB.push(b);
      }
    }
    masks.push(mask);
  }
  if (objR.length < MIN_AREA) return { background, colour: null, shape: null, motion: null };
  const colour = COLOURS[nearestColour([median(objR), median(objG), median(objB)], bgIndex)] ?? null;
  const stats = masks.map((m) => frameStats(m, width, height));
  const usable = stats.filter((s) => s.area >= MIN_AREA);
  const shape = usable.length
    ? classifyShape(median(usable.map((s) => s.fill)), median(usable.map((s) => s.offset)))
    : null;
  // motion: centroid displacement and area ratio between the first and last quarter of the frames
  const k = Math.max(1, Math.floor(frames / 4));
  const summary = (part: FrameStats[]) => {
    const present = part.filter((s) => s.area > 0);
    const n = present.length || 1;
    return {
      cx: present.length ? present.reduce((a, s) => a + s.cx, 0) / n : width / 2,
      cy: present.length ? present.reduce((a, s) => a + s.cy, 0) / n : height / 2,
      area: Math.max(1, part.reduce((a, s) => a + s.area, 0) / part.length),
    };
  };
  const a = summary(stats.slice(0, k));
  const b = summary(stats.slice(frames - k));
  const dx = b.cx - a.cx;
  const dy = b.cy - a.cy;
  const disp = Math.max(Math.abs(dx), Math.abs(dy));
  const size = Math.abs(Math.log(b.area / a.area));
  let motion: Motion;
  if (size / Math.log(REF_AREA_RATIO) > disp / REF_DISPLACEMENT)
    motion = b.area > a.area ? 'grows' : 'shrinks';
  else if (Math.abs(dx) >= Math.abs(dy)) motion = dx < 0 ? 'left' : 'right';
  else motion = dy < 0 ? 'up' : 'down';
  return { background, colour, shape, motion: MOTIONS.includes(motion) ? motion : null };
}
