/**
 * Seeded standard-normal noise. xoshiro128** over 32-bit integer math (exact on every platform) seeded
 * through splitmix32, Box–Muller for the normal transform (V8's Math.log/sin/cos are its own fdlibm
 * port, so results are identical across machines running the same engine).
 */

function splitmix32(state: number): [number, number] {
  let z = (state + 0x9e3779b9) | 0;
  const next = z;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return [next, (z ^ (z >>> 16)) >>> 0];
}

export class Rng {
  #s0: number;
  #s1: number;
  #s2: number;
  #s3: number;

  /** Any integer in [0, 2^53); both 32-bit halves feed the state. */
  constructor(seed: number) {
    if (!Number.isSafeInteger(seed) || seed < 0)
      throw new RangeError(`Seed must be a non-negative safe integer, got ${seed}`);
    const lo = seed >>> 0;
    const hi = Math.floor(seed / 2 ** 32) >>> 0;
    let st = lo ^ Math.imul(hi, 0x632be5ab);
    const out: number[] = [];
    for (let i = 0; i < 4; i++) {
      const [next, v] = splitmix32(st);
      st = next ^ (i === 1 ? hi : 0);
      out.push(v);
    }
    [this.#s0, this.#s1, this.#s2, this.#s3] = out as [number, number, number, number];
    if ((this.#s0 | this.#s1 | this.#s2 | this.#s3) === 0) this.#s0 = 1;
  }

  /** Next uint32. */
  nextU32(): number {
    const result = Math.imul(rotl(Math.imul(this.#s1, 5), 7), 9) >>> 0;
    const t = this.#s1 << 9;
    this.#s2 ^= this.#s0;
    this.#s3 ^= this.#s1;
    this.#s1 ^= this.#s2;
    this.#s0 ^= this.#s3;
    this.#s2 ^= t;
    this.#s3 = rotl(this.#s3, 11);
    return result;
  }

  /** Uniform in (0, 1), never 0 (safe for log). */
  uniform(): number {
    return (this.nextU32() + 0.5) / 4294967296;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** `count` standard-normal float32 values from `seed`. */
export function gaussianNoise(seed: number, count: number): Float32Array {
  const rng = new Rng(seed);
  const out = new Float32Array(count);
  for (let i = 0; i < count; i += 2) {
    const r = Math.sqrt(-2 * Math.log(rng.uniform()));
    const theta = 2 * Math.PI * rng.uniform();
    out[i] = r * Math.cos(theta);
    if (i + 1 < count) out[i + 1] = r * Math.sin(theta);
  }
  return out;
}

/**
 * Noise for a batch: row b comes from seed + b, so variation b of a batch equals a single run with
 * seed + b.
 */
export function batchNoise(seed: number, batch: number, perItem: number): Float32Array {
  const out = new Float32Array(batch * perItem);
  for (let b = 0; b < batch; b++) out.set(gaussianNoise(seed + b, perItem), b * perItem);
  return out;
}
