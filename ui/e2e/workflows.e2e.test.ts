/**
 * Autosave per workflow: two tabs of one browser edit two graphs, reload, and neither overwrites the
 * other; a tab opened after one closed picks up the closed tab's work.
 */
import type { GraphDocument } from '@reelgraph/graph';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, hasChromium, launch } from './harness';
import { doc, shot } from './page';
import { type RunningServer, startServer } from './realServer';

const graph = (title: string, value: number): GraphDocument => ({
  version: 1,
  nodes: {
    n: { type: 'core.int', inputs: { value }, meta: { position: { x: 0, y: 0 } } },
    p: { type: 'core.preview', inputs: { value: ['n', 'value'] }, meta: { position: { x: 320, y: 0 } } },
  },
  meta: { title },
});

describe.skipIf(!hasChromium)('autosave per workflow', () => {
  let server: RunningServer;
  let browser: Browser;

  beforeAll(async () => {
    await ensureBuilt();
    [server, browser] = await Promise.all([startServer(), launch()]);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const loaded = (page: Page) =>
    page.waitForFunction(() => performance.getEntriesByName('rg:loaded').length > 0);

  async function tab(context: BrowserContext): Promise<Page> {
    const page = await context.newPage();
    page.on('pageerror', (e) => console.error('[page error]', e.message));
    await page.goto(server.url);
    await loaded(page);
    return page;
  }

  async function edit(page: Page, g: GraphDocument) {
    await page.evaluate((d) => {
      window.__reelgraph.actions.loadDocument(d, { quiet: true });
      window.__reelgraph.actions.saveNow();
    }, g);
  }

  const title = (page: Page) => doc(page).then((d) => d.meta?.title);

  it('two tabs edit two graphs without clobbering each other', async () => {
    const context = await browser.newContext({ viewport: { width: 1200, height: 800 } });
    const a = await tab(context);
    await edit(a, graph('Graph A', 1));
    const b = await tab(context);
    // A second tab does not open the first tab's graph.
    expect(await title(b)).not.toBe('Graph A');
    await edit(b, graph('Graph B', 2));
    // A keeps typing after B saved.
    await edit(a, graph('Graph A', 11));

    await a.reload();
    await loaded(a);
    await b.reload();
    await loaded(b);
    expect(await doc(a)).toEqual(graph('Graph A', 11));
    expect(await doc(b)).toEqual(graph('Graph B', 2));
    await shot(b, '50-second-tab-own-graph');

    // Close A: the next tab picks up A's work, not B's (which is still open).
    await a.close();
    const c = await tab(context);
    expect(await doc(c)).toEqual(graph('Graph A', 11));
    await context.close();
  }, 90_000);
});
