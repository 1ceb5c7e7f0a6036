/** Flow-matching sigma schedules (video-models.md §2.2). σ = 1 is pure noise, σ = 0 the clean latent. */

export const SCHEDULERS = ['shift', 'karras', 'beta'] as const;
export type SchedulerName = (typeof SCHEDULERS)[number];

/** Static shift: σ' = s·σ / (1 + (s − 1)·σ). Shift 1 is the identity. */
export function shiftSigma(sigma: number, shift: number): number {
  return (shift * sigma) / (1 + (shift - 1) * sigma);
}

/**
 * N + 1 sigmas, descending, last = 0. `shift`: linspace(σmax, 0, N+1)[:-1] then shifted (Wan/SD3).
 * `karras`: ρ = 7 spacing between the shifted ends. `beta`: Beta(0.6, 0.6) quantiles of the shifted
 * curve (denser at both ends).
 */
export function flowSigmas(
  steps: number,
  shift: number,
  scheduler: SchedulerName = 'shift',
  sigmaMax = 1,
): Float64Array {
  if (!Number.isInteger(steps) || steps < 1)
    throw new RangeError(`steps must be a positive integer, got ${steps}`);
  if (!(shift > 0)) throw new RangeError(`shift must be > 0, got ${shift}`);
  const s = new Float64Array(steps + 1);
  if (scheduler === 'shift') {
    for (let i = 0; i < steps; i++) s[i] = shiftSigma(sigmaMax * (1 - i / steps), shift);
  } else if (scheduler === 'karras') {
    const rho = 7;
    const hi = shiftSigma(sigmaMax, shift) ** (1 / rho);
    const lo = shiftSigma(sigmaMax / steps, shift) ** (1 / rho);
    for (let i = 0; i < steps; i++) {
      const f = steps === 1 ? 0 : i / (steps - 1);
      s[i] = (hi + f * (lo - hi)) ** rho;
    }
  } else {
    for (let i = 0; i < steps; i++)
      s[i] = shiftSigma(sigmaMax * (1 - betaQuantile(i / steps, 0.6, 0.6)), shift);
  }
  s[steps] = 0;
  return s;
}

/**
 * The sigmas for `denoise` < 1 (video-to-video): `steps` steps from σ = denoise (times σmax) down to 0,
 * spaced like the full schedule. So denoise is the noise level the input is raised to (the manifest's
 * rule), not a fraction of steps — with a shift those differ a lot (denoise 0.7 of 20 shifted steps
 * would otherwise start at σ ≈ 0.9 and wipe out the input clip).
 */
export function denoiseSigmas(
  steps: number,
  shift: number,
  denoise: number,
  scheduler: SchedulerName = 'shift',
  sigmaMax = 1,
): Float64Array {
  if (!(denoise > 0 && denoise <= 1)) throw new RangeError(`denoise must be in (0, 1], got ${denoise}`);
  if (denoise >= 1) return flowSigmas(steps, shift, scheduler, sigmaMax);
  // Unshifted start b with shiftSigma(b) = target (the shift map inverted).
  const target = denoise * shiftSigma(sigmaMax, shift);
  const b = target / (shift - (shift - 1) * target);
  return flowSigmas(steps, shift, scheduler, b);
}

/** Regularised incomplete beta inverse by bisection (smooth, monotone; 60 halvings is exact in f64). */
function betaQuantile(p: number, a: number, b: number): number {
  if (p <= 0) return 0;
  if (p >= 1) return 1;
  let lo = 0;
  let hi = 1;
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (betaCdf(mid, a, b) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

function betaCdf(x: number, a: number, b: number): number {
  // Substitution x = sin²θ removes the endpoint singularities for a, b < 1; Simpson on θ.
  const n = 400;
  const integrand = (th: number) => 2 * Math.sin(th) ** (2 * a - 1) * Math.cos(th) ** (2 * b - 1);
  const total = simpson(integrand, 0, Math.PI / 2, n);
  return simpson(integrand, 0, Math.asin(Math.sqrt(x)), n) / total;
}

function simpson(f: (x: number) => number, a: number, b: number, n: number): number {
  if (b <= a) return 0;
  const h = (b - a) / n;
  let sum = f(a) + f(b);
  for (let i = 1; i < n; i++) sum += f(a + i * h) * (i % 2 ? 4 : 2);
  return (sum * h) / 3;
}
