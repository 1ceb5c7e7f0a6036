/**
 * Load: N WebSocket clients, each watching jobs, M jobs per round, several rounds. Reports throughput
 * and the server process's memory after each round (after a forced GC), to show it stays flat.
 *
 * `pnpm bench server-load [-- --clients 50 --jobs 200 --rounds 5]`
 */

import { parseArgs } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { startServer, stepsGraph, until, WsClient } from '../server/test/helpers';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const { values } = parseArgs({
  options: {
    clients: { type: 'string', default: '50' },
    jobs: { type: 'string', default: '200' },
    rounds: { type: 'string', default: '5' },
  },
});
const CLIENTS = Number(values.clients);
const JOBS = Number(values.jobs);
const ROUNDS = Number(values.rounds);

const t = await startServer({ submitRateLimit: 1_000_000, previewIntervalMs: 0, progressIntervalMs: 0 });
const mb = (n: number) => (n / 1024 / 1024).toFixed(1);
const rows: string[] = [];
let lost = 0;
try {
  for (let round = 1; round <= ROUNDS; round++) {
    const clients = Array.from({ length: CLIENTS }, (_, i) => new WsClient(t.url, `c${round}-${i}`));
    await Promise.all(clients.map((c) => c.opened));
    await t.http.post('/api/queue/pause');
    const jobs: { id: string; subs: number[] }[] = [];
    for (let j = 0; j < JOBS; j++) {
      const owner = j % CLIENTS;
      const { jobId } = (
        await t.http.submit(stepsGraph(3, 0, `r${round}j${j}`), { clientId: `c${round}-${owner}` })
      ).body;
      const watcher = (owner + 1) % CLIENTS;
      clients[watcher]!.send({ type: 'subscribe', jobIds: [jobId] });
      jobs.push({ id: jobId, subs: [owner, watcher] });
    }
    const t0 = performance.now();
    await t.http.post('/api/queue/resume');
    await until(
      async () => (await t.http.get('/api/queue')).body.queued === 0 && t.server.scheduler.activeCount === 0,
      600_000,
    );
    const secs = (performance.now() - t0) / 1000;
    for (const job of jobs) {
      for (const s of job.subs) {
        const got = await clients[s]!.waitState(job.id, 'success', 10_000).catch(() => undefined);
        if (!got) lost++;
      }
    }
    await Promise.all(clients.map((c) => c.close()));
    await until(() => t.server.hub.stats().connections === 0, 10_000);
    gc();
    const m = process.memoryUsage();
    rows.push(
      `| ${round} | ${JOBS} | ${(JOBS / secs).toFixed(1)} | ${t.server.hub.sentJson} | ${mb(m.rss)} | ${mb(m.heapUsed)} | ${t.server.hub.stats().jobsWithSubscribers} |`,
    );
    console.log(rows.at(-1));
  }
} finally {
  await t.close();
}
console.log(
  `\n${CLIENTS} WebSocket clients per round, each job watched by its submitter and one other client.`,
);
console.log(
  'Memory is the server process (HTTP, WebSocket, queue; nodes run in the node-host child) after a GC.\n',
);
console.log(
  '| round | jobs | jobs/s | JSON messages sent (total) | RSS MB | heap MB | live job subscriptions |',
);
console.log('|---:|---:|---:|---:|---:|---:|---:|');
for (const r of rows) console.log(r);
console.log(`\nevents lost: ${lost}`);
if (lost > 0) process.exit(1);
