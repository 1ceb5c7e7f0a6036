export { type Analysis, analyzeClip } from './analyze';
export {
  type Clip,
  type ClipSpec,
  caption,
  clipSpec,
  clipToTensor,
  FPS,
  FRAMES,
  frameGeometry,
  generateClip,
  renderClip,
  SIZE,
  tensorToClip,
} from './generate';
export { mulberry32 } from './prng';
export { DEFAULT_TOKENIZER, detokenize, type TokenizerSpec, tokenize } from './tokenize';
export * from './vocab';
