/**
 * Autosave per workflow: two tabs of one browser edit two graphs, reload, and neither overwrites the
 * other; a tab opened after one closed picks up the closed tab's work.
 */
import type { GraphDocument } from '@reelgraph/graph';
import type { BrowserContext, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { hasChromium } from './harness';
import { doc, shot } from './page';
import { realServerAndBrowser } from './setup';

/** Polls wait on the server and the browser: generous on a busy machine (vitest's default is 1 s). */
const SLOW = { timeout: 30_000 };

const graph = (title: string, value: number): GraphDocument => ({
  version: 2,
  nodes: {
    n: { type: 'core.int', inputs: { value }, meta: { position: { x: 0, y: 0 } } },
    p: { type: 'core.preview', inputs: { value: ['n', 'value'] }, meta: { position: { x: 320, y: 0 } } },
  },
  meta: { title },
});

describe.skipIf(!hasChromium)('autosave per workflow', () => {
  const live = realServerAndBrowser();

  const loaded = (page: Page) =>
    page.waitForFunction(() => performance.getEntriesByName('rg:loaded').length > 0);

  async function tab(context: BrowserContext): Promise<Page> {
    const page = await context.newPage();
    page.on('pageerror', (e) => console.error('[page error]', e.message));
    await page.goto(live.server.url);
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
    const context = await live.browser.newContext({ viewport: { width: 1200, height: 800 } });
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

  it('workflow tabs: each has its own graph, undo history, unsaved marker and name; they survive a reload', async () => {
    const context = await live.browser.newContext({ viewport: { width: 1300, height: 850 } });
    const page = await tab(context);
    const tabs = page.getByRole('tablist', { name: 'Workflows' });
    const value = () => doc(page).then((d) => d.nodes.n?.inputs.value);
    const setValue = (v: number) =>
      page.evaluate((x) => window.__reelgraph.editor.getState().setInput('n', 'value', x), v);

    await edit(page, graph('First', 1));
    await setValue(2); // one undo step in the first tab
    await tabs.getByRole('button', { name: 'Add a workflow tab' }).click();
    await expect.poll(() => tabs.getByRole('tab').count(), SLOW).toBe(2);
    expect(Object.keys((await doc(page)).nodes)).toEqual([]);
    await edit(page, graph('Second', 10));
    await setValue(20);
    await page.waitForTimeout(1100); // past the typing group window: a second step
    await setValue(30);
    expect(await tabs.locator('.rg-tab.active').textContent()).toMatch(/Second\s*•/);

    // Undo in the first tab undoes the first tab's edit only.
    await tabs.getByRole('tab', { name: /First/ }).click();
    expect(await value()).toBe(2);
    await page.keyboard.press('Control+z');
    expect(await value()).toBe(1);
    await tabs.getByRole('tab', { name: /Second/ }).click();
    expect(await value()).toBe(30);
    await page.keyboard.press('Control+z');
    expect(await value()).toBe(20);
    await page.keyboard.press('Control+Shift+z');
    expect(await value()).toBe(30);

    // Rename by double-clicking the active tab.
    await tabs.getByRole('tab', { name: /Second/ }).dblclick();
    await tabs.getByLabel('Workflow name').fill('Renamed');
    await page.keyboard.press('Enter');
    await expect.poll(() => doc(page).then((d) => d.meta?.title), SLOW).toBe('Renamed');
    await shot(page, '51-workflow-tabs');

    await page.evaluate(() => window.__reelgraph.actions.saveNow());
    await page.reload();
    await loaded(page);
    // Names and the unsaved marker come back ("First" was undone to what it was opened with: clean).
    expect(await tabs.getByRole('tab').allTextContents()).toEqual(['First', 'Renamed •']);
    expect(await value()).toBe(30);
    await tabs.getByRole('tab', { name: /First/ }).click();
    expect(await value()).toBe(1);

    // Closing a tab with unsaved changes asks first.
    await setValue(5);
    await tabs.getByRole('button', { name: 'Close First' }).click();
    const confirm = page.getByRole('dialog', { name: 'Close this workflow?' });
    await confirm.getByRole('button', { name: 'Close', exact: true }).click();
    await expect.poll(() => tabs.getByRole('tab').allTextContents(), SLOW).toEqual(['Renamed •']);
    expect(await value()).toBe(30);
    await context.close();
  }, 90_000);
});
