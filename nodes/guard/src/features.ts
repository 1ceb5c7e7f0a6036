import type { Frames } from '@reelgraph/media/frames';

/** Length of the text feature vector: words hashed into this many buckets (the model's input width). */
export const TEXT_DIM = 256;

/** FNV-1a, 32 bits: a word's bucket. */
export function bucket(word: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < word.length; i++) {
    h ^= word.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % TEXT_DIM;
}

/** Lower-case words (letters and digits), accents and other scripts' case folded by NFKC. */
export function words(text: string): string[] {
  return (
    text
      .normalize('NFKC')
      .toLowerCase()
      .match(/[\p{L}\p{N}]+/gu) ?? []
  );
}

/** Bag of hashed words, each counted once: the text model's input row. */
export function textFeatures(text: string): Float32Array {
  const x = new Float32Array(TEXT_DIM);
  for (const w of words(text)) x[bucket(w)] = 1;
  return x;
}

/** Mean red, green and blue of every pixel of every frame, from 0 to 1: the frame model's input row. */
export function frameFeatures(f: Frames): Float32Array {
  let r = 0;
  let g = 0;
  let b = 0;
  const { data } = f;
  for (let i = 0; i + 2 < data.length; i += 3) {
    r += data[i] as number;
    g += data[i + 1] as number;
    b += data[i + 2] as number;
  }
  const n = Math.max(1, data.length / 3) * 255;
  return Float32Array.of(r / n, g / n, b / n);
}
