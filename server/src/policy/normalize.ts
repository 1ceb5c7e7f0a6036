import { createRequire } from 'node:module';

/**
 * Text → the words a policy matches, after folding away the easy evasions: compatibility forms
 * (NFKC: fullwidth, mathematical letters), confusable letters from other scripts (Unicode's
 * confusables table, via unhomoglyph's data), accents, zero-width and other format characters, case,
 * and digit/symbol-for-letter swaps. Words stay words: a blocked term never matches inside a longer
 * harmless word; the matcher (match.ts) rejoins words split by inserted spaces or punctuation.
 */

const CONFUSABLES: Record<string, string> = createRequire(import.meta.url)('unhomoglyph/data.json');

/**
 * Characters that stand in for letters. Folded the same way in terms and in text, so the map may be
 * lossy: `l` and `1` and `i` all become `i` (k1ll, kill and kiII meet at "kiii").
 */
const SKELETON: Record<string, string> = {
  '0': 'o',
  '1': 'i',
  l: 'i',
  '!': 'i',
  '|': 'i',
  '3': 'e',
  '4': 'a',
  '@': 'a',
  '5': 's',
  $: 's',
  '7': 't',
  '+': 't',
  '8': 'b',
  '9': 'g',
};

/** Letters, digits and the symbols of SKELETON make up words; anything else separates them. */
const WORD_CHAR = /[\p{L}\p{N}@$!|+]/u;
const EDGE_SYMBOLS = /^[!|+]+|[!|+]+$/g;
const DROP = /[\p{Cf}\p{M}]/u; // zero-width joiners, soft hyphens, BOM; combining accents (after NFKD)

export interface Token {
  /** The folded word (skeleton: digit and symbol swaps folded, for terms). */
  word: string;
  /** The word before the skeleton step (lower case, no accents, no confusables: for patterns). */
  plain: string;
  /** Offsets into the normalised text (for locating the match in messages). */
  start: number;
  end: number;
  /**
   * Index of the word as written: punctuated ("s.e.x") and spaced-out ("s e x") spellings count as
   * one, so "near" rules measure distance in words, not in letters.
   */
  index: number;
}

const foldCache = new Map<string, string>();

/** One character → its folded form ('' to drop it). */
function foldChar(ch: string): string {
  let out = foldCache.get(ch);
  if (out !== undefined) return out;
  const strip = (s: string) => [...s.normalize('NFKD')].filter((c) => !DROP.test(c)).join('');
  // accents first (the confusables table maps "ö" to something else than "o"), then lookalikes
  const s = strip(ch.normalize('NFKC'));
  out = strip(
    [...s]
      .map((c) => (c.charCodeAt(0) > 127 ? (CONFUSABLES[c] ?? c) : c))
      .join('')
      .toLowerCase(),
  );
  foldCache.set(ch, out);
  return out;
}

/** Fold one word (already split) to its skeleton. Pure digit runs stay numbers ("2000"; "1920s" does not). */
export function skeleton(word: string): string {
  if (/^\d{2,}$/.test(word)) return word;
  let out = '';
  for (const c of word) out += SKELETON[c] ?? c;
  return out;
}

const WORD = 0;
const SPACE = 1;
const PUNCT = 2;
const kinds = new Map<string, number>();

function kindOf(c: string): number {
  let k = kinds.get(c);
  if (k === undefined) {
    k = WORD_CHAR.test(c) ? WORD : /\s/.test(c) ? SPACE : PUNCT;
    kinds.set(c, k);
  }
  return k;
}

/** Split and fold a text into words. */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let word = '';
  let start = 0;
  let sawSpace = true;
  let spacedBefore = true;
  let pos = 0;
  let index = -1;
  const flush = () => {
    // "!", "|" and "+" stand for letters inside a word only ("k!ll"), not as its punctuation ("kill!")
    const trimmed = word.replace(EDGE_SYMBOLS, '');
    if (trimmed) {
      const prev = tokens[tokens.length - 1];
      const spacedLetter = trimmed.length === 1 && prev?.plain.length === 1;
      if (index < 0 || (spacedBefore && !spacedLetter)) index++;
      tokens.push({ word: skeleton(trimmed), plain: trimmed, start, end: pos, index });
    }
    word = '';
  };
  for (const raw of text) {
    for (const c of foldChar(raw)) {
      const kind = kindOf(c);
      if (kind === WORD) {
        if (!word) {
          start = pos;
          spacedBefore = sawSpace;
          sawSpace = false;
        }
        word += c;
      } else {
        flush();
        if (kind === SPACE) sawSpace = true;
      }
    }
    pos += raw.length;
    // a dropped character (zero-width) neither ends a word nor counts as a space
  }
  flush();
  return tokens;
}
