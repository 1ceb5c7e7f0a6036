/**
 * Scale-out (`pnpm bench scale`, docs/scale-out.md), every figure of issue 15's bar against its target:
 * engine-only jobs per second through a front with 1, 2 and 4 `reelgraph worker` processes (ratio to 1);
 * submit → `running` p50/p95 with BullMQ on Redis against the embedded queue; preview step → browser
 * p95 through a remote worker; and the fault run (2 fronts, 3 workers, a steady stream of mixed jobs,
 * `--kills` SIGKILLs of a worker and `--restarts` Redis restarts: accepted vs completed vs failed).
 * Its own redis-server on a free port; needs `redis-server`. A run of every part rewrites the scale
 * section of docs/benchmarks.md (`--no-docs`: print only).
 *
 * `pnpm bench scale [-- --jobs 60 --latency 40 --kills 20 --restarts 3 --parts throughput,latency,preview,faults]`
 */
import { mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { REPO, startServer, stepsGraph, type TestServer, until, WsClient } from '../server/test/helpers';
import { type FaultReport, faultLines, runFaults } from '../server/test/scale-out-fault-run';
import {
  hasRedisServer,
  startRedis,
  startWorker,
  type TestRedis,
  type TestWorker,
  WORKER_SECRET,
} from '../server/test/scale-out-helpers';

const PARTS = ['throughput', 'latency', 'preview', 'faults'] as const;
const { values } = parseArgs({
  options: {
    jobs: { type: 'string', default: '60' },
    latency: { type: 'string', default: '40' },
    kills: { type: 'string', default: '20' },
    restarts: { type: 'string', default: '3' },
    parts: { type: 'string', default: PARTS.join(',') },
    'no-docs': { type: 'boolean', default: false },
  },
});
const JOBS = Number(values.jobs);
const LATENCY_JOBS = Number(values.latency);
const parts = new Set(values.parts!.split(','));
for (const p of parts)
  if (!(PARTS as readonly string[]).includes(p)) throw new Error(`--parts: unknown part ${p}`);

if (!hasRedisServer()) {
  console.error('bench scale needs redis-server (apt-get install redis-server)');
  process.exit(2);
}

const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) * p)] ?? Number.NaN;
const verdict = (ok: boolean) => (ok ? 'meets target' : 'MISSES target');
const load = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');

/** Submit → the client sees `running`, one job at a time (an idle queue each time). */
async function submitToStart(front: TestServer, n: number): Promise<number[]> {
  const ws = new WsClient(front.url, 'lat');
  await ws.opened;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const { jobId } = (await front.http.submit(stepsGraph(1, 0, `lat${i}`), { clientId: 'lat' })).body;
    await ws.waitState(jobId, 'running', 60_000);
    out.push(performance.now() - t0);
    await ws.waitState(jobId, 'success', 60_000);
  }
  ws.close();
  return out.slice(Math.min(5, Math.floor(n / 4))); // the first few warm the node host up
}

/** Jobs per second for `n` engine-only jobs submitted at once. */
async function throughput(front: TestServer, n: number): Promise<number> {
  const ws = new WsClient(front.url, 'tput');
  await ws.opened;
  const t0 = performance.now();
  const ids: string[] = [];
  for (let i = 0; i < n; i++)
    ids.push((await front.http.submit(stepsGraph(1, 0, `t${i}`), { clientId: 'tput' })).body.jobId);
  for (const id of ids) await ws.waitState(id, 'success', 300_000);
  ws.close();
  return n / ((performance.now() - t0) / 1000);
}

/**
 * Preview step → browser through a remote worker: the test pack's sampler stand-in writes its emission
 * time (epoch ms) into the last 8 bytes of each 16 KiB preview, in the worker's node-host child; a
 * WebSocket client on the front compares it with its own clock (one machine, one clock). The front
 * throttles previews as it does by default (100 ms). The first steps are dropped as warm-up.
 */
async function previewLatency(front: TestServer, stepMs: number, steps: number): Promise<number[]> {
  const ws = new WsClient(front.url, `pv${stepMs}`);
  await ws.opened;
  const lat: number[] = [];
  ws.ws.on('message', (data, isBinary) => {
    if (!isBinary) return;
    const at = performance.timeOrigin + performance.now();
    const buf = data as Buffer;
    lat.push(at - buf.readDoubleLE(buf.length - 8));
  });
  const graph = {
    version: 1,
    nodes: { s: { type: 'testkit.steps', inputs: { steps, stepMs, tag: 'pv', previewBytes: 16384 } } },
  };
  const { jobId } = (await front.http.submit(graph, { clientId: `pv${stepMs}` })).body;
  await ws.waitState(jobId, 'success', 300_000);
  await ws.close();
  return lat.slice(Math.min(10, Math.floor(lat.length / 4)));
}

console.log(`Scale-out bench: parts ${[...parts].join(', ')}`);
const machine = `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}`;
const loadBefore = load();
console.log(`machine: ${machine}, load ${loadBefore}\n`);

let embeddedLat: number[] = [];
if (parts.has('latency')) {
  const embedded = await startServer({ previewIntervalMs: 0 });
  embeddedLat = await submitToStart(embedded, LATENCY_JOBS);
  await embedded.close();
}

const rates: Record<number, number> = {};
let bullLat: number[] = [];
const previews: Record<number, number[]> = {};
if (parts.has('throughput') || parts.has('latency') || parts.has('preview')) {
  const scratch = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'rg-bench-scale-')));
  const redis: TestRedis = await startRedis();
  const front = await startServer({ redis: redis.url, workerSecret: WORKER_SECRET });
  const workers: TestWorker[] = [];
  try {
    for (const count of parts.has('throughput') ? [1, 2, 4] : [1]) {
      while (workers.length < count)
        workers.push(await startWorker(redis.url, `b${workers.length}`, scratch));
      await until(
        async () => (await front.http.get('/api/workers')).body.workers.length === count,
        60_000,
        `${count} workers`,
      );
      if (count === 1) {
        if (parts.has('latency')) bullLat = await submitToStart(front, LATENCY_JOBS);
        // 150 ms: slower than the throttle, as the tiny model's sampler steps on CPU; 20 ms: faster.
        if (parts.has('preview'))
          for (const [stepMs, steps] of [
            [150, 60],
            [20, 300],
          ] as const)
            previews[stepMs] = await previewLatency(front, stepMs, steps);
      }
      if (parts.has('throughput')) rates[count] = await throughput(front, JOBS);
    }
  } finally {
    await Promise.all(workers.map((w) => w.stop()));
    await front.close();
    await redis.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
}

let faults: FaultReport | undefined;
if (parts.has('faults')) {
  faults = await runFaults({
    kills: Number(values.kills),
    redisRestarts: Number(values.restarts),
    videoEvery: 15,
    log: (l) => console.log(`  ${l}`),
  });
}

// The report: markdown, printed and (after a full run) written to docs/benchmarks.md.
const md: string[] = [];
if (parts.has('throughput')) {
  md.push(`Engine-only jobs (one 0 ms step each), ${JOBS} submitted at once:`, '');
  md.push('| workers | jobs/s | ratio to 1 |', '|---:|---:|---:|');
  for (const [n, r] of Object.entries(rates))
    md.push(`| ${n} | ${r.toFixed(2)} | ${(r / rates[1]!).toFixed(2)} |`);
  md.push('');
}
if (parts.has('latency')) {
  const [e50, e95, b50, b95] = [
    pct(embeddedLat, 0.5),
    pct(embeddedLat, 0.95),
    pct(bullLat, 0.5),
    pct(bullLat, 0.95),
  ];
  md.push(`Submit → the client sees \`running\`, ${LATENCY_JOBS} jobs one at a time:`, '');
  md.push('| queue | p50 ms | p95 ms |', '|---|---:|---:|');
  md.push(`| embedded | ${e50.toFixed(1)} | ${e95.toFixed(1)} |`);
  md.push(`| BullMQ, 1 worker | ${b50.toFixed(1)} | ${b95.toFixed(1)} |`, '');
  md.push(
    `- BullMQ adds **${(b50 - e50).toFixed(1)} ms** at p50 (target ≤ 5 ms): ${verdict(b50 - e50 <= 5)}.`,
    '',
  );
}
if (parts.has('preview')) {
  md.push(
    'Preview step → WebSocket client through a remote worker (16 KiB previews, front throttle 100 ms):',
    '',
  );
  md.push('| step every | frames | p50 ms | p95 ms | max ms |', '|---:|---:|---:|---:|---:|');
  for (const [stepMs, xs] of Object.entries(previews))
    md.push(
      `| ${stepMs} ms | ${xs.length} | ${pct(xs, 0.5).toFixed(1)} | ${pct(xs, 0.95).toFixed(1)} | ${Math.max(...xs).toFixed(1)} |`,
    );
  const p95 = Math.max(...Object.values(previews).map((xs) => pct(xs, 0.95)));
  md.push(
    '',
    `- Preview p95 (worst row) **${p95.toFixed(1)} ms** (target ≤ 50 ms): ${verdict(p95 <= 50)}.`,
    '',
  );
}
if (faults) {
  md.push('Faults (2 fronts, 3 workers, a steady stream of mixed jobs on both fronts):', '');
  for (const l of faultLines(faults)) md.push(l.startsWith('  ') ? `  - ${l.trim()}` : `- ${l}`);
  md.push('');
}
const report = md.join('\n');
console.log(`\n${report}`);
console.log(`load after: ${load()}`);

const START = '<!-- bench:scale -->';
const END = '<!-- /bench:scale -->';
if (!values['no-docs'] && PARTS.every((p) => parts.has(p))) {
  const file = path.join(REPO, 'docs', 'benchmarks.md');
  const section = [
    START,
    '## Scale-out (`pnpm bench scale`, issue 15)',
    '',
    `Written by \`bench/scale.ts\` on ${new Date().toISOString().slice(0, 16)} UTC; ${machine}; load ${loadBefore} before, ${load()} after. One Redis, fronts and workers all on this machine (loopback).`,
    '',
    report.trimEnd(),
    END,
  ].join('\n');
  const doc = readFileSync(file, 'utf8');
  const at = doc.indexOf(START);
  const next =
    at >= 0
      ? doc.slice(0, at) + section + doc.slice(doc.indexOf(END, at) + END.length)
      : `${doc.trimEnd()}\n\n${section}\n`;
  writeFileSync(file, next);
  console.log(`\nwrote the scale section of ${path.relative(REPO, file)}`);
}
