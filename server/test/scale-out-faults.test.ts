import { describe, expect, it } from 'vitest';
import { faultLines, runFaults } from './scale-out-fault-run';
import { hasRedisServer } from './scale-out-helpers';

const haveRedis = hasRedisServer();
if (!haveRedis)
  console.warn('scale-out fault tests skipped: redis-server is not installed (apt-get install redis-server)');

// The CI-sized version of `pnpm bench scale`'s fault run (20 kills, 3 Redis restarts).
describe.skipIf(!haveRedis)('scale-out faults: worker kills and Redis restarts under a steady stream', () => {
  it('4 worker kills and 1 Redis restart: every accepted job completes, on both fronts', async () => {
    const r = await runFaults({ kills: 4, redisRestarts: 1, videoEvery: 12, log: (l) => console.log(l) });
    console.log(faultLines(r).join('\n'));
    expect(r.kills).toBe(4);
    expect(r.redisRestarts).toBe(1);
    expect(r.accepted).toBeGreaterThan(0);
    expect(r.lost).toEqual([]);
    expect(r.failed).toEqual({});
    expect(r.completed).toBe(r.accepted);
    expect(r.disagree).toBe(0);
  }, 900_000);
});
