/** A manifest as the editor and the validator need it: sizes, frame rule, text length, vocabulary. */
import type { ModelConstraints, SizeRule } from '@reelgraph/graph';
import { type ModelManifest, maxLatentFrames } from './manifest';

/** Largest side a model with free spatial axes is offered (the latent widget's own limit). */
const MAX_SIDE = 4096;

export function modelConstraints(m: ModelManifest): ModelConstraints {
  const s = m.latent.spatial_compression;
  // A DiT exported with fixed spatial axes (`[B, C, T, H, W]`) makes one size only.
  const dit = m.files.dit.inputs[0]?.shape ?? [];
  const side = (dim: unknown): SizeRule =>
    typeof dim === 'number'
      ? { multiple: s, min: dim * s, max: dim * s }
      : { multiple: s, min: s, max: MAX_SIDE };
  const maxT = maxLatentFrames(m);
  const tok = m.text.tokenizer;
  const special = new Set([tok.pad_id, tok.bos_id]);
  return {
    width: side(dit[4]),
    height: side(dit[3]),
    frames: {
      ...m.video.frame_rule,
      ...(maxT ? { max: m.latent.temporal_compression * (maxT - 1) + 1 } : {}),
    },
    text: {
      maxWords: m.text.max_length - 1, // after the start token
      lowercase: tok.lowercase,
      split: tok.split,
      vocab: tok.vocab.filter((_, i) => !special.has(i)),
    },
  };
}
