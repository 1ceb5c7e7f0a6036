/**
 * The editor's performance contract as deterministic counts (not timings): on a 250-node graph, an edit,
 * a drag or a run event re-renders only the node it touches.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalog } from '../test/fixtures';
import { bigGraph } from './graphs';
import { CHROMIUM, ensureBuilt, hasChromium, launch, startStaticServer } from './harness';
import { center, shot } from './page';

if (!hasChromium) console.warn(`[ui e2e] skipped: ${CHROMIUM} is missing (apt-get install -y chromium)`);

describe.skipIf(!hasChromium)('render scope on a large graph', () => {
  let browser: Browser;
  let server: Awaited<ReturnType<typeof startStaticServer>>;
  let page: Page;
  const graph = bigGraph(50);

  beforeAll(async () => {
    await ensureBuilt();
    [server, browser] = await Promise.all([startStaticServer({ catalog }), launch()]);
    page = await browser.newPage({ viewport: { width: 1500, height: 950 } });
    await page.goto(server.url);
    await page.waitForFunction(() => performance.getEntriesByName('rg:loaded').length > 0);
    await page.evaluate((g) => window.__reelgraph.actions.loadDocument(g, { quiet: true }), graph);
    await page.evaluate(() => window.__reelgraph.perf.settled(250));
    await page.evaluate(() => window.__reelgraph.perf.flow.rf?.setViewport({ x: 0, y: 0, zoom: 1 }));
    await page.waitForTimeout(300);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const renders = () => page.evaluate(() => window.__reelgraph.perf.takeRenders());

  it('changing one widget re-renders that node only', async () => {
    await renders();
    await page.evaluate(() => window.__reelgraph.editor.getState().setInput('4', 'cfg', 7));
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    expect(await renders()).toEqual({ '4': 1 });
  });

  it('dragging a node re-renders no other node', async () => {
    await renders();
    const from = await center(page.locator('.rg-node[data-node-id="1"] .rg-title'));
    await page.mouse.move(from.x, from.y);
    await page.mouse.down();
    for (let i = 1; i <= 20; i++) await page.mouse.move(from.x + i * 5, from.y + i * 3);
    await page.mouse.up();
    const counts = await renders();
    expect(Object.keys(counts).filter((id) => id !== '1')).toEqual([]);
    await shot(page, '20-render-scope-drag');
  });

  it('run events for one node re-render that node only', async () => {
    await renders();
    await page.evaluate(() => {
      const { runStore } = window.__reelgraph;
      runStore.setState({ activeJob: 'j', nodes: { '4': { state: 'running', step: 3, total: 10 } } });
    });
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    expect(await renders()).toEqual({ '4': 1 });
  });
});
