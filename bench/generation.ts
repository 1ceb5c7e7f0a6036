/**
 * Generation benchmark: the text-to-video preset end to end on the CPU (2 intra-op threads).
 *   pnpm bench generation            (REELGRAPH_BENCH_RUNS=5 by default)
 * Reports: time inside onnxruntime (session.run) vs the whole job — graph, sampler math, previews and
 * file I/O must add ≤ 10 % to the summed session time; a re-run changing only the output fps (cache)
 * vs a full run (< 5 %); and the same DiT sampling loop in onnxruntime-node vs PyTorch (Debian
 * python3-torch + python3-onnx, the shipped weights, same noise/contexts/steps).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type EngineEvent, Executor } from '../packages/executor/src';
import type { GraphDocument } from '../packages/graph/src';
import { loadPacks } from '../packages/packs/src';
import { batchNoise, flowSigmas, guidedVelocity, ModelRuntime, sample } from '../packages/runtime/src';

const REPO = resolve(import.meta.dirname, '..');
const RUNS = Number(process.env.REELGRAPH_BENCH_RUNS ?? 5);
const THREADS = 2;
const modelDirs = [join(REPO, 'models')];
const modelId = process.env.REELGRAPH_BENCH_MODEL ?? 'tiny';
if (process.env.REELGRAPH_MODEL_DIRS) modelDirs.push(...process.env.REELGRAPH_MODEL_DIRS.split(':'));

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const f1 = (x: number) => x.toFixed(1);

const { nodes, packs } = await loadPacks({ dirs: [join(REPO, 'nodes/video')] });
if (packs.some((p) => p.status !== 'loaded')) throw new Error(JSON.stringify(packs));
const runtime = new ModelRuntime({ dirs: modelDirs, session: { intraOpThreads: THREADS } });
const outputDir = mkdtempSync(join(tmpdir(), 'rg-bench-gen-'));
const doc = JSON.parse(readFileSync(join(REPO, 'graphs/text-to-video.json'), 'utf8')) as GraphDocument;
(doc.nodes.model as { inputs: Record<string, unknown> }).inputs.model = modelId;
(doc.nodes.model as { inputs: Record<string, unknown> }).inputs.threads = THREADS;
const samplerInputs = (doc.nodes.sampler?.inputs ?? {}) as Record<string, unknown>;
const steps = Number(samplerInputs.steps);
const cfg = Number(samplerInputs.cfg);
const shift = Number(samplerInputs.shift);

function executor() {
  return new Executor({ nodes, services: { outputDir, models: runtime } });
}

async function run(ex: Executor, graph: GraphDocument) {
  const perNode: Record<string, number> = {};
  // Time outside onnxruntime per node: node time minus the session time that passed while it ran
  // (exact here: the nodes that call onnxruntime never overlap in this graph).
  const outsideOrt: Record<string, number> = {};
  const ortAtStart: Record<string, number> = {};
  runtime.pool.resetStats();
  const t0 = performance.now();
  const r = await ex.run(graph, {
    services: { graph },
    onEvent: (e: EngineEvent) => {
      if (e.type === 'node:started') ortAtStart[e.nodeId] = runtime.pool.stats.runMs;
      if (e.type === 'node:done') {
        perNode[e.nodeId] = e.durationMs;
        outsideOrt[e.nodeId] = e.durationMs - (runtime.pool.stats.runMs - (ortAtStart[e.nodeId] ?? 0));
      }
    },
  });
  const wall = performance.now() - t0;
  if (r.status !== 'success') throw new Error(`run failed: ${JSON.stringify(r.errors)}`);
  return {
    wall,
    ort: runtime.pool.stats.runMs,
    calls: runtime.pool.stats.calls,
    perNode,
    outsideOrt,
    executed: r.executed,
  };
}

// Cold: the first run loads and verifies the sessions.
const cold = await run(executor(), doc);
const loadMs = runtime.pool.stats.loadMs;

const full: Awaited<ReturnType<typeof run>>[] = [];
const rerun: number[] = [];
for (let i = 0; i < RUNS; i++) {
  // Prompts arrive apart, not back to back: the previous run's garbage and previews have settled.
  await new Promise((r) => setTimeout(r, 100));
  const ex = executor(); // empty cache: everything runs
  const r = await run(ex, doc);
  full.push(r);
  const fps = structuredClone(doc);
  (fps.nodes.save as { inputs: Record<string, unknown> }).inputs.fps = 12 + i;
  const again = await run(ex, fps);
  if (again.executed.join() !== 'save') throw new Error(`fps re-run executed ${again.executed.join(', ')}`);
  rerun.push(again.wall);
}
const wall = median(full.map((r) => r.wall));
const ort = median(full.map((r) => r.ort));
const overhead = median(full.map((r) => (r.wall - r.ort) / r.ort));
const best = full.reduce((a, b) => (b.wall < a.wall ? b : a));
// The same without the save node: what the graph, sampler, previews and decode add.
const engineOnly = (r: (typeof full)[number]) => (r.wall - (r.perNode.save ?? 0) - r.ort) / r.ort;
const bestOverhead = Math.min(...full.map((r) => (r.wall - r.ort) / r.ort));
const nodeIds = Object.keys(full[0]?.perNode ?? {});

console.log(
  `\nText-to-video preset, model "${modelId}", ${steps} steps, cfg ${cfg}, ${THREADS} threads, ${RUNS} runs (medians)`,
);
console.log(`| measure | median | best |\n|---|---|---|`);
console.log(
  `| first run in a fresh process (includes session load ${f1(loadMs)} ms) | ${f1(cold.wall)} ms | – |`,
);
console.log(`| full run (empty cache, warm sessions), wall | ${f1(wall)} ms | ${f1(best.wall)} ms |`);
console.log(
  `| inside onnxruntime (${full[0]?.calls} session.run calls) | ${f1(ort)} ms | ${f1(best.ort)} ms |`,
);
console.log(
  `| graph + sampler + previews + I/O on top of session time (bar ≤ 10 %) | ${f1(100 * overhead)} % | ${f1(100 * bestOverhead)} % |`,
);
console.log(
  `| the same without the save node (H.264 encode, mux, write) | ${f1(100 * median(full.map(engineOnly)))} % | ${f1(100 * Math.min(...full.map(engineOnly)))} % |`,
);
console.log(
  `| re-run with only fps changed (only save runs), vs a full run (bar < 5 %) | ${f1(median(rerun))} ms = ${f1((100 * median(rerun)) / wall)} % | ${f1(Math.min(...rerun))} ms = ${f1((100 * Math.min(...rerun)) / best.wall)} % |`,
);
const perNodeLine = (pick: (r: (typeof full)[number]) => Record<string, number>) =>
  nodeIds.map((id) => `${id} ${f1(median(full.map((r) => pick(r)[id] ?? 0)))}`).join(', ');
console.log(`\nPer node (median ms): ${perNodeLine((r) => r.perNode)}`);
console.log(`Per node outside onnxruntime (median ms): ${perNodeLine((r) => r.outsideOrt)}`);

// The DiT loop alone, onnxruntime-node vs PyTorch on the same inputs and the same weights: the PyTorch
// side reads them from the shipped dit.onnx (training/onnx_weights.py), so no checkpoint is needed.
const model = runtime.load(modelId, { intraOpThreads: THREADS });
const shape = model.latentShape(1, 17, 64, 64);
const noise = batchNoise(
  42,
  1,
  shape.reduce((a, b) => a * b, 1),
);
const ctx = await model.encodeText([
  model.manifest.text.empty_prompt,
  'a red circle moves right on a blue background',
]);
const sigmas = flowSigmas(steps, shift, 'shift');
const velocity = guidedVelocity({
  model,
  shape,
  positive: ctx.subarray(16 * 128),
  negative: ctx.subarray(0, 16 * 128),
  cfg,
});
await sample(noise, velocity, { sigmas }); // warm
const loopMs: number[] = [];
let ortOut: Float32Array = new Float32Array(0);
for (let i = 0; i < RUNS; i++) {
  const t0 = performance.now();
  ortOut = await sample(noise, velocity, { sigmas });
  loopMs.push(performance.now() - t0);
}
const ortMs = median(loopMs);
console.log(
  `\nDiT sampling loop (${steps} Euler steps, CFG batch 2, T=${shape[2]}): onnxruntime-node ${f1(ortMs)} ms`,
);
if (modelId !== 'tiny') {
  console.log(
    'PyTorch comparison skipped: the PyTorch DiT definition (training/model.py) is the tiny family',
  );
} else {
  const io = mkdtempSync(join(tmpdir(), 'rg-bench-torch-'));
  writeFileSync(join(io, 'noise.bin'), noise);
  writeFileSync(join(io, 'ctx.bin'), ctx);
  const py = spawnSync(
    '/usr/bin/python3',
    [
      join(REPO, 'bench/generation_torch.py'),
      join(model.dir, model.manifest.files.dit.path),
      join(model.dir, 'model.json'),
      io,
      String(steps),
      String(cfg),
      String(shift),
      String(THREADS),
    ],
    { encoding: 'utf8' },
  );
  if (py.status !== 0)
    console.log(
      `PyTorch comparison failed (needs python3-torch, python3-onnx): ${py.stderr.trim().split('\n').pop()}`,
    );
  else {
    const res = JSON.parse(py.stdout.trim().split('\n').pop() as string) as { ms: number[] };
    const raw = readFileSync(join(io, 'out.bin'));
    const torchOut = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.length));
    let maxDiff = 0;
    for (let i = 0; i < torchOut.length; i++)
      maxDiff = Math.max(maxDiff, Math.abs((torchOut[i] as number) - (ortOut[i] as number)));
    const t = median(res.ms);
    console.log(
      `PyTorch ${f1(t)} ms (${THREADS} threads, OMP_WAIT_POLICY=PASSIVE) → onnxruntime-node / PyTorch = ${(ortMs / t).toFixed(2)}; final latents max |Δ| = ${maxDiff.toExponential(1)}`,
    );
  }
  rmSync(io, { recursive: true, force: true });
}
await runtime.dispose();
rmSync(outputDir, { recursive: true, force: true });
