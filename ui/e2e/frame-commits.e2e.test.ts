/**
 * What a frame costs React, as deterministic counts on a 210-node graph from the real server: a pan frame
 * renders no node and no edge component; a drag frame renders the dragged node once and its links only.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GraphDocument } from '@reelgraph/graph';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tiled } from './graphs';
import { CHROMIUM, ensureBuilt, hasChromium, launch } from './harness';
import { center, openEditor } from './page';
import { REPO, type RunningServer, startServer } from './realServer';

if (!hasChromium) console.warn(`[ui e2e] skipped: ${CHROMIUM} is missing (apt-get install -y chromium)`);

const preset = JSON.parse(readFileSync(join(REPO, 'graphs', 'text-to-video.json'), 'utf8')) as GraphDocument;
const graph = tiled(preset, 30);
const count = Object.keys(graph.nodes).length;

describe.skipIf(!hasChromium)('React commits per frame', () => {
  let browser: Browser;
  let server: RunningServer;
  let page: Page;

  beforeAll(async () => {
    await ensureBuilt();
    [server, browser] = await Promise.all([startServer(), launch()]);
    page = await openEditor(browser, server.url);
    await page.evaluate(() => window.__reelgraph.uiStore.setState({ panel: null }));
    await page.evaluate((g) => window.__reelgraph.actions.loadDocument(g, { quiet: true }), graph);
    await page.evaluate((n) => window.__reelgraph.perf.settled(n), count);
    // Everything on screen with a margin, so a short pan neither hides nor reveals a node.
    await page.evaluate(async () => {
      const rf = window.__reelgraph.perf.flow.rf!;
      await rf.fitView({ padding: 0.25 });
    });
    await frames(2);
    await takeAll();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const frames = (n: number) =>
    page.evaluate(async (k) => {
      for (let i = 0; i < k; i++) await new Promise((r) => requestAnimationFrame(r));
    }, n);
  const takeAll = () =>
    page.evaluate(() => ({
      nodes: window.__reelgraph.perf.takeRenders(),
      edges: window.__reelgraph.perf.takeEdgeRenders(),
    }));
  const transform = () =>
    page.evaluate(() => document.querySelector<HTMLElement>('.react-flow__viewport')!.style.transform);

  it('all nodes are on screen', async () => {
    expect(await page.locator('.react-flow__node').count()).toBe(count);
  });

  it('a pan frame renders no node and no edge', async () => {
    const at = await page.evaluate(() => window.__reelgraph.perf.findPanePoint());
    expect(at).not.toBeNull();
    const start = await transform();
    await page.mouse.move(at!.x, at!.y);
    await page.mouse.down();
    await frames(2);
    await takeAll();
    for (let i = 1; i <= 8; i++) {
      await page.mouse.move(at!.x + i * 4, at!.y + i * 3);
      await frames(2);
      expect(await takeAll(), `pan frame ${i}`).toEqual({ nodes: {}, edges: {} });
    }
    await page.mouse.up();
    await frames(2);
    expect(await transform()).not.toBe(start);
    expect(await takeAll()).toEqual({ nodes: {}, edges: {} });
  });

  it('a drag frame renders the dragged node once and only its links', async () => {
    const id = 'sampler~7';
    const links = await page.evaluate(
      (n) =>
        window.__reelgraph.editor
          .getState()
          .edges.filter((e) => e.source === n || e.target === n)
          .map((e) => e.id)
          .sort(),
      id,
    );
    expect(links.length).toBeGreaterThan(0);
    const from = await center(page.locator(`.rg-node[data-node-id="${id}"] .rg-title`));
    await page.mouse.move(from.x, from.y);
    await page.mouse.down();
    await frames(2);
    await takeAll();
    // The first move only starts the drag (React Flow's threshold); count the frames after it.
    await page.mouse.move(from.x + 6, from.y + 4);
    await frames(2);
    await takeAll();
    for (let i = 2; i <= 8; i++) {
      await page.mouse.move(from.x + i * 6, from.y + i * 4);
      await frames(2);
      const { nodes, edges } = await takeAll();
      expect(nodes, `drag frame ${i}`).toEqual({ [id]: 1 });
      expect(Object.keys(edges).sort(), `drag frame ${i}`).toEqual(links);
      expect(Math.max(...Object.values(edges)), `drag frame ${i}`).toBe(1);
    }
    await page.mouse.up();
  });
});
