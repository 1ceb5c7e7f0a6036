// pnpm eval:tiny [--n 100] [--seed0 3000000000] [--steps 20] [--cfg X] [--shift X] [--model dir] [--json out.json]
// Samples held-out prompts through onnxruntime-node and scores them with the pixel analyzer.
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { analyzeClip } from '../src/analyze';
import { type Clip, clipToTensor, generateClip, tensorToClip } from '../src/generate';
import { DEFAULT_MODEL_DIR, putKnown, TinyModel } from './tiny-runner';

const EVAL_SEED0 = 3_000_000_000; // never used in training (training seeds < 500,001,000)
const KEYS = ['background', 'colour', 'motion', 'shape'] as const;

/** Mean |f(t+1) − 2 f(t) + f(t−1)| over pixels and channels (0..255 units): low for smooth motion, high for flicker. */
export function temporalRoughness(clip: Clip): number {
  const px = clip.width * clip.height * 3;
  let sum = 0;
  for (let t = 1; t + 1 < clip.frames; t++) {
    for (let i = 0; i < px; i++) {
      const a = clip.data[(t - 1) * px + i] ?? 0;
      const b = clip.data[t * px + i] ?? 0;
      const c = clip.data[(t + 1) * px + i] ?? 0;
      sum += Math.abs(c - 2 * b + a);
    }
  }
  return sum / ((clip.frames - 2) * px);
}

/** Mean |f(t+1) − f(t)| (0..255 units). */
export function frameDelta(clip: Clip): number {
  const px = clip.width * clip.height * 3;
  let sum = 0;
  for (let t = 0; t + 1 < clip.frames; t++) {
    for (let i = 0; i < px; i++)
      sum += Math.abs((clip.data[(t + 1) * px + i] ?? 0) - (clip.data[t * px + i] ?? 0));
  }
  return sum / ((clip.frames - 1) * px);
}

function psnr(a: Float32Array, b: Float32Array, n: number): number {
  let se = 0;
  for (let i = 0; i < n; i++) se += ((a[i] ?? 0) - (b[i] ?? 0)) ** 2;
  return 10 * Math.log10(4 / Math.max(se / n, 1e-12));
}

/** Channel planes of frame 0 from a [3,F,64,64] tensor. */
function firstFrame(video: Float32Array, frames: number): Float32Array {
  const plane = 64 * 64;
  const out = new Float32Array(3 * plane);
  for (let c = 0; c < 3; c++)
    out.set(video.subarray(c * frames * plane, c * frames * plane + plane), c * plane);
  return out;
}

const pct = (x: number) => `${(100 * x).toFixed(0)} %`;
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      n: { type: 'string', default: '100' },
      seed0: { type: 'string', default: String(EVAL_SEED0) },
      steps: { type: 'string' },
      cfg: { type: 'string' },
      shift: { type: 'string' },
      model: { type: 'string', default: DEFAULT_MODEL_DIR },
      json: { type: 'string' },
      'no-i2v': { type: 'boolean', default: false },
    },
  });
  const n = Number(values.n);
  const model = await TinyModel.load(values.model);
  const s = model.manifest.sampler;
  const steps = values.steps ? Number(values.steps) : s.steps;
  const cfg = values.cfg ? Number(values.cfg) : s.cfg;
  const shift = values.shift ? Number(values.shift) : s.shift;
  const T = 5;
  const F = 17;
  console.log(`model ${values.model} (training: ${JSON.stringify(model.manifest.training ?? {})})`);
  console.log(`n=${n} steps=${steps} cfg=${cfg} shift=${shift}`);

  const t2v = {
    hits: { background: 0, colour: 0, motion: 0, shape: 0 },
    rough: [] as number[],
    delta: [] as number[],
  };
  const i2v = {
    hits: { background: 0, colour: 0, motion: 0, shape: 0 },
    psnr: [] as number[],
    psnrModel: [] as number[],
  };
  const gt = { rough: [] as number[], delta: [] as number[] };
  // ground truth through the VAE alone: the ceiling any sample can reach through this decoder
  const vae = { background: 0, colour: 0, motion: 0, shape: 0 };
  const times: number[] = [];
  /** T2V shape confusion: prompt's shape → what the analyzer saw → count. */
  const shapes: Record<string, Record<string, number>> = {};
  for (let i = 0; i < n; i++) {
    const seed = Number(values.seed0) + i;
    const { spec, caption, clip: truth } = generateClip(seed);
    const t0 = performance.now();
    const z = await model.sample({ prompt: caption, seed, steps, cfg, shift });
    const video = await model.decode(z, T);
    times.push(performance.now() - t0);
    const clip = tensorToClip(video, F);
    const a = analyzeClip(clip);
    for (const k of KEYS) if (a[k] === spec[k]) t2v.hits[k]++;
    const row = shapes[spec.shape] ?? {};
    row[a.shape ?? 'none'] = (row[a.shape ?? 'none'] ?? 0) + 1;
    shapes[spec.shape] = row;
    t2v.rough.push(temporalRoughness(clip));
    t2v.delta.push(frameDelta(clip));
    gt.rough.push(temporalRoughness(truth));
    gt.delta.push(frameDelta(truth));
    const roundTrip = analyzeClip(
      tensorToClip(await model.decode(await model.encodeVideo(clipToTensor(truth), F), T), F),
    );
    for (const k of KEYS) if (roundTrip[k] === spec[k]) vae[k]++;
    if (!values['no-i2v']) {
      // image-to-video: the ground-truth first frame is the given image
      const image = clipToTensor({ ...truth, frames: 1, data: truth.data.subarray(0, 64 * 64 * 3) });
      const known = await model.encodeVideo(image, 1);
      const cond = { latents: known, frames: 1 };
      const zi = await model.sample({
        prompt: caption,
        seed: seed + 17,
        steps,
        cfg,
        shift,
        known: cond,
        keepPredictedKnown: true,
      });
      // the model's own frame 0 (before the known latent is put back): how well it uses the condition
      i2v.psnrModel.push(psnr(firstFrame(await model.decode(zi, T), F), image, image.length));
      putKnown(zi, cond, T);
      const vi = await model.decode(zi, T);
      const ai = analyzeClip(tensorToClip(vi, F));
      for (const k of KEYS) if (ai[k] === spec[k]) i2v.hits[k]++;
      i2v.psnr.push(psnr(firstFrame(vi, F), image, image.length));
    }
    if ((i + 1) % 10 === 0) console.log(`${i + 1}/${n}`);
  }
  // timing of one T2V clip (text encode + sampling + decode), after the warm-up above
  const timing: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    const z = await model.sample({
      prompt: 'a red circle moves left on a blue background',
      seed: i,
      steps: 20,
      cfg,
    });
    await model.decode(z, T);
    timing.push(performance.now() - t0);
  }
  timing.sort((a, b) => a - b);
  const result = {
    n,
    steps,
    cfg,
    shift,
    t2v: Object.fromEntries(KEYS.map((k) => [k, t2v.hits[k] / n])),
    i2v: values['no-i2v']
      ? null
      : {
          ...(Object.fromEntries(KEYS.map((k) => [k, i2v.hits[k] / n])) as Record<
            (typeof KEYS)[number],
            number
          >),
          firstFramePsnr: mean(i2v.psnr),
          modelFirstFramePsnr: mean(i2v.psnrModel),
        },
    vaeRoundTrip: Object.fromEntries(KEYS.map((k) => [k, vae[k] / n])),
    t2vShapeConfusion: shapes,
    roughness: { generated: mean(t2v.rough), groundTruth: mean(gt.rough) },
    frameDelta: { generated: mean(t2v.delta), groundTruth: mean(gt.delta) },
    clipMs: { median20Steps: timing[2], meanEvalClip: mean(times) },
  };
  console.log(JSON.stringify(result, null, 2));
  const r = result;
  const lines = [
    '| metric | text-to-video | image-to-video | bar | ground truth through the VAE |',
    '|---|---|---|---|---|',
    `| background colour | ${pct(r.t2v.background ?? 0)} | ${r.i2v ? pct(r.i2v.background ?? 0) : '–'} | ≥ 90 % | ${pct(r.vaeRoundTrip.background ?? 0)} |`,
    `| shape colour | ${pct(r.t2v.colour ?? 0)} | ${r.i2v ? pct(r.i2v.colour ?? 0) : '–'} | ≥ 80 % | ${pct(r.vaeRoundTrip.colour ?? 0)} |`,
    `| motion | ${pct(r.t2v.motion ?? 0)} | ${r.i2v ? pct(r.i2v.motion ?? 0) : '–'} | ≥ 60 % | ${pct(r.vaeRoundTrip.motion ?? 0)} |`,
    `| shape kind | ${pct(r.t2v.shape ?? 0)} | ${r.i2v ? pct(r.i2v.shape ?? 0) : '–'} | ≥ 50 % | ${pct(r.vaeRoundTrip.shape ?? 0)} |`,
    `| I2V first-frame PSNR (known latent put back) | – | ${r.i2v ? `${r.i2v.firstFramePsnr.toFixed(1)} dB` : '–'} | ≥ 25 dB |`,
    `| I2V first-frame PSNR (model's own frame 0) | – | ${r.i2v ? `${r.i2v.modelFirstFramePsnr.toFixed(1)} dB` : '–'} | – |`,
    `| temporal roughness (mean abs 2nd difference, 0–255) | ${r.roughness.generated.toFixed(2)} (ground truth ${r.roughness.groundTruth.toFixed(2)}) | – | – |`,
    `| frame-to-frame change (mean abs 1st difference, 0–255) | ${r.frameDelta.generated.toFixed(2)} (ground truth ${r.frameDelta.groundTruth.toFixed(2)}) | – | – |`,
    `| one T2V clip, 17 frames, 20 steps, CFG (median of 5) | ${r.clipMs.median20Steps?.toFixed(0)} ms | – | < 2000 ms |`,
  ];
  console.log(`\n${lines.join('\n')}`);
  if (values.json) writeFileSync(values.json, `${JSON.stringify(result, null, 2)}\n`);
  await model.release();
}

await main();
