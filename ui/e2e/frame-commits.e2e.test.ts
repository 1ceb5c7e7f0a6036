/**
 * What a frame costs React, as deterministic counts on a 210-node graph from the real server. Zoomed far
 * out, nodes are boxes and links lines on one canvas (FarCanvas): a pan frame renders no node and no edge
 * component; the node under the pointer becomes a real node, and a drag frame renders it once (its links
 * to canvas nodes are canvas lines); a zoom frame renders nothing unless it crosses the level of detail.
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
    // Loading fits the graph (far out) before the first render.
    await page.evaluate((n) => window.__reelgraph.perf.settled(n), count);
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

  it('all nodes are on screen, zoomed out as canvas boxes without DOM', async () => {
    expect(await page.locator('.react-flow__node').count()).toBe(0);
    expect(await page.locator('.react-flow__edge').count()).toBe(0);
    expect(await page.evaluate(() => window.__reelgraph.perf.farDrawn())).toBe(count);
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

  it('the node under the pointer becomes real; a drag frame renders it once', async () => {
    const id = 'sampler~7';
    // Hover the node's canvas box: it mounts as a React Flow node (a box, no widgets).
    const over = await page.evaluate((n) => {
      const f = window.__reelgraph.editor.getState().flow.find((x) => x.id === n)!;
      const m = new DOMMatrix(getComputedStyle(document.querySelector('.react-flow__viewport')!).transform);
      const r = document.querySelector('.react-flow')!.getBoundingClientRect();
      return { x: r.left + m.e + (f.position.x + 30) * m.a, y: r.top + m.f + (f.position.y + 8) * m.a };
    }, id);
    await page.mouse.move(over.x, over.y);
    await page.locator(`.rg-node.boxed[data-node-id="${id}"]`).waitFor({ state: 'attached' });
    expect(await page.locator('.react-flow__node').count()).toBe(1);
    await frames(2);
    const before = await page.evaluate(
      (n) => window.__reelgraph.editor.getState().flow.find((x) => x.id === n)!.position,
      id,
    );
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
      // Its links end at canvas nodes, so they are canvas lines, not edge components.
      expect(await takeAll(), `drag frame ${i}`).toEqual({ nodes: { [id]: 1 }, edges: {} });
    }
    await page.mouse.up();
    const moved = await page.evaluate(
      (n) => window.__reelgraph.editor.getState().flow.find((x) => x.id === n)!.position,
      id,
    );
    expect(moved.x).not.toBe(before.x);
    // Moving off it hands it back to the canvas.
    const pane = await page.evaluate(() => window.__reelgraph.perf.findPanePoint());
    await page.mouse.move(pane!.x, pane!.y);
    await page.mouse.click(pane!.x, pane!.y);
    await page.locator('.react-flow__node').first().waitFor({ state: 'detached' });
  });

  it('zooming renders nodes only when it crosses the level of detail', async () => {
    await setZoom(1);
    await page.evaluate(() => window.__reelgraph.perf.settled());
    await frames(2);
    expect(await page.locator('.rg-node.boxed').count()).toBe(0);
    expect(await widgetCount()).toBeGreaterThan(0);
    await takeAll();
    for (const z of [0.95, 0.8, 0.6, 0.5]) expect(await zoomFrame(z), `zoom ${z}`).toEqual([]);
    await setZoom(0.4);
    await frames(2);
    // Crossing out renders a node on screen at most once (in the same commit React Flow is handed the
    // filtered list) as it leaves for the canvas.
    for (const [id, n] of Object.entries((await takeAll()).nodes)) expect(n, id).toBe(1);
    expect(await page.locator('.react-flow__node').count()).toBe(0);
    expect(await page.evaluate(() => window.__reelgraph.perf.farDrawn())).toBeGreaterThan(0);
    await shot(page, '21-level-of-detail-canvas');
    for (const z of [0.35, 0.3]) expect(await zoomFrame(z), `zoom ${z}`).toEqual([]);
  });
});
