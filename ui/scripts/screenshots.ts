/**
 * Retake docs/screenshots/*.png from the built editor against the real server (the tiny model runs the
 * text-to-video preset for the main view). Run from the repository root:
 * `pnpm exec tsx ui/scripts/screenshots.ts`.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { ensureBuilt, launch } from '../e2e/harness';
import { handle, openEditor } from '../e2e/page';
import { REPO, startServer } from '../e2e/realServer';

const OUT = join(REPO, 'docs', 'screenshots');
const shot = (page: Page, name: string) => page.screenshot({ path: join(OUT, `${name}.png`) });
const settle = (page: Page) => page.waitForTimeout(800);

await ensureBuilt();
const [server, browser] = await Promise.all([startServer(), launch()]);
try {
  const page = await openEditor(browser, server.url);
  // tsx names functions with a `__name` helper that functions sent into the page do not bring along.
  await page.evaluate('window.__name = (f) => f');
  await page.evaluate(() => window.__reelgraph.actions.loadPreset('text-to-video'));
  await settle(page);
  const job = await page.evaluate(() => window.__reelgraph.actions.runGraph());
  await page.waitForFunction(
    (j) => window.__reelgraph.runStore.getState().jobs[j!]?.state === 'success',
    job,
    { timeout: 300_000 },
  );
  await settle(page);
  await shot(page, 'editor');

  await page.getByRole('button', { name: 'Outputs', exact: true }).click();
  await page.getByRole('region', { name: 'Outputs' }).locator('.rg-gallery-entry').first().waitFor();
  await settle(page);
  await shot(page, 'gallery');
  await page.getByRole('button', { name: 'Outputs', exact: true }).click();

  await page.keyboard.press('l');
  const side = page.getByRole('complementary', { name: 'Library' });
  await side.getByLabel('Filter nodes').fill('sampler');
  await settle(page);
  await shot(page, 'library-nodes');
  await side.getByRole('tab', { name: 'Models' }).click();
  await settle(page);
  await shot(page, 'library-models');
  await page.keyboard.press('l');

  // Connect by keyboard: from the sampler's output.
  await handle(page, 'sampler', 'latent', 'source').focus();
  await page.keyboard.press('Enter');
  await page.getByRole('dialog', { name: 'Connect' }).waitFor();
  await settle(page);
  await shot(page, 'connect-by-keyboard');
  await page.keyboard.press('Escape');

  await page.keyboard.press('Alt+t');
  await page.evaluate(() => window.__reelgraph.actions.loadPreset('image-to-video'));
  await settle(page);
  await shot(page, 'workflow-tabs');
} finally {
  await browser.close();
  await server.close();
}
