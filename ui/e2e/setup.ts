/**
 * The shared setup of the browser tests against the real server: build the editor, start
 * `reelgraph serve` and Chromium before a describe block's tests, close both after it.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { ensureBuilt, launch } from './harness';
import { type RunningServer, startServer } from './realServer';

/** Filled in before the tests run; a test that restarts the server puts the new one in `server`. */
export interface Live {
  server: RunningServer;
  browser: Browser;
}

/** Call inside a `describe`: registers its `beforeAll`/`afterAll`; `serverArgs` go to `reelgraph serve`. */
export function realServerAndBrowser(serverArgs: string[] = []): Live {
  const live: Partial<Live> = {};
  beforeAll(async () => {
    await ensureBuilt();
    [live.server, live.browser] = await Promise.all([startServer(serverArgs), launch()]);
  }, 180_000);
  afterAll(async () => {
    await live.browser?.close();
    await live.server?.close();
  });
  return live as Live;
}
