import { defineNode, input } from '@reelgraph/sdk';
import { frameImage, mapFrames, parseColor, stillPreview } from './frames';
import './types';

const POSITIONS = ['bottom', 'top', 'center'] as const;
export type TextPosition = (typeof POSITIONS)[number];

export interface OverlayStyle {
  size: number;
  position: TextPosition;
  color: string;
  outline: boolean;
  box: boolean;
  opacity: number;
}

function escapeXml(s: string): string {
  return s.replace(
    /[<>&'"]/g,
    (c) => `&${{ '<': 'lt', '>': 'gt', '&': 'amp', "'": 'apos', '"': 'quot' }[c]};`,
  );
}

/** The overlay for a `width`×`height` frame as SVG (librsvg draws it inside sharp). */
export function overlaySvg(text: string, width: number, height: number, style: OverlayStyle): string {
  const lines = text.split(/\r?\n/);
  const size = style.size > 0 ? style.size : Math.max(6, Math.round(height / 8));
  const lineHeight = Math.round(size * 1.2);
  const block = lineHeight * lines.length;
  const margin = Math.round(size * 0.4);
  const top =
    style.position === 'top'
      ? margin
      : style.position === 'center'
        ? Math.round((height - block) / 2)
        : height - margin - block;
  const [r, g, b] = parseColor(style.color, 'color');
  const fill = `rgb(${r},${g},${b})`;
  const stroke = style.outline
    ? ` stroke="black" stroke-width="${Math.max(1, size / 8).toFixed(1)}" paint-order="stroke" stroke-linejoin="round"`
    : '';
  const tspans = lines
    .map(
      (line, i) =>
        `<tspan x="50%" y="${top + i * lineHeight + Math.round(size * 0.95)}">${escapeXml(line)}</tspan>`,
    )
    .join('');
  const box = style.box
    ? `<rect x="0" y="${Math.max(0, top - Math.round(margin / 2))}" width="${width}" height="${block + margin}" fill="black" fill-opacity="0.5"/>`
    : '';
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">` +
    `<g opacity="${style.opacity}">${box}` +
    `<text font-family="DejaVu Sans, Liberation Sans, Arial, sans-serif" font-weight="bold" font-size="${size}" ` +
    `text-anchor="middle" fill="${fill}"${stroke}>${tspans}</text></g></svg>`
  );
}

export const TextOverlay = defineNode({
  type: 'grade.text',
  title: 'Text overlay',
  category: 'video/finishing',
  description:
    'Draw a title, caption or watermark over the frames (SVG text composited with sharp), on every frame ' +
    'or only from a start frame to an end frame.',
  inputs: {
    images: input.socket('IMAGE', { tooltip: 'Frames to draw on (every clip of a batch)' }),
    text: input.string({
      default: 'Reelgraph',
      multiline: true,
      tooltip: 'The text; new lines start new lines',
    }),
    position: input.combo(POSITIONS, { tooltip: 'Where the text sits' }),
    size: input.int({
      default: 0,
      min: 0,
      max: 512,
      tooltip: 'Font size in pixels; 0 picks one eighth of the frame height',
    }),
    color: input.string({ default: '#ffffff', tooltip: 'Text colour, e.g. #ffffff' }),
    outline: input.boolean({
      default: true,
      tooltip: 'A dark outline keeps the text readable on bright frames',
    }),
    box: input.boolean({ default: false, tooltip: 'A translucent dark band behind the text' }),
    opacity: input.float({ default: 1, min: 0, max: 1, step: 0.01, slider: true, tooltip: 'Text opacity' }),
    start_frame: input.int({ default: 0, min: 0, max: 100_000, tooltip: 'First frame that shows the text' }),
    end_frame: input.int({
      default: -1,
      min: -1,
      max: 100_000,
      tooltip: 'Last frame that shows the text; -1 is the end of the clip',
    }),
  },
  outputs: { images: { type: 'IMAGE', tooltip: 'The frames with the text drawn on' } },
  run: async ({ images, text, start_frame, end_frame, ...style }, ctx) => {
    if (text.trim() === '' || style.opacity === 0) return { images };
    const svg = Buffer.from(overlaySvg(text, images.width, images.height, style));
    const last = end_frame < 0 ? images.count - 1 : end_frame;
    const out = await mapFrames(images, ctx, (i) => {
      const frame = i % images.count;
      if (frame < start_frame || frame > last) return null;
      return frameImage(images, i).composite([{ input: svg, top: 0, left: 0 }]);
    });
    ctx.preview(await stillPreview(out, Math.min(images.count - 1, start_frame)));
    return { images: out };
  },
});
