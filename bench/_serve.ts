/**
 * A bench server in its own process, so a CPU profile shows the server alone, not the clients:
 * `node --import tsx bench/_serve.ts '<ServerOptions JSON>'`. Prints `{"url": …}` once listening. Lines
 * on stdin: `profile-start`, `profile-stop <file>` (a CPU profile of just that window; answers `ok`), and
 * `cpu` (answers the CPU milliseconds used so far by this process and by its node-host children).
 * Stops cleanly when its stdin closes.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { createInterface } from 'node:readline';
import { startServer } from '../server/test/helpers';

/** utime + stime of a process, in ms (Linux /proc; clock ticks are 100 Hz there). */
function cpuMsOf(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return 0;
  }
}

const t = await startServer(JSON.parse(process.argv[2] ?? '{}'));
const session = new Session();
session.connect();
process.stdout.write(`${JSON.stringify({ url: t.url })}\n`);
for await (const line of createInterface({ input: process.stdin })) {
  const [cmd, file] = line.split(' ');
  if (cmd === 'profile-start') {
    await session.post('Profiler.enable');
    await session.post('Profiler.start');
  } else if (cmd === 'profile-stop' && file) {
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(file, JSON.stringify(profile));
  } else if (cmd === 'cpu') {
    const u = process.cpuUsage();
    const pids = (t.server.host as { pids?: number[] }).pids ?? [];
    const hosts = pids.reduce((sum, pid) => sum + cpuMsOf(pid), 0);
    process.stdout.write(`${JSON.stringify({ server: (u.user + u.system) / 1000, hosts })}\n`);
    continue;
  }
  process.stdout.write('ok\n');
}
await t.close();
process.exit(0);
