/**
 * Scale-out (`pnpm bench scale`, docs/scale-out.md): engine-only jobs per second through a front with
 * 1, 2 and 4 `reelgraph worker` processes (ratio to 1), and submit → `running` latency p50/p95 with
 * BullMQ on Redis against the embedded queue. Its own redis-server on a free port; needs `redis-server`.
 * Each figure is printed against its target. Preview latency through a remote worker and the fault
 * figures (20 worker kills, 3 Redis restarts) are not measured here yet; the tests check the behaviour.
 */
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startServer, stepsGraph, type TestServer, until, WsClient } from '../server/test/helpers';
import {
  hasRedisServer,
  startRedis,
  startWorker,
  type TestWorker,
  WORKER_SECRET,
} from '../server/test/scale-out-helpers';

const { values } = parseArgs({
  options: { jobs: { type: 'string', default: '60' }, latency: { type: 'string', default: '40' } },
});
const JOBS = Number(values.jobs);
const LATENCY_JOBS = Number(values.latency);

if (!hasRedisServer()) {
  console.error('bench scale needs redis-server (apt-get install redis-server)');
  process.exit(2);
}

const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) * p)] ?? NaN;
const verdict = (ok: boolean) => (ok ? 'meets target' : 'MISSES target');

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

console.log(`Scale-out bench: ${JOBS} jobs per throughput run, ${LATENCY_JOBS} for latency`);
console.log(
  `machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, load ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}\n`,
);

const embedded = await startServer({ previewIntervalMs: 0 });
const embeddedLat = await submitToStart(embedded, LATENCY_JOBS);
await embedded.close();

const scratch = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'rg-bench-scale-')));
const redis = await startRedis();
const front = await startServer({ redis: redis.url, workerSecret: WORKER_SECRET });
const workers: TestWorker[] = [];
const rates: Record<number, number> = {};
let bullLat: number[] = [];
try {
  for (const count of [1, 2, 4]) {
    while (workers.length < count) workers.push(await startWorker(redis.url, `b${workers.length}`, scratch));
    await until(
      async () => (await front.http.get('/api/workers')).body.workers.length === count,
      60_000,
      `${count} workers`,
    );
    if (count === 1) bullLat = await submitToStart(front, LATENCY_JOBS);
    rates[count] = await throughput(front, JOBS);
  }
} finally {
  await Promise.all(workers.map((w) => w.stop()));
  await front.close();
  await redis.stop();
  rmSync(scratch, { recursive: true, force: true });
}

console.log('| workers | jobs/s | ratio to 1 |');
console.log('|---:|---:|---:|');
for (const [n, r] of Object.entries(rates))
  console.log(`| ${n} | ${r.toFixed(2)} | ${(r / rates[1]!).toFixed(2)} |`);
const [e50, e95, b50, b95] = [
  pct(embeddedLat, 0.5),
  pct(embeddedLat, 0.95),
  pct(bullLat, 0.5),
  pct(bullLat, 0.95),
];
console.log('\n| submit → running | p50 ms | p95 ms |');
console.log('|---|---:|---:|');
console.log(`| embedded | ${e50.toFixed(1)} | ${e95.toFixed(1)} |`);
console.log(`| BullMQ, 1 worker | ${b50.toFixed(1)} | ${b95.toFixed(1)} |`);
console.log(`\nBullMQ adds ${(b50 - e50).toFixed(1)} ms at p50 (target ≤ 5 ms): ${verdict(b50 - e50 <= 5)}`);
console.log('Preview step → browser p95 via a remote worker (target ≤ 50 ms): not measured yet');
console.log('Jobs lost across 20 worker kills and 3 Redis restarts (target 0): not measured yet');
