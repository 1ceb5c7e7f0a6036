/** Latent → RGB via the manifest's linear projection: a cheap preview of what the sampler is making. */

import type { Shape5 } from './latent';
import type { ModelManifest } from './manifest';

/**
 * Batch row `b` of a normalised latent → `T` RGB frames of `h × w`, interleaved uint8, frame-major.
 * Without a projection in the manifest, the first three channels are shown as grey-ish RGB.
 */
export function latentToRgb(manifest: ModelManifest, latent: Float32Array, shape: Shape5, b = 0): Uint8Array {
  const [, C, T, H, W] = shape;
  const proj = manifest.latent.rgb_preview;
  const plane = H * W;
  const out = new Uint8Array(T * plane * 3);
  const base = b * C * T * plane;
  const { mean, std } = manifest.latent;
  for (let t = 0; t < T; t++)
    for (let p = 0; p < plane; p++) {
      let r = proj?.bias[0] ?? 0;
      let g = proj?.bias[1] ?? 0;
      let bl = proj?.bias[2] ?? 0;
      for (let c = 0; c < C; c++) {
        let z = latent[base + (c * T + t) * plane + p] as number;
        if (proj?.space === 'raw') z = z * (std[c] as number) + (mean[c] as number);
        if (proj) {
          const wts = proj.weights[c] as number[];
          r += z * (wts[0] as number);
          g += z * (wts[1] as number);
          bl += z * (wts[2] as number);
        } else if (c < 3) {
          const v = z * 0.25;
          if (c === 0) r += v;
          else if (c === 1) g += v;
          else bl += v;
        }
      }
      const o = (t * plane + p) * 3;
      out[o] = toByte(r);
      out[o + 1] = toByte(g);
      out[o + 2] = toByte(bl);
    }
  return out;
}

function toByte(v: number): number {
  const u = Math.round((v + 1) * 127.5);
  return Math.min(255, Math.max(0, u));
}
