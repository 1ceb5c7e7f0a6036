// Procedural captioned clips, bit-identical with training/tinydata.py: same PRNG, same float64
// operations in the same order, no transcendental functions (libm results may differ across runtimes).
import { mulberry32 } from './prng';
import { COLOURS, type Colour, MOTIONS, type Motion, PALETTE, SHAPES, type Shape } from './vocab';

export const FRAMES = 17;
export const SIZE = 64;
export const FPS = 8;

const MOVE_R = [9, 5] as const; // radius = 9 + u*5 -> [9, 14)
const MOVE_SPEED = [1, 0.6] as const; // px/frame = 1 + u*0.6
const GROW_R = [7, 2.5] as const; // small radius = 7 + u*2.5, large = small*1.6
const GROW_RATIO = 1.6;
const EXTENT = 1.3; // farthest shape point from the centre, in radii (triangle apex)
const SQUARE_HALF = 0.85; // half-side of the square, in radii
const DIAMOND_HALF = 1.2; // half-diagonal of the diamond, in radii
const SQRT3 = 1.7320508075688772;

export interface ClipSpec {
  seed: number;
  colour: Colour;
  shape: Shape;
  motion: Motion;
  background: Colour;
  /** Radius at the first and last frame (px). */
  r0: number;
  r1: number;
  /** Centre at frame 0 and velocity (px/frame). */
  x0: number;
  y0: number;
  dx: number;
  dy: number;
}

/** RGB frames, frame-major, each frame row-major HWC: data.length = frames*height*width*3. */
export interface Clip {
  frames: number;
  width: number;
  height: number;
  data: Uint8Array;
}

function pick<T>(list: readonly T[], i: number): T {
  const v = list[i];
  if (v === undefined) throw new RangeError(`index ${i} out of range`);
  return v;
}

export function clipSpec(seed: number): ClipSpec {
  const r = mulberry32(seed);
  const colour = Math.floor(r() * 8);
  const shape = Math.floor(r() * 4);
  const motion = Math.floor(r() * 6);
  const bgi = Math.floor(r() * 7);
  const background = bgi >= colour ? bgi + 1 : bgi;
  const uSize = r();
  const uSpeed = r();
  const uX = r();
  const uY = r();
  const base = {
    seed,
    colour: pick(COLOURS, colour),
    shape: pick(SHAPES, shape),
    motion: pick(MOTIONS, motion),
    background: pick(COLOURS, background),
  };
  if (motion < 4) {
    const radius = MOVE_R[0] + uSize * MOVE_R[1];
    const speed = MOVE_SPEED[0] + uSpeed * MOVE_SPEED[1];
    const dist = speed * (FRAMES - 1);
    const m = radius * EXTENT + 1.0;
    const dx = pick([-1.0, 1.0, 0.0, 0.0], motion);
    const dy = pick([0.0, 0.0, -1.0, 1.0], motion);
    const spanX = SIZE - 2.0 * m - (dx !== 0 ? dist : 0.0);
    const spanY = SIZE - 2.0 * m - (dy !== 0 ? dist : 0.0);
    const x0 = m + (dx < 0 ? dist : 0.0) + uX * spanX;
    const y0 = m + (dy < 0 ? dist : 0.0) + uY * spanY;
    return { ...base, r0: radius, r1: radius, x0, y0, dx: dx * speed, dy: dy * speed };
  }
  const small = GROW_R[0] + uSize * GROW_R[1];
  const large = small * GROW_RATIO;
  const m = large * EXTENT + 1.0;
  const x0 = m + uX * (SIZE - 2.0 * m);
  const y0 = m + uY * (SIZE - 2.0 * m);
  const [r0, r1] = motion === 4 ? [small, large] : [large, small];
  return { ...base, r0, r1, x0, y0, dx: 0, dy: 0 };
}

export function caption(spec: ClipSpec): string {
  const { colour, shape, motion, background } = spec;
  if (motion === 'grows' || motion === 'shrinks')
    return `a ${colour} ${shape} ${motion} on a ${background} background`;
  return `a ${colour} ${shape} moves ${motion} on a ${background} background`;
}

/** Centre and radius of the object at frame t. */
export function frameGeometry(spec: ClipSpec, t: number): { cx: number; cy: number; radius: number } {
  return {
    cx: spec.x0 + spec.dx * t,
    cy: spec.y0 + spec.dy * t,
    radius: spec.r0 + ((spec.r1 - spec.r0) * t) / (FRAMES - 1),
  };
}

/** Area of a shape of `radius` in px² (its centroid is its centre: the triangle is equilateral). */
export function shapeArea(shape: Shape, radius: number): number {
  const r2 = radius * radius;
  switch (shape) {
    case 'circle':
      return Math.PI * r2;
    case 'square':
      return (2 * SQUARE_HALF) ** 2 * r2;
    case 'triangle':
      return ((3 * SQRT3) / 4) * EXTENT ** 2 * r2;
    case 'diamond':
      return 2 * DIAMOND_HALF ** 2 * r2;
  }
}

export function inside(shape: Shape, dx: number, dy: number, radius: number): boolean {
  // dx is |px - cx| (already absolute), dy is py - cy (signed: the triangle points up)
  switch (shape) {
    case 'circle':
      return dx * dx + dy * dy <= radius * radius;
    case 'square': {
      const h = radius * SQUARE_HALF;
      return dx <= h && Math.abs(dy) <= h;
    }
    case 'triangle': {
      const big = radius * EXTENT;
      return dy <= big * 0.5 && dx * SQRT3 <= dy + big;
    }
    case 'diamond':
      return dx + Math.abs(dy) <= radius * DIAMOND_HALF;
  }
}

/** Renders the clip as uint8 RGB frames (default 17 frames of 64x64). */
export function renderClip(spec: ClipSpec, frames = FRAMES): Clip {
  const data = new Uint8Array(frames * SIZE * SIZE * 3);
  const bg = PALETTE[COLOURS.indexOf(spec.background)] ?? [0, 0, 0];
  const fg = PALETTE[COLOURS.indexOf(spec.colour)] ?? [0, 0, 0];
  for (let t = 0; t < frames; t++) {
    const { cx, cy, radius } = frameGeometry(spec, t);
    for (let y = 0; y < SIZE; y++) {
      const dy = y + 0.5 - cy;
      for (let x = 0; x < SIZE; x++) {
        const dx = Math.abs(x + 0.5 - cx);
        const c = inside(spec.shape, dx, dy, radius) ? fg : bg;
        const o = ((t * SIZE + y) * SIZE + x) * 3;
        data[o] = c[0];
        data[o + 1] = c[1];
        data[o + 2] = c[2];
      }
    }
  }
  return { frames, width: SIZE, height: SIZE, data };
}

/** A captioned clip from a seed. */
export function generateClip(seed: number, frames = FRAMES): { spec: ClipSpec; caption: string; clip: Clip } {
  const spec = clipSpec(seed);
  return { spec, caption: caption(spec), clip: renderClip(spec, frames) };
}

/** uint8 HWC frames -> float32 [3, F, H, W] in [-1, 1] (the VAE's `video` layout for one batch row). */
export function clipToTensor(clip: Clip): Float32Array {
  const { frames, width, height, data } = clip;
  const plane = frames * width * height;
  const out = new Float32Array(3 * plane);
  for (let i = 0; i < plane; i++) {
    for (let c = 0; c < 3; c++) out[c * plane + i] = (data[i * 3 + c] ?? 0) / 127.5 - 1;
  }
  return out;
}

/** float32 [3, F, H, W] in [-1, 1] (clamped) -> uint8 HWC frames. */
export function tensorToClip(tensor: Float32Array, frames: number, width = SIZE, height = SIZE): Clip {
  const plane = frames * width * height;
  if (tensor.length < 3 * plane)
    throw new RangeError(`tensor has ${tensor.length} values, need ${3 * plane}`);
  const data = new Uint8Array(plane * 3);
  for (let i = 0; i < plane; i++) {
    for (let c = 0; c < 3; c++) {
      const v = Math.round(((tensor[c * plane + i] ?? 0) + 1) * 127.5);
      data[i * 3 + c] = v < 0 ? 0 : Math.min(v, 255);
    }
  }
  return { frames, width, height, data };
}
