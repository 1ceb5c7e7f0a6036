import { BOS_ID, PAD_ID, TEXT_LENGTH, VOCAB } from './vocab';

export interface TokenizerSpec {
  vocab: readonly string[];
  padId: number;
  bosId: number;
  length: number;
}

export const DEFAULT_TOKENIZER: TokenizerSpec = {
  vocab: VOCAB,
  padId: PAD_ID,
  bosId: BOS_ID,
  length: TEXT_LENGTH,
};

/** Word-level tokenizer of docs/model-manifest.md §5: lower-case, split on non-letters, drop unknown words. */
export function tokenize(text: string, spec: TokenizerSpec = DEFAULT_TOKENIZER): number[] {
  const index = new Map(spec.vocab.map((w, i) => [w, i] as const));
  const ids = [spec.bosId];
  for (const word of text.toLowerCase().split(/[^a-z]+/)) {
    const id = word ? index.get(word) : undefined;
    if (id !== undefined && id !== spec.padId && id !== spec.bosId) ids.push(id);
  }
  const out = ids.slice(0, spec.length);
  while (out.length < spec.length) out.push(spec.padId);
  return out;
}

/** Inverse of tokenize for known words (pads and <bos> are skipped). */
export function detokenize(ids: readonly number[], spec: TokenizerSpec = DEFAULT_TOKENIZER): string {
  return ids
    .filter((id) => id !== spec.padId && id !== spec.bosId)
    .map((id) => spec.vocab[id] ?? '')
    .filter(Boolean)
    .join(' ');
}
