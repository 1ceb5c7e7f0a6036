/**
 * `/api/health` latency while the server is under a hostile-input attack: deep JSON bodies (up to
 * ~6 MB nested a million levels), malformed HTTP on raw sockets, over-long route parameters. Several
 * attackers run at once; one client asks `/api/health` every 10 ms. Also reports how long the server
 * takes to refuse each deep body (from the last byte sent to the answer).
 *
 * `pnpm bench server-hostile [-- --seconds 10 --attackers 4]`
 */
import { fork } from 'node:child_process';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { deepJobBodies, nest, rawRequests, sendRaw } from '../server/test/fixtures/hostile';
import { sleep, startServer } from '../server/test/helpers';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    attackers: { type: 'string', default: '4' },
    child: { type: 'boolean', default: false },
  },
});

// The server runs in its own process, so the attackers' work never shares its event loop.
if (values.child) {
  const t = await startServer({ isolation: 'inline', submitRateLimit: 1_000_000 });
  process.send?.({ url: t.url, csrf: t.http.csrf });
  process.on('message', async () => {
    await t.close();
    process.exit(0);
  });
  await new Promise(() => {});
}
const SECONDS = Number(values.seconds);
const ATTACKERS = Number(values.attackers);

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
const ms = (n: number) => `${n.toFixed(1)} ms`;

const child = fork(process.argv[1]!, ['--child'], { execArgv: process.execArgv });
const t = await new Promise<{ url: string; csrf: string }>((resolve) =>
  child.once('message', resolve as never),
);
const port = Number(new URL(t.url).port);
const headers = { 'content-type': 'application/json', 'x-reelgraph-csrf': t.csrf };
const bodies = [
  ...deepJobBodies(),
  {
    name: '6 MB nested a million levels',
    body: `{"graph":{"version":1,"nodes":{},"meta":${nest('[', ']', 1_000_000)}}}`,
  },
  { name: '6 MB of open brackets', body: '['.repeat(6_000_000) },
];
const raw = rawRequests();

let attacking = true;
const statuses = new Map<number, number>();
const refusals = new Map<string, number[]>();
async function attacker(offset: number) {
  for (let i = offset; attacking; i++) {
    const k = i % (bodies.length + raw.length);
    let status: number;
    if (k < bodies.length) {
      const b = bodies[k]!;
      const t0 = performance.now();
      const r = await fetch(`${t.url}/api/jobs`, { method: 'POST', headers, body: b.body });
      await r.arrayBuffer();
      const list = refusals.get(b.name) ?? [];
      list.push(performance.now() - t0);
      refusals.set(b.name, list);
      status = r.status;
    } else {
      status = (await sendRaw(port, raw[k - bodies.length]!.text)).status;
    }
    statuses.set(status, (statuses.get(status) ?? 0) + 1);
  }
}

const health: number[] = [];
async function prober() {
  while (attacking) {
    const t0 = performance.now();
    const r = await fetch(`${t.url}/api/health`);
    await r.arrayBuffer();
    if (r.status !== 200) throw new Error(`health answered ${r.status}`);
    health.push(performance.now() - t0);
    await sleep(10);
  }
}

const idle: number[] = [];
for (let i = 0; i < 200; i++) {
  const t0 = performance.now();
  await (await fetch(`${t.url}/api/health`)).arrayBuffer();
  idle.push(performance.now() - t0);
}
const runs = [prober(), ...Array.from({ length: ATTACKERS }, (_, i) => attacker(i * 7))];
await sleep(SECONDS * 1000);
attacking = false;
await Promise.all(runs);
child.send('close');
await new Promise((resolve) => child.once('exit', resolve));

const sortedIdle = idle.sort((a, b) => a - b);
const sorted = health.sort((a, b) => a - b);
const total = [...statuses.values()].reduce((a, b) => a + b, 0);
console.log(
  `load ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}, ${os.cpus().length} cores`,
);
console.log(
  `attack: ${total} hostile requests in ${SECONDS} s by ${ATTACKERS} attackers; statuses`,
  Object.fromEntries(statuses),
);
console.log(
  `/api/health idle:   p50 ${ms(pct(sortedIdle, 50))}, p95 ${ms(pct(sortedIdle, 95))}, max ${ms(sortedIdle.at(-1)!)}`,
);
console.log(
  `/api/health attack: n ${sorted.length}, p50 ${ms(pct(sorted, 50))}, p95 ${ms(pct(sorted, 95))}, p99 ${ms(pct(sorted, 99))}, max ${ms(sorted.at(-1)!)}`,
);
for (const name of ['meta objects 5000 deep', 'meta 500k deep (1 MB)', '6 MB nested a million levels']) {
  const r = (refusals.get(name) ?? []).sort((a, b) => a - b);
  if (r.length)
    console.log(`refusing "${name}" (send + answer): median ${ms(pct(r, 50))}, max ${ms(r.at(-1)!)}`);
}
if ([...statuses.keys()].some((s) => s >= 500 || s < 400)) {
  console.error('some hostile request was not answered with a 4xx');
  process.exit(1);
}
