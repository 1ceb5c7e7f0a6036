import { describe, expect, it } from 'vitest';
import { modelCalls, sample } from '../src/sampler';
import { denoiseSigmas, flowSigmas, shiftSigma } from '../src/schedule';

describe('sigma schedule', () => {
  it('is linspace(1, 0) with shift 1 and ends in 0', () => {
    expect(Array.from(flowSigmas(4, 1))).toEqual([1, 0.75, 0.5, 0.25, 0]);
  });

  it('applies the static shift σ′ = sσ/(1+(s−1)σ)', () => {
    const s = flowSigmas(4, 3);
    expect(s[0]).toBe(1);
    expect(s[2]).toBeCloseTo((3 * 0.5) / (1 + 2 * 0.5), 12);
    expect(s[3]).toBeCloseTo(0.75 / 1.5, 12);
    expect(shiftSigma(0.25, 5)).toBeCloseTo(1.25 / 2, 12);
    for (let i = 0; i < 4; i++) expect(s[i]).toBeGreaterThan(s[i + 1] as number);
  });

  it('keeps every scheduler descending from about 1 to 0', () => {
    for (const sch of ['shift', 'karras', 'beta'] as const) {
      const s = flowSigmas(10, 2, sch);
      expect(s.length).toBe(11);
      expect(s[0]).toBeCloseTo(1, 6);
      expect(s[10]).toBe(0);
      for (let i = 0; i < 10; i++) expect(s[i]).toBeGreaterThan(s[i + 1] as number);
    }
  });

  it('denoise starts the schedule at σ = denoise and keeps the step count', () => {
    expect(Array.from(denoiseSigmas(5, 1, 0.5))).toEqual(Array.from(flowSigmas(5, 1)).map((v) => v * 0.5));
    for (const sch of ['shift', 'karras', 'beta'] as const) {
      const d = denoiseSigmas(10, 3, 0.6, sch);
      expect(d.length).toBe(11);
      expect(d[0]).toBeCloseTo(0.6, 12);
      expect(d[10]).toBe(0);
      for (let i = 0; i < 10; i++) expect(d[i]).toBeGreaterThan(d[i + 1] as number);
    }
    expect(Array.from(denoiseSigmas(5, 3, 1))).toEqual(Array.from(flowSigmas(5, 3)));
  });

  it('rejects bad arguments', () => {
    expect(() => flowSigmas(0, 1)).toThrow(RangeError);
    expect(() => flowSigmas(4, 0)).toThrow(RangeError);
    expect(() => denoiseSigmas(4, 1, 0)).toThrow(RangeError);
  });
});

// Toy flow whose data point is x0 = target: the exact velocity field along x_σ = (1−σ)x0 + σε is
// v(x, σ) = (x − target)/σ, so any consistent integrator must land on `target`.
const target = Float32Array.from([0.5, -1, 2]);
const exact = async (x: Float32Array, s: number) =>
  Float32Array.from(x, (v, i) => (v - (target[i] as number)) / s);

describe('samplers', () => {
  it('Euler on the exact rectified flow lands on x0 (x ← x + dt·v)', async () => {
    const out = await sample(Float32Array.from([1, 1, 1]), exact, { sigmas: flowSigmas(7, 3) });
    out.forEach((v, i) => {
      expect(v).toBeCloseTo(target[i] as number, 5);
    });
  });

  it('one Euler step is x + (σ1 − σ0)·v', async () => {
    const v = async () => Float32Array.from([2, -4]);
    const out = await sample(Float32Array.from([1, 1]), v, {
      sigmas: Float64Array.from([1, 0.6, 0]),
      endStep: 1,
    });
    expect(out[0]).toBeCloseTo(1 - 0.4 * 2, 6);
    expect(out[1]).toBeCloseTo(1 + 0.4 * 4, 6);
  });

  it('Heun is second order, Euler first order', async () => {
    // dx/dσ = x (solution x(σ) = x(1)·e^(σ−1)); integrate from σ = 1 to σ = 0.1 and compare errors.
    const f = async (x: Float32Array) => Float32Array.from(x);
    const run = async (n: number, sampler: 'euler' | 'heun') => {
      const sig = new Float64Array(n + 1);
      for (let i = 0; i <= n; i++) sig[i] = 1 - (0.9 * i) / n;
      const out = await sample(Float64ToF32([1]), f, { sigmas: sig, sampler });
      return Math.abs((out[0] as number) - Math.exp(-0.9));
    };
    const e1 = (await run(8, 'euler')) / (await run(16, 'euler'));
    const h1 = (await run(8, 'heun')) / (await run(16, 'heun'));
    expect(e1).toBeGreaterThan(1.7);
    expect(e1).toBeLessThan(2.3);
    expect(h1).toBeGreaterThan(3.4);
    expect(h1).toBeLessThan(4.6);
  });

  it('DPM-Solver++(2M) is exact on the rectified flow and far more accurate than Euler per model call', async () => {
    const out = await sample(Float32Array.from([1, 1, 1]), exact, {
      sigmas: flowSigmas(5, 3),
      sampler: 'dpmpp_2m',
    });
    out.forEach((v, i) => {
      expect(v).toBeCloseTo(target[i] as number, 5);
    });
    // A clean estimate that drifts with σ: x0̂(σ) = sin(3σ), i.e. v = (x − sin 3σ)/σ; exact path known.
    const drift = async (x: Float32Array, s: number) =>
      Float32Array.from(x, (a) => (a - Math.sin(3 * s)) / s);
    const solve = (n: number, sampler: 'euler' | 'dpmpp_2m') => {
      const sig = new Float64Array(n + 1);
      for (let i = 0; i <= n; i++) sig[i] = 0.9 - (0.8 * i) / n;
      return sample(Float32Array.from([0.4]), drift, { sigmas: sig, sampler });
    };
    const ref = (await solve(4096, 'dpmpp_2m'))[0] as number;
    const err = async (n: number, s: 'euler' | 'dpmpp_2m') =>
      Math.abs(((await solve(n, s))[0] as number) - ref);
    expect(await err(20, 'dpmpp_2m')).toBeLessThan(await err(10, 'dpmpp_2m'));
    expect((await err(20, 'dpmpp_2m')) * 10).toBeLessThan(await err(20, 'euler'));
  });

  it('chains: steps [0,k) then [k,N) equal one run of [0,N)', async () => {
    const sig = flowSigmas(6, 2);
    const v = async (x: Float32Array, s: number) => Float32Array.from(x, (a) => Math.sin(a + s));
    const x = Float32Array.from([0.3, -0.2]);
    const whole = await sample(x, v, { sigmas: sig, sampler: 'heun' });
    const a = await sample(x, v, { sigmas: sig, sampler: 'heun', endStep: 2 });
    const b = await sample(a, v, { sigmas: sig, sampler: 'heun', startStep: 2 });
    expect(Array.from(b)).toEqual(Array.from(whole));
  });

  it('reports every step and honours the abort signal between steps', async () => {
    const ac = new AbortController();
    const steps: number[] = [];
    const p = sample(Float32Array.from([1]), exact, {
      sigmas: flowSigmas(10, 1),
      signal: ac.signal,
      onStep: (s) => {
        steps.push(s.step);
        if (s.step === 3) ac.abort();
      },
    });
    await expect(p).rejects.toThrow();
    expect(steps).toEqual([1, 2, 3]);
  });

  it('counts model calls (Heun skips the second call on the last step)', () => {
    const s = flowSigmas(5, 1);
    expect(modelCalls('euler', s)).toBe(5);
    expect(modelCalls('heun', s)).toBe(9);
    expect(modelCalls('dpmpp_2m', s)).toBe(5);
  });
});

function Float64ToF32(a: number[]): Float32Array {
  return Float32Array.from(a);
}
