/**
 * Step-to-client preview latency: from the moment a node calls `ctx.preview` to the moment a WebSocket
 * client has the decoded frame. The node writes its emission time (epoch ms, high resolution) into the
 * last 8 bytes of the preview; the client compares with its own clock on arrival.
 *
 * `pnpm bench server-latency [-- --steps 300 --step-ms 20 --bytes 16384 --subscribers 1,10]`
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import { startServer, WsClient } from '../server/test/helpers';

const { values } = parseArgs({
  options: {
    steps: { type: 'string', default: '300' },
    'step-ms': { type: 'string', default: '20' },
    bytes: { type: 'string', default: '16384' },
    subscribers: { type: 'string', default: '1,10' },
  },
});
const STEPS = Number(values.steps);
const STEP_MS = Number(values['step-ms']);
const BYTES = Number(values.bytes);
const SUBSCRIBERS = values.subscribers!.split(',').map(Number);

const now = () => performance.timeOrigin + performance.now();

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

interface Row {
  stepMs: number;
  isolation: string;
  interval: number;
  subscribers: number;
  n: number;
  p50: number;
  p95: number;
  max: number;
}

async function measure(
  isolation: 'process' | 'inline',
  previewIntervalMs: number,
  subscribers: number,
  stepMs = STEP_MS,
  steps = STEPS,
): Promise<Row> {
  const t = await startServer({ isolation, previewIntervalMs, progressIntervalMs: 0 });
  try {
    const clients = Array.from({ length: subscribers }, (_, i) => new WsClient(t.url, `lat-${i}`));
    await Promise.all(clients.map((c) => c.opened));
    const latencies: number[] = [];
    for (const c of clients) {
      c.ws.on('message', (data, isBinary) => {
        if (!isBinary) return;
        const at = now();
        const buf = data as Buffer;
        latencies.push(at - buf.readDoubleLE(buf.length - 8));
      });
    }
    await t.http.post('/api/queue/pause');
    const graph = {
      version: 1,
      nodes: { s: { type: 'testkit.steps', inputs: { steps, stepMs, tag: 'lat', previewBytes: BYTES } } },
    };
    const { jobId } = (await t.http.submit(graph, { clientId: 'lat-0' })).body;
    for (const c of clients.slice(1)) c.send({ type: 'subscribe', jobIds: [jobId] });
    await Promise.all(clients.slice(1).map((c) => c.waitFor((m) => m.type === 'subscribed')));
    await t.http.post('/api/queue/resume');
    await Promise.all(clients.map((c) => c.waitState(jobId, 'success', 600_000)));
    await Promise.all(clients.map((c) => c.close()));
    // Drop the first steps: JIT warm-up of the whole path.
    const warm = latencies.slice(Math.min(20 * subscribers, Math.floor(latencies.length / 4)));
    warm.sort((a, b) => a - b);
    return {
      stepMs,
      isolation,
      interval: previewIntervalMs,
      subscribers,
      n: warm.length,
      p50: pct(warm, 50),
      p95: pct(warm, 95),
      max: warm.at(-1)!,
    };
  } finally {
    await t.close();
  }
}

const rows: Row[] = [];
for (const isolation of ['process', 'inline'] as const) {
  for (const subscribers of SUBSCRIBERS) rows.push(await measure(isolation, 100, subscribers));
}
rows.push(await measure('process', 0, 1));
// A sampler step on CPU takes longer than the throttle interval: every preview takes the leading edge.
rows.push(await measure('process', 100, 1, 150, 60));
rows.push(await measure('process', 100, 10, 150, 60));

console.log(`\nPreview latency, node ctx.preview → client has the frame (${BYTES} B previews)`);
console.log(`machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, Node ${process.version}\n`);
console.log('| step every | node host | throttle | subscribers | frames | p50 ms | p95 ms | max ms |');
console.log('|---:|---|---:|---:|---:|---:|---:|---:|');
for (const r of rows) {
  console.log(
    `| ${r.stepMs} ms | ${r.isolation} | ${r.interval} ms | ${r.subscribers} | ${r.n} | ${r.p50.toFixed(2)} | ${r.p95.toFixed(2)} | ${r.max.toFixed(1)} |`,
  );
}
