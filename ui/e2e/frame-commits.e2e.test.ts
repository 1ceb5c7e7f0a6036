/**
 * What a frame costs React, as deterministic counts on a 210-node graph from the real server: a pan frame
 * renders no node and no edge component; a drag frame renders the dragged node once and its links only;
 * a zoom frame renders nothing unless it crosses the level of detail, where boxes (no widget DOM) and
 * full nodes swap with every link end left where it was.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GraphDocument } from '@reelgraph/graph';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tiled } from './graphs';
import { CHROMIUM, ensureBuilt, hasChromium, launch } from './harness';
import { center, openEditor, shot } from './page';
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

  const widgetCount = () => page.locator('.react-flow__node :is(input, textarea, select)').count();
  const setZoom = (zoom: number) =>
    page.evaluate(async (z) => {
      const rf = window.__reelgraph.perf.flow.rf!;
      // Zoom about the first tile's sampler, so it and its neighbours stay on screen.
      await rf.setViewport({ x: 400 - 700 * z, y: 300 - 100 * z, zoom: z });
    }, zoom);

  const mountedIds = () =>
    page.evaluate(() =>
      [...document.querySelectorAll<HTMLElement>('.react-flow__node')].map((e) => e.dataset.id!),
    );
  /** One zoom step; the nodes it rendered that were on screen before it (a node scrolled into view mounts). */
  const zoomFrame = async (z: number) => {
    const before = new Set(await mountedIds());
    await setZoom(z);
    await frames(2);
    return Object.keys((await takeAll()).nodes).filter((id) => before.has(id));
  };

  it('all nodes are on screen, zoomed out as boxes without widget DOM', async () => {
    expect(await page.locator('.react-flow__node').count()).toBe(count);
    expect(await page.locator('.rg-node.boxed').count()).toBe(count);
    expect(await widgetCount()).toBe(0);
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

  it('zooming renders nodes only when it crosses the level of detail, and link ends stay put', async () => {
    const edge = await page.evaluate(
      () => window.__reelgraph.editor.getState().edges.find((e) => e.target === 'sampler~0')!.id,
    );
    const path = () =>
      page.evaluate((id) => document.querySelector(`[data-id="${id}"] path`)?.getAttribute('d'), edge);
    await setZoom(1);
    await page.evaluate(() => window.__reelgraph.perf.settled());
    await frames(2);
    expect(await page.locator('.rg-node.boxed').count()).toBe(0);
    expect(await widgetCount()).toBeGreaterThan(0);
    await takeAll();
    for (const z of [0.95, 0.8, 0.6, 0.5]) expect(await zoomFrame(z), `zoom ${z}`).toEqual([]);
    const near = await path();
    expect(near).toBeTruthy();
    const before = await mountedIds();
    await setZoom(0.4);
    await frames(2);
    const crossed = (await takeAll()).nodes;
    for (const id of before) expect(crossed[id], id).toBe(1);
    expect(await widgetCount()).toBe(0);
    // The box keeps the full node's size and sockets: the link is drawn where it was (to measuring noise).
    const nums = (d: string | null | undefined) => (d?.match(/-?[\d.]+/g) ?? []).map(Number);
    const far = nums(await path());
    expect(far).toHaveLength(nums(near).length);
    for (const [i, v] of far.entries()) expect(Math.abs(v - nums(near)[i]!)).toBeLessThan(0.5);
    await shot(page, '21-level-of-detail-boxes');
    for (const z of [0.35, 0.3]) expect(await zoomFrame(z), `zoom ${z}`).toEqual([]);
  });
});
