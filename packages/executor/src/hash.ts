/**
 * 128-bit non-cryptographic string hash (four cross-coupled 32-bit multiply-xor lanes, murmur-style
 * finaliser). Pure JS so the executor stays browser-safe, and about 5x cheaper per key than
 * `node:crypto` sha1 for the short strings cache keys are made of. 128 bits keep accidental collisions
 * out of reach for any cache size; keys are not a security boundary (graphs are trusted input to the
 * cache of the server that runs them).
 */
export function hash128(text: string): string {
  let a = 0x6a09e667;
  let b = 0xbb67ae85;
  let c = 0x3c6ef372;
  let d = 0xa54ff53a;
  for (let i = 0; i < text.length; i++) {
    const k = text.charCodeAt(i);
    a = b ^ Math.imul(a ^ k, 0x2397a8bb);
    b = c ^ Math.imul(b ^ k, 0xab0dc2d1);
    c = d ^ Math.imul(c ^ k, 0x38b4e3e5);
    d = a ^ Math.imul(d ^ k, 0xa1e38b93);
  }
  a ^= text.length;
  a = fmix(c ^ (a >>> 18) ^ b);
  b = fmix(d ^ (b >>> 22) ^ a);
  c = fmix(a ^ (c >>> 17) ^ b);
  d = fmix(b ^ (d >>> 19) ^ c);
  a ^= b ^ c ^ d;
  b ^= a;
  c ^= a;
  d ^= a;
  return hex(a) + hex(b) + hex(c) + hex(d);
}

function fmix(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return h ^ (h >>> 16);
}

function hex(n: number): string {
  return (n >>> 0).toString(16).padStart(8, '0');
}
