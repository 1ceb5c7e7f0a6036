import { defineNode, input } from '@reelgraph/sdk';
import { frameImage, mapFrames, parseColor, stillPreview } from './frames';
import './types';

export interface GradeSettings {
  brightness: number;
  contrast: number;
  saturation: number;
  hue: number;
  tint: string;
  tint_strength: number;
}

/**
 * The per-channel linear step (contrast around mid-grey, then a multiplicative tint) as sharp's
 * `linear(a, b)` arguments: out = in · a + b.
 */
export function linearTerms(s: Pick<GradeSettings, 'contrast' | 'tint' | 'tint_strength'>) {
  const tint = parseColor(s.tint, 'tint');
  const a: number[] = [];
  const b: number[] = [];
  for (const c of tint) {
    const t = 1 - s.tint_strength + (s.tint_strength * c) / 255;
    a.push(s.contrast * t);
    b.push(128 * (1 - s.contrast) * t);
  }
  return { a, b };
}

export function isIdentity(s: GradeSettings): boolean {
  return (
    s.brightness === 1 &&
    s.contrast === 1 &&
    s.saturation === 1 &&
    s.hue === 0 &&
    (s.tint_strength === 0 || parseColor(s.tint, 'tint').every((c) => c === 255))
  );
}

export const ColorGrade = defineNode({
  type: 'grade.color',
  title: 'Colour grade',
  category: 'video/finishing',
  description:
    'Grade every frame with sharp: brightness, saturation and hue (in a perceptual colour space), then contrast ' +
    'around mid-grey and a colour tint. The defaults change nothing.',
  inputs: {
    images: input.socket('IMAGE', { tooltip: 'Frames to grade (every clip of a batch)' }),
    brightness: input.float({
      default: 1,
      min: 0,
      max: 4,
      step: 0.01,
      slider: true,
      tooltip: 'Multiplies lightness: 1 keeps it, 1.2 is 20% brighter',
    }),
    contrast: input.float({
      default: 1,
      min: 0,
      max: 4,
      step: 0.01,
      slider: true,
      tooltip: 'Stretches values away from mid-grey: 1 keeps them, 0 is flat grey',
    }),
    saturation: input.float({
      default: 1,
      min: 0,
      max: 4,
      step: 0.01,
      slider: true,
      tooltip: 'Multiplies colourfulness: 0 is black and white',
    }),
    hue: input.int({ default: 0, min: -180, max: 180, tooltip: 'Rotates hues by this many degrees' }),
    tint: input.string({
      default: '#ffffff',
      tooltip: 'Colour to tint towards, e.g. #ffb070 for a warm look',
    }),
    tint_strength: input.float({
      default: 0,
      min: 0,
      max: 1,
      step: 0.01,
      slider: true,
      tooltip: 'How much of the tint to apply: 0 none, 1 full (multiplies each channel by the tint)',
    }),
  },
  outputs: { images: { type: 'IMAGE', tooltip: 'The graded frames, same size and count' } },
  run: async ({ images, ...settings }, ctx) => {
    if (isIdentity(settings)) return { images };
    const { a, b } = linearTerms(settings);
    const modulate = settings.brightness !== 1 || settings.saturation !== 1 || settings.hue !== 0;
    const graded = await mapFrames(images, ctx, (i) => {
      let img = frameImage(images, i);
      if (modulate)
        img = img.modulate({
          brightness: settings.brightness,
          saturation: settings.saturation,
          hue: settings.hue,
        });
      return img.linear(a, b);
    });
    ctx.preview(await stillPreview(graded, Math.floor(graded.count / 2)));
    return { images: graded };
  },
});
