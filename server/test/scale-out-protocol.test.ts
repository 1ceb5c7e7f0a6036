import { afterAll, it } from 'vitest';
import { hasRedisServer } from './scale-out-helpers';

/**
 * The HTTP/WebSocket protocol suites again, on the BullMQ driver: every test server is a front with its
 * own Redis and one `reelgraph worker` process (`startServer` in helpers.ts reads RG_TEST_SCALE_OUT).
 */
const haveRedis = hasRedisServer();
it.skipIf(haveRedis)('skipped: redis-server is not installed (apt-get install redis-server)', () => {});
if (haveRedis) {
  const before = process.env.RG_TEST_SCALE_OUT;
  process.env.RG_TEST_SCALE_OUT = '1';
  afterAll(() => {
    if (before === undefined) delete process.env.RG_TEST_SCALE_OUT;
    else process.env.RG_TEST_SCALE_OUT = before;
  });
  await import('./server-jobs.test');
  await import('./server-ws.test');
}
