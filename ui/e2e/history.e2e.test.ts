/**
 * Work that lasts: the gallery is the server's history. Outputs survive a server restart and a page
 * reload and still play; the gallery filters, pages, loads the graph that made an output, re-runs and
 * deletes (after asking); the queue clears what finished (after asking).
 */
import { join } from 'node:path';
import type { GraphDocument } from '@reelgraph/graph';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { clipToVideo } from './graphs';
import { hasChromium } from './harness';
import { doc, openEditor, shot } from './page';
import { REPO, startServer } from './realServer';
import { realServerAndBrowser } from './setup';

/** Polls wait on the server and the browser: generous on a busy machine (vitest's default is 1 s). */
const SLOW = { timeout: 30_000 };

const PACKS = ['--nodes', join(REPO, 'ui', 'e2e', 'packs')];

const clipGraph = (title: string, format: 'mp4' | 'webp'): GraphDocument =>
  clipToVideo({ title, format, prefix: 'history', frames: 5, steps: 2, delayMs: 20 });

describe.skipIf(!hasChromium)('history and gallery', () => {
  const live = realServerAndBrowser(PACKS);

  async function runAndWait(page: Page, graph: GraphDocument): Promise<string> {
    await page.evaluate((g) => window.__reelgraph.actions.loadDocument(g, { quiet: true }), graph);
    const id = await page.evaluate(() => window.__reelgraph.actions.runGraph());
    expect(id).toBeTruthy();
    await expect
      .poll(() => page.evaluate((j) => window.__reelgraph.runStore.getState().jobs[j!]?.state, id), {
        timeout: 60_000,
      })
      .toBe('success');
    return id!;
  }

  const entries = (page: Page) => page.locator('.rg-gallery-entry');
  async function openGallery(page: Page) {
    await page.getByRole('button', { name: 'Outputs', exact: true }).click();
    await page.getByRole('region', { name: 'Outputs' }).waitFor();
  }
  async function plays(page: Page, title: string) {
    const video = page.getByRole('article', { name: title }).locator('video');
    await expect
      .poll(() => video.evaluate((v: HTMLVideoElement) => v.readyState >= 2 && v.currentTime > 0), {
        timeout: 30_000,
      })
      .toBe(true);
  }

  it('lists outputs after a server restart and a reload, and they play', async () => {
    let page = await openEditor(live.browser, live.server.url);
    const first = await runAndWait(page, clipGraph('Bar one', 'mp4'));
    await runAndWait(page, clipGraph('Other clip', 'webp'));
    await page.context().close();

    const port = Number(new URL(live.server.url).port);
    await live.server.close(true);
    live.server = await startServer(PACKS, 60_000, { dir: live.server.dir, port });

    page = await openEditor(live.browser, live.server.url);
    await openGallery(page);
    await expect.poll(() => entries(page).count(), SLOW).toBe(2);
    // Newest first.
    expect(await entries(page).first().getAttribute('aria-label')).toBe('Other clip');
    await plays(page, 'Bar one');
    await shot(page, '40-gallery-after-restart');

    await page.reload();
    await page.waitForFunction(() => performance.getEntriesByName('rg:loaded').length > 0);
    // The queue knows the outputs of jobs it did not watch.
    await expect
      .poll(() => page.locator(`[data-job="${first}"]`).getByRole('button', { name: 'Outputs (1)' }).count())
      .toBe(1);
    await openGallery(page);
    await expect.poll(() => entries(page).count(), SLOW).toBe(2);
    await plays(page, 'Bar one');
    await page.context().close();
  }, 240_000);

  it('filters by graph name and state, loads the graph that made an output, re-runs it', async () => {
    const page = await openEditor(live.browser, live.server.url);
    await page.getByRole('button', { name: 'New' }).click();
    await openGallery(page);
    await expect.poll(() => entries(page).count(), SLOW).toBe(2);
    await page.getByLabel('Filter by graph name').fill('bar');
    await expect.poll(() => entries(page).count(), SLOW).toBe(1);
    await page.getByLabel('Filter by state').selectOption('failed');
    await expect.poll(() => page.getByText('Nothing matches.').count(), SLOW).toBe(1);
    await page.getByLabel('Filter by state').selectOption('success');
    await expect.poll(() => entries(page).count(), SLOW).toBe(1);

    const bar = page.getByRole('article', { name: 'Bar one' });
    await bar.getByRole('button', { name: 'Load graph' }).click();
    await expect.poll(() => doc(page).then((d) => d.meta?.title), SLOW).toBe('Bar one');
    expect((await doc(page)).nodes).toEqual(clipGraph('Bar one', 'mp4').nodes);

    await bar.getByRole('button', { name: 'Re-run' }).click();
    await expect.poll(() => entries(page).count(), { timeout: 60_000 }).toBe(2);
    await page.getByLabel('Filter by graph name').fill('');
    await expect.poll(() => entries(page).count(), SLOW).toBe(3);
    await shot(page, '41-gallery-filtered-rerun');
    await page.context().close();
  }, 120_000);

  it('deletes an output and clears the finished jobs, each after asking', async () => {
    const page = await openEditor(live.browser, live.server.url);
    await openGallery(page);
    await expect.poll(() => entries(page).count(), SLOW).toBe(3);
    const other = page.getByRole('article', { name: 'Other clip' });
    await other.getByRole('button', { name: 'Delete' }).click();
    const confirm = page.getByRole('dialog', { name: 'Delete this output?' });
    await confirm.waitFor();
    await shot(page, '42-delete-confirm');
    await page.keyboard.press('Escape'); // changing one's mind keeps it
    await confirm.waitFor({ state: 'detached' });
    expect(await entries(page).count()).toBe(3);
    await other.getByRole('button', { name: 'Delete' }).click();
    await confirm.getByRole('button', { name: 'Delete' }).click();
    await expect.poll(() => entries(page).count(), SLOW).toBe(2);
    expect(await other.count()).toBe(0);

    await page.getByRole('button', { name: 'Queue', exact: true }).click();
    await page.getByRole('button', { name: 'Clear finished' }).click();
    const clear = page.getByRole('dialog', { name: 'Clear finished jobs?' });
    await clear.getByRole('button', { name: 'Clear finished' }).click();
    await expect.poll(() => page.locator('[data-job]').count(), SLOW).toBe(0);
    await openGallery(page);
    await expect.poll(() => page.getByText('Generated videos and images appear here.').count(), SLOW).toBe(1);
    await page.context().close();
  }, 90_000);

  it('lays several outputs (variations) out as a grid inside the node', async () => {
    const page = await openEditor(live.browser, live.server.url);
    const g = clipGraph('Variations', 'webp');
    g.nodes.clip!.inputs.batch = 4;
    await runAndWait(page, g);
    const node = page.locator('.rg-node[data-node-id="save"]');
    const videos = node.locator('.rg-outputs.grid > .rg-file');
    await expect.poll(() => videos.count(), SLOW).toBe(4);
    const box = (await node.boundingBox())!;
    const tiles = await videos.evaluateAll((vs) => vs.map((v) => v.getBoundingClientRect().toJSON()));
    for (const t of tiles) expect(t.right).toBeLessThanOrEqual(box.x + box.width + 1);
    expect(new Set(tiles.map((t) => Math.round(t.top))).size).toBeLessThan(4); // side by side, not a column
    await shot(page, '43-variations-grid');
    await page.context().close();
  }, 90_000);

  it('compares two videos side by side, played in sync', async () => {
    const page = await openEditor(live.browser, live.server.url);
    await runAndWait(page, clipGraph('Left clip', 'mp4'));
    await runAndWait(page, clipGraph('Right clip', 'mp4'));
    await openGallery(page);
    for (const name of ['Left clip', 'Right clip'])
      await page.getByRole('article', { name }).getByLabel('compare').check();
    await page.getByRole('button', { name: 'Compare (2/2)' }).click();
    const dialog = page.getByRole('dialog', { name: 'Compare' });
    const [left, right] = [dialog.getByLabel('Left clip'), dialog.getByLabel('Right clip')];
    await dialog.getByRole('button', { name: 'Play' }).click();
    const playing = (v: typeof left) =>
      v.evaluate((e: HTMLVideoElement) => !e.paused && e.readyState >= 2 && e.currentTime > 0);
    await expect.poll(() => playing(left), SLOW).toBe(true);
    await expect.poll(() => playing(right), SLOW).toBe(true);
    // One scrubber moves both.
    await dialog.getByRole('button', { name: 'Pause' }).click();
    await dialog.getByLabel('Position').fill('0.25');
    const times = () =>
      Promise.all([left, right].map((v) => v.evaluate((e: HTMLVideoElement) => e.currentTime)));
    await expect
      .poll(async () => (await times()).map((t) => Math.abs(t - 0.25) < 0.06), SLOW)
      .toEqual([true, true]);
    await shot(page, '44-compare');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    await page.context().close();
  }, 120_000);
});
