/** The manifest's word-level tokenizer (docs/model-manifest.md §5). */
import type { ModelManifest } from './manifest';

export class WordTokenizer {
  readonly #ids = new Map<string, number>();
  readonly #split: RegExp;
  constructor(private readonly spec: ModelManifest['text']) {
    spec.tokenizer.vocab.forEach((w, i) => {
      if (!this.#ids.has(w)) this.#ids.set(w, i);
    });
    this.#split = new RegExp(spec.tokenizer.split, 'g');
  }

  /** `[bos, known words…]`, truncated and right-padded to max_length. */
  encode(text: string): number[] {
    const t = this.spec.tokenizer;
    const src = t.lowercase ? text.toLowerCase() : text;
    const ids = [t.bos_id];
    for (const w of src.split(this.#split)) {
      if (!w) continue;
      const id = this.#ids.get(w);
      if (id !== undefined) ids.push(id);
    }
    const L = this.spec.max_length;
    const out = ids.slice(0, L);
    while (out.length < L) out.push(t.pad_id);
    return out;
  }

  /** Words the model does not know (dropped when encoding); useful as a warning to the user. */
  unknownWords(text: string): string[] {
    const src = this.spec.tokenizer.lowercase ? text.toLowerCase() : text;
    return src.split(this.#split).filter((w) => w && !this.#ids.has(w));
  }
}
