import { type Frames, frameBytes } from './frames';
import { sharp } from './sharp';

/** Where a visible mark sits in the frame. */
export const MARK_POSITIONS = ['bottom-right', 'bottom-left', 'top-right', 'top-left', 'center'] as const;
export type MarkPosition = (typeof MARK_POSITIONS)[number];

/** A visible mark drawn on every frame: a text, or an image file (PNG/WebP/… with alpha). */
export interface MarkSpec {
  text?: string;
  /** Absolute path of an image to draw instead of a text. */
  image?: string;
  position: MarkPosition;
  /** Height of the mark as a fraction of the frame height (0.01–1). */
  size: number;
  /** 0 (invisible) … 1 (opaque). */
  opacity: number;
  /** Distance from the frame's edges as a fraction of its smaller side (0–0.5). */
  margin: number;
}

export const DEFAULT_MARK: MarkSpec = {
  text: 'AI-generated',
  position: 'bottom-right',
  size: 0.12,
  opacity: 0.8,
  margin: 0.03,
};

/** A mark rendered for one frame size: straight-alpha RGBA and where it goes. */
export interface RenderedMark {
  rgba: Uint8Array;
  width: number;
  height: number;
  x: number;
  y: number;
  opacity: number;
}

const escapeMarkup = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Text marks sit on a translucent dark plate so they read on any picture. */
const PLATE_ALPHA = 0.45;

export async function renderMark(
  spec: MarkSpec,
  frameWidth: number,
  frameHeight: number,
): Promise<RenderedMark> {
  if (!spec.text && !spec.image) throw new Error('a mark needs a text or an image');
  const targetH = Math.max(1, Math.round(Math.min(1, Math.max(0.01, spec.size)) * frameHeight));
  const maxW = frameWidth;
  let source: ReturnType<typeof sharp>;
  if (spec.image) source = sharp(spec.image).ensureAlpha();
  else {
    const text = `<span foreground="white">${escapeMarkup(spec.text as string)}</span>`;
    // rendered large, then scaled to the mark's height (Pango's autofit is slow and coarse at a few pixels)
    const create = { text: { text, font: 'sans bold 64', rgba: true, dpi: 72 } };
    source = sharp(create as unknown as Parameters<typeof sharp>[0]); // the wrapper's type keeps one overload
  }
  const { data, info } = await source
    .resize({ height: targetH, width: maxW, fit: 'inside', kernel: 'lanczos3' })
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  let rgba = new Uint8Array(data.buffer, data.byteOffset, data.length);
  let { width, height } = info;
  if (!spec.image) {
    // pad by a fifth of the height and lay the text over the plate
    const pad = Math.max(1, Math.round(height / 5));
    const w = Math.min(frameWidth, width + 2 * pad);
    const h = Math.min(frameHeight, height + 2 * pad);
    const plate = new Uint8Array(w * h * 4);
    for (let i = 0; i < w * h; i++) plate[i * 4 + 3] = Math.round(PLATE_ALPHA * 255);
    for (let y = 0; y < height && y + pad < h; y++) {
      for (let x = 0; x < width && x + pad < w; x++) {
        const s = (y * width + x) * 4;
        const d = ((y + pad) * w + x + pad) * 4;
        const a = (rgba[s + 3] as number) / 255;
        const pa = (plate[d + 3] as number) / 255;
        const outA = a + pa * (1 - a);
        for (let c = 0; c < 3; c++) plate[d + c] = Math.round(((rgba[s + c] as number) * a) / (outA || 1));
        plate[d + 3] = Math.round(outA * 255);
      }
    }
    rgba = plate;
    width = w;
    height = h;
  }
  const margin = Math.round(Math.min(0.5, Math.max(0, spec.margin)) * Math.min(frameWidth, frameHeight));
  const left = margin;
  const right = Math.max(0, frameWidth - width - margin);
  const top = margin;
  const bottom = Math.max(0, frameHeight - height - margin);
  const [x, y] = {
    'top-left': [left, top],
    'top-right': [right, top],
    'bottom-left': [left, bottom],
    'bottom-right': [right, bottom],
    center: [Math.round((frameWidth - width) / 2), Math.round((frameHeight - height) / 2)],
  }[spec.position];
  return {
    rgba,
    width,
    height,
    x: Math.max(0, x as number),
    y: Math.max(0, y as number),
    opacity: spec.opacity,
  };
}

/** New frames with the mark blended onto every frame of every clip (the input is not changed). */
export function blendMark(f: Frames, m: RenderedMark): Frames {
  const data = new Uint8Array(f.data);
  const opacity = Math.min(1, Math.max(0, m.opacity));
  const w = Math.min(m.width, f.width - m.x);
  const h = Math.min(m.height, f.height - m.y);
  const per = frameBytes(f);
  for (let k = 0; k < f.count * f.batch; k++) {
    const base = k * per;
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const s = (y * m.width + x) * 4;
        const a = ((m.rgba[s + 3] as number) / 255) * opacity;
        if (a === 0) continue;
        const d = base + ((y + m.y) * f.width + x + m.x) * 3;
        for (let c = 0; c < 3; c++)
          data[d + c] = Math.round((data[d + c] as number) * (1 - a) + (m.rgba[s + c] as number) * a);
      }
    }
  }
  return { ...f, data };
}

export async function applyMark(f: Frames, spec: MarkSpec): Promise<Frames> {
  return blendMark(f, await renderMark(spec, f.width, f.height));
}
