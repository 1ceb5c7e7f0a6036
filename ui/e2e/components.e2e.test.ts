/**
 * Components: a subgraph saved from the node menu is kept by the server, listed in the node library,
 * and inserted (twice, into another graph: the second shares the copied definition) runs and writes
 * the same bytes as the flat graph it was made from.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { plainClipGraph, runOutputHashes } from './components-run';
import { hasChromium } from './harness';
import { doc, nodeEl, openEditor } from './page';
import { REPO } from './realServer';
import { realServerAndBrowser } from './setup';

const SLOW = { timeout: 60_000 };
const ARGS = ['--nodes', join(REPO, 'ui', 'e2e', 'packs'), '--no-c2pa'];

describe.skipIf(!hasChromium)('components', () => {
  const live = realServerAndBrowser(ARGS);

  const runHashes = async (page: Page) => (await runOutputHashes(page, live.server.url)).sort();

  it('save a subgraph as a component, find it in the node library, insert it twice, run', async () => {
    const page = await openEditor(live.browser, live.server.url);
    await page.evaluate((g) => window.__reelgraph.actions.loadDocument(g, { quiet: true }), plainClipGraph());
    const [flat] = await runHashes(page);

    await page.evaluate(() => window.__reelgraph.editor.getState().select(['clip', 'save']));
    await nodeEl(page, 'clip').click({ button: 'right' });
    await page.getByRole('menuitem', { name: 'Convert to subgraph' }).click();
    await nodeEl(page, 'subgraph').waitFor();
    await nodeEl(page, 'subgraph').click({ button: 'right' });
    await page.getByRole('menuitem', { name: 'Save as component…' }).click();
    const name = page.getByLabel('component name');
    await name.fill('Clip to video');
    await name.press('Enter');
    await expect
      .poll(async () => {
        const r = await fetch(new URL('/api/workflows?kind=component', live.server.url));
        return ((await r.json()) as { workflows: { name: string }[] }).workflows.map((w) => w.name);
      }, SLOW)
      .toEqual(['Clip to video']);

    // Another graph, empty: the component comes from the node library.
    await page.evaluate(() =>
      window.__reelgraph.actions.loadDocument({ version: 2, nodes: {} }, { quiet: true }),
    );
    await page.evaluate(() => window.__reelgraph.uiStore.setState({ sidebar: 'nodes' }));
    await page.locator('[data-category="Components"] > summary').click();
    const entry = page.locator('[data-component="Clip to video"]');
    await entry.click();
    await expect.poll(async () => Object.keys((await doc(page)).nodes), SLOW).toEqual(['subgraph']);
    await entry.click();
    await expect.poll(async () => Object.keys((await doc(page)).nodes).length, SLOW).toBe(2);
    const inserted = await doc(page);
    // The same definition both times: copied once, shared.
    expect(Object.keys(inserted.definitions?.subgraphs ?? {})).toEqual(['subgraph']);
    expect(Object.values(inserted.nodes).map((n) => n.type)).toEqual([
      'subgraph:subgraph',
      'subgraph:subgraph',
    ]);
    await nodeEl(page, 'subgraph-2').waitFor();

    expect(await runHashes(page)).toEqual([flat, flat]);
  });
});
