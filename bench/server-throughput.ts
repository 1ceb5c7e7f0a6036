/**
 * Throughput of trivial jobs over HTTP: C clients on loopback, each submits a 3-node engine-only job
 * (int → math → preview, a fresh value each time so nothing is cached), waits for its `job:state`
 * success on its WebSocket, and submits the next. Reports jobs/s and the submit round trip against the
 * targets of issue #14. The server runs in its own process; `--profile DIR` writes its CPU profile there.
 *
 * `pnpm bench server-throughput [-- --clients 8 --jobs 600 --warmup 80 --isolation process --profile DIR]`
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { Http, WsClient } from '../server/test/helpers';

const { values } = parseArgs({
  options: {
    clients: { type: 'string', default: '8' },
    jobs: { type: 'string', default: '600' },
    warmup: { type: 'string', default: '80' },
    isolation: { type: 'string', default: 'process' },
    profile: { type: 'string' },
  },
});
const CLIENTS = Number(values.clients);
const JOBS = Number(values.jobs);
const WARMUP = Number(values.warmup);
const TARGET_JOBS_PER_S = 200;
const TARGET_SUBMIT_P50_MS = 2;

const graph = (n: number) => ({
  version: 1,
  nodes: {
    n: { type: 'core.int', inputs: { value: n } },
    m: { type: 'core.math', inputs: { op: 'add', a: ['n', 'value'], b: 0.5 } },
    p: { type: 'core.preview', inputs: { value: ['m', 'result'] } },
  },
});

/** The server in its own process (`_serve.ts`); `command` sends it a line and waits for its answer. */
async function startServerProcess() {
  const opts = { submitRateLimit: 1_000_000, isolation: values.isolation };
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', new URL('./_serve.ts', import.meta.url).pathname, JSON.stringify(opts)],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const next = async () => {
    const { value, done } = await lines.next();
    if (done) throw new Error('the bench server exited');
    return value as string;
  };
  const url = (JSON.parse(await next()) as { url: string }).url;
  const command = async (line: string) => {
    child.stdin!.write(`${line}\n`);
    return next();
  };
  return { url, child, command };
}

/** One client: its own socket (by client id it hears its jobs) and a submit loop. */
async function client(url: string, id: string, take: () => number | undefined, submitMs: number[]) {
  const http = new Http(url);
  await http.session();
  const socket = new WsClient(url, id);
  await socket.opened;
  const done = new Map<string, () => void>();
  const early = new Set<string>(); // finished before the 201 reached us
  socket.ws.on('message', () => {
    const m = socket.messages.pop();
    if (!m) return;
    if (m.type !== 'job:state' || !m.jobId || m.state === 'queued' || m.state === 'running') return;
    if (m.state !== 'success') throw new Error(`job ${m.jobId} ended ${m.state}`);
    const f = done.get(m.jobId);
    if (f) f();
    else early.add(m.jobId);
  });
  for (let n = take(); n !== undefined; n = take()) {
    const t0 = performance.now();
    const r = await http.submit(graph(n), { clientId: id });
    submitMs.push(performance.now() - t0);
    if (r.status !== 201) throw new Error(`submit answered ${r.status}: ${JSON.stringify(r.body)}`);
    const jobId = r.body.jobId as string;
    if (early.delete(jobId)) continue;
    await new Promise<void>((resolve) => done.set(jobId, resolve));
    done.delete(jobId);
  }
  await socket.close();
}

async function phase(url: string, jobs: number, offset: number) {
  let next = 0;
  const take = () => (next < jobs ? offset + next++ : undefined);
  const submitMs: number[] = [];
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CLIENTS }, (_, i) => client(url, `tp${offset}-${i}`, take, submitMs)),
  );
  const secs = (performance.now() - t0) / 1000;
  submitMs.sort((a, b) => a - b);
  const pct = (p: number) => submitMs[Math.min(submitMs.length - 1, Math.floor(p * submitMs.length))]!;
  return { jobsPerS: jobs / secs, p50: pct(0.5), p95: pct(0.95) };
}

const { url, child, command } = await startServerProcess();
try {
  await phase(url, WARMUP, 0); // JIT warm-up of the whole path
  if (values.profile) await command('profile-start');
  type Cpu = { server: number; hosts: number };
  const cpu0 = JSON.parse(await command('cpu')) as Cpu;
  const r = await phase(url, JOBS, WARMUP);
  const cpu1 = JSON.parse(await command('cpu')) as Cpu;
  if (values.profile) {
    const file = path.resolve(values.profile);
    await command(`profile-stop ${file}`);
    console.log(`server CPU profile of the measured jobs: ${file}`);
  }
  const mark = (ok: boolean) => (ok ? 'met' : 'NOT met');
  console.log(
    `\nTrivial 3-node jobs, ${CLIENTS} clients, loopback, node host: ${values.isolation === 'process' ? 'process (core-only graphs like these run in the server process)' : values.isolation}; ${JOBS} jobs after ${WARMUP} warm-up`,
  );
  console.log(
    `load average: ${(await import('node:os'))
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}\n`,
  );
  console.log('| measure | value | target | |');
  console.log('|---|---:|---:|---|');
  console.log(
    `| jobs/s | ${r.jobsPerS.toFixed(1)} | ≥ ${TARGET_JOBS_PER_S} | ${mark(r.jobsPerS >= TARGET_JOBS_PER_S)} |`,
  );
  console.log(
    `| submit p50 | ${r.p50.toFixed(2)} ms | ≤ ${TARGET_SUBMIT_P50_MS} ms | ${mark(r.p50 <= TARGET_SUBMIT_P50_MS)} |`,
  );
  console.log(`| submit p95 | ${r.p95.toFixed(2)} ms | | |`);
  // CPU time per job is far steadier than wall time on a shared box: it says where the work went.
  const perJob = (ms: number) => `${((ms / JOBS) * 1000).toFixed(0)} µs`;
  console.log(`| server process CPU per job | ${perJob(cpu1.server - cpu0.server)} | | |`);
  console.log(`| node-host child CPU per job | ${perJob(cpu1.hosts - cpu0.hosts)} | | |`);
} finally {
  child.stdin!.end();
  await new Promise((r) => child.once('exit', r));
}
