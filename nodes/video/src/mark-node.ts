import { applyMark, DEFAULT_MARK, type Frames, MARK_POSITIONS, type MarkSpec } from '@reelgraph/media';
import { defineNode, input } from '@reelgraph/sdk';
import { resolveInputFile } from './util';

declare module '@reelgraph/sdk' {
  interface NodeServices {
    /** A mark the host forces on every saved output (`serve --force-mark`). */
    mark?: MarkSpec;
  }
}

/** Marked frames per source frames and mark, so a re-run (new fps, say) reuses them and their encode. */
const marked = new WeakMap<Frames, Map<string, Promise<Frames>>>();

export function markFrames(images: Frames, spec: MarkSpec): Promise<Frames> {
  const key = JSON.stringify(spec);
  const perSource = marked.get(images) ?? new Map<string, Promise<Frames>>();
  marked.set(images, perSource);
  let out = perSource.get(key);
  if (!out) {
    out = applyMark(images, spec);
    perSource.set(key, out);
    out.catch(() => perSource.delete(key));
  }
  return out;
}

export const VisibleMark = defineNode({
  type: 'video.mark',
  title: 'Visible mark',
  category: 'video/frames',
  description:
    'Draw a text or an image on every frame (e.g. "AI-generated" or a logo): place it before Save video, after decoding.',
  inputs: {
    images: input.socket('IMAGE', { tooltip: 'Frames to mark' }),
    text: input.string({
      default: DEFAULT_MARK.text,
      tooltip: 'The text to draw (ignored when an image is given)',
    }),
    image: input.string({
      default: '',
      tooltip: 'Optional image to draw instead (PNG/WebP with transparency): an upload, or a path headless',
    }),
    position: input.combo(MARK_POSITIONS, { tooltip: 'Where the mark sits' }),
    size: input.float({
      default: DEFAULT_MARK.size,
      min: 0.01,
      max: 1,
      step: 0.01,
      tooltip: 'Height of the mark as a fraction of the frame height',
    }),
    opacity: input.float({
      default: DEFAULT_MARK.opacity,
      min: 0,
      max: 1,
      step: 0.05,
      tooltip: '0 invisible … 1 opaque',
    }),
    margin: input.float({
      default: DEFAULT_MARK.margin,
      min: 0,
      max: 0.5,
      step: 0.01,
      tooltip: 'Distance from the edges as a fraction of the smaller side',
    }),
  },
  outputs: { images: { type: 'IMAGE', tooltip: 'The marked frames' } },
  run: async ({ images, text, image, position, size, opacity, margin }, ctx) => {
    if (!text && !image) throw new Error('give the mark a text or an image');
    const spec: MarkSpec = {
      ...(image ? { image: resolveInputFile(image, ctx) } : { text }),
      position,
      size,
      opacity,
      margin,
    };
    return { images: await markFrames(images, spec) };
  },
});

/** The save node's frames: its own `mark` text (default look), then the host's forced mark. */
export async function markedForSave(
  images: Frames,
  text: string,
  forced: MarkSpec | undefined,
): Promise<Frames> {
  let out = images;
  if (text) out = await markFrames(out, { ...DEFAULT_MARK, text });
  if (forced) out = await markFrames(out, forced);
  return out;
}
