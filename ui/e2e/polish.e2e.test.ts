/**
 * What users noticed: a clean console on load, dialogs that Escape closes and that keep focus, a search
 * that ranks names first, node text readable at 100 %, a light theme that follows the system.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { hasChromium } from './harness';
import { handle, openEditor, shot } from './page';
import { realServerAndBrowser } from './setup';

describe.skipIf(!hasChromium)('editor polish', () => {
  const live = realServerAndBrowser();

  it('loads without console errors or failed requests (the favicon is there)', async () => {
    const context = await live.browser.newContext();
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page: ${e.message}`));
    page.on('response', (r) => {
      if (r.status() >= 400) problems.push(`${r.status()} ${r.url()}`);
    });
    await page.goto(live.server.url);
    await page.waitForFunction(() => performance.getEntriesByName('rg:loaded').length > 0);
    await page.waitForLoadState('networkidle');
    expect(problems).toEqual([]);
    expect((await fetch(new URL('/favicon.svg', live.server.url))).status).toBe(200);
    await context.close();
  }, 60_000);

  async function dialogClosesOnEscape(page: Page, open: () => Promise<void>, name: string | RegExp) {
    await open();
    const dialog = page.getByRole('dialog', { name });
    await dialog.waitFor();
    // Focus stays inside: Tab goes round the dialog's controls, never to the page behind.
    for (let i = 0; i < 8; i++) {
      await page.keyboard.press('Tab');
      expect(await dialog.evaluate((d) => d.contains(document.activeElement))).toBe(true);
    }
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
  }

  it('Escape closes every dialog, focus stays inside while open, and nothing blocks the canvas after', async () => {
    const page = await openEditor(live.browser, live.server.url);
    await dialogClosesOnEscape(
      page,
      () => page.getByRole('button', { name: '?' }).click(),
      'Keyboard shortcuts',
    );
    await dialogClosesOnEscape(page, () => page.getByRole('button', { name: 'Presets' }).click(), 'Presets');
    // The canvas takes clicks again: a double click opens the node search …
    await page.mouse.dblclick(500, 650);
    const palette = page.getByRole('dialog', { name: 'Add node' });
    await palette.waitFor();
    // … which Escape closes too, also when focus has left the search field.
    await palette.locator('[role="option"]').first().click({ trial: true });
    await palette.locator('[role="listbox"]').focus();
    await page.keyboard.press('Escape');
    await palette.waitFor({ state: 'detached' });
    await page.context().close();
  }, 60_000);

  it('the other dialogs too: a confirmation, the missing-nodes report, connect by keyboard', async () => {
    const page = await openEditor(live.browser, live.server.url);
    const load = (g: unknown) =>
      page.evaluate((d) => window.__reelgraph.actions.loadDocument(d as never, { quiet: true }), g);
    await load({
      version: 1,
      nodes: { n: { type: 'core.int', inputs: { value: 1 } }, p: { type: 'core.preview', inputs: {} } },
    });
    await page.waitForSelector('.rg-node[data-node-id="n"]');
    // A question (deleting a saved workflow): Escape answers no, the workflow stays.
    await page.keyboard.press('w');
    const side = page.getByRole('complementary', { name: 'Library' });
    await side.getByLabel('Workflow name').fill('Kept');
    await side.getByRole('button', { name: 'Save to library' }).click();
    await side.getByRole('button', { name: 'Delete Kept' }).waitFor();
    await dialogClosesOnEscape(
      page,
      () => side.getByRole('button', { name: 'Delete Kept' }).click(),
      'Delete this workflow?',
    );
    expect((await fetch(`${live.server.url}/api/workflows/Kept`)).status).toBe(200);
    await page.keyboard.press('w');
    await dialogClosesOnEscape(
      page,
      async () => {
        await handle(page, 'n', 'value', 'source').focus();
        await page.keyboard.press('Enter');
      },
      'Connect',
    );
    await dialogClosesOnEscape(
      page,
      async () => {
        await load({ version: 1, nodes: { x: { type: 'nope.missing', inputs: {} } } });
      },
      'This graph needs things the server lacks',
    );
    await page.context().close();
  }, 60_000);

  it('search ranks exact and prefix name matches first: "sampler" lists no Seed or Math', async () => {
    const page = await openEditor(live.browser, live.server.url);
    await page.mouse.dblclick(500, 650);
    await page.getByLabel('Search nodes').fill('sampler');
    const types = await page
      .locator('.rg-palette [data-type]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-type')));
    expect(types[0]).toBe('video.sampler');
    expect(types).not.toContain('core.seed');
    expect(types.some((t) => t?.includes('math'))).toBe(false);
    await shot(page, '60-search-sampler');
    await page.context().close();
  }, 60_000);

  it('node text is at least 12 px at 100 % zoom', async () => {
    const page = await openEditor(live.browser, live.server.url);
    const sizes = await page.evaluate(() => {
      const small: string[] = [];
      for (const el of document.querySelectorAll<HTMLElement>('.rg-node *')) {
        const hasText = [...el.childNodes].some(
          (n) => n.nodeType === Node.TEXT_NODE && n.textContent?.trim(),
        );
        const size = Number.parseFloat(getComputedStyle(el).fontSize);
        if (hasText && size < 12) small.push(`${el.className || el.tagName}: ${size}px`);
      }
      return { small, checked: document.querySelectorAll('.rg-node').length };
    });
    expect(sizes.checked).toBeGreaterThan(0);
    expect(sizes.small).toEqual([]);
    await page.context().close();
  }, 60_000);

  it('follows the system colour scheme', async () => {
    const luminance = async (scheme: 'light' | 'dark') => {
      const context = await live.browser.newContext({
        colorScheme: scheme,
        viewport: { width: 1300, height: 850 },
      });
      const page = await context.newPage();
      await page.goto(live.server.url);
      await page.waitForFunction(() => performance.getEntriesByName('rg:loaded').length > 0);
      const [r, g, b] = await page.evaluate(() =>
        (getComputedStyle(document.querySelector('.rg-node')!).backgroundColor.match(/\d+/g) ?? []).map(
          Number,
        ),
      );
      if (scheme === 'light') await shot(page, '61-light-theme');
      await context.close();
      return (0.2126 * r! + 0.7152 * g! + 0.0722 * b!) / 255;
    };
    expect(await luminance('light')).toBeGreaterThan(0.8);
    expect(await luminance('dark')).toBeLessThan(0.3);
  }, 60_000);
});
