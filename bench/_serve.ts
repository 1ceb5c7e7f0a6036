/**
 * A bench server in its own process, so a CPU profile shows the server alone, not the clients:
 * `node --import tsx bench/_serve.ts '<ServerOptions JSON>'`. Prints `{"url": …}` once listening. Lines
 * on stdin: `profile-start`, `profile-stop <file>` (a CPU profile of just that window; answers `ok`).
 * Stops cleanly when its stdin closes.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { createInterface } from 'node:readline';
import { startServer } from '../server/test/helpers';

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
  }
  process.stdout.write('ok\n');
}
await t.close();
process.exit(0);
