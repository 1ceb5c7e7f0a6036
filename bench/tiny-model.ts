/**
 * The tiny model alone in onnxruntime-node (CPU): session load, each ONNX call, and one whole
 * text-to-video clip (17 frames, 20 Euler steps with CFG as one batch-2 DiT call per step, VAE decode).
 * `pnpm bench tiny-model [-- --threads 2 --runs 7]`. Figures go to docs/tiny-model.md.
 */
import { parseArgs } from 'node:util';
import { DEFAULT_MODEL_DIR, ort, TinyModel } from '../packages/tinyvid/scripts/tiny-runner';

const { values } = parseArgs({
  options: { threads: { type: 'string', default: '2' }, runs: { type: 'string', default: '7' } },
  allowPositionals: true,
});
const threads = Number(values.threads);
const runs = Number(values.runs);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1] ?? Number.NaN;
}

async function time(fn: () => Promise<unknown>, n = runs): Promise<number> {
  await fn();
  const ts: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn();
    ts.push(performance.now() - t0);
  }
  return median(ts);
}

const t0 = performance.now();
const model = await TinyModel.load(DEFAULT_MODEL_DIR, threads);
const loadMs = performance.now() - t0;
const rows: [string, number][] = [['load 4 sessions', loadMs]];

const dit = model.session('dit');
for (const T of [1, 3, 5, 9]) {
  const feeds = {
    x: new ort.Tensor('float32', new Float32Array(2 * 33 * T * 64).fill(0.1), [2, 33, T, 8, 8]),
    timestep: new ort.Tensor('float32', new Float32Array([500, 500]), [2]),
    context: new ort.Tensor('float32', new Float32Array(2 * 16 * 128).fill(0.1), [2, 16, 128]),
  };
  rows.push([`dit call, B=2 (CFG), T=${T} (${4 * (T - 1) + 1} frames)`, await time(() => dit.run(feeds))]);
}
rows.push([
  'text encoder, 2 prompts',
  await time(() => model.encodeText(['', 'a red circle moves left on a blue background'])),
]);
const z = new Float32Array(16 * 5 * 64);
rows.push(['vae decode, 5 latents -> 17 frames', await time(() => model.decode(z, 5))]);
const video = new Float32Array(3 * 17 * 64 * 64);
rows.push(['vae encode, 17 frames', await time(() => model.encodeVideo(video, 17))]);
let seed = 0;
rows.push([
  'text-to-video clip: 17 frames, 20 steps, CFG, decode',
  await time(async () => {
    const lat = await model.sample({
      prompt: 'a red circle moves left on a blue background',
      seed: seed++,
      steps: 20,
    });
    await model.decode(lat, 5);
  }),
]);
await model.release();

console.log(
  `tiny model, onnxruntime-node ${ort.env.versions.common}, ${threads} intra-op threads, median of ${runs}`,
);
for (const [name, ms] of rows) console.log(`${name.padEnd(56)} ${ms.toFixed(1).padStart(8)} ms`);
