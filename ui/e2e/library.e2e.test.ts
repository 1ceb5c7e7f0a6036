/**
 * The editor's second round, editor-lib's part: the library sidebar (workflows kept by the server, the
 * node tree, the models), reroute points and the link menu, image inputs by their own names, presets
 * laid out without crossings, and every action by keyboard. Chromium against the real server.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GraphDocument } from '@reelgraph/graph';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { hasChromium } from './harness';
import { layoutProblems } from './layout-check';
import { center, doc, edgeCount, handle, openEditor, shot } from './page';
import { realServerAndBrowser } from './setup';

const SLOW = { timeout: 30_000 };
const REPO = join(import.meta.dirname, '..', '..');

const load = (page: Page, g: GraphDocument) =>
  page.evaluate((d) => window.__reelgraph.actions.loadDocument(d, { quiet: true }), g);

const pair: GraphDocument = {
  version: 1,
  nodes: {
    n: { type: 'core.int', inputs: { value: 3 }, meta: { position: { x: 0, y: 0 } } },
    p: { type: 'core.preview', inputs: { value: ['n', 'value'] }, meta: { position: { x: 420, y: 160 } } },
  },
  meta: { title: 'Pair' },
};

/** Click the middle of the link into `target.input` (its path's own midpoint, on screen) until it is selected. */
async function clickLink(page: Page, target: string, input: string) {
  const id = `e:${target}:${input}`;
  for (let attempt = 0; attempt < 10; attempt++) {
    // The view may still be fitting itself after a load: aim again each time.
    await page.waitForTimeout(300);
    const at = await page.evaluate((edge) => {
      const path = document.querySelector<SVGPathElement>(
        `.react-flow__edge[data-id="${edge}"] path.react-flow__edge-path`,
      )!;
      const p = path.getPointAtLength(path.getTotalLength() / 2);
      const m = path.getScreenCTM()!;
      return { x: m.a * p.x + m.c * p.y + m.e, y: m.b * p.x + m.d * p.y + m.f };
    }, id);
    await page.mouse.click(at.x, at.y);
    const selected = await page.evaluate(
      (edge) => window.__reelgraph.editor.getState().edges.find((e) => e.id === edge)?.selected === true,
      id,
    );
    if (selected) return;
  }
  throw new Error(`could not select the link ${id}`);
}

describe.skipIf(!hasChromium)('editor library, links, images, presets, keyboard', () => {
  const live = realServerAndBrowser();

  it('workflow library: save to the server, see it from another browser, open it in a tab, delete it', async () => {
    const page = await openEditor(live.browser, live.server.url);
    await load(page, pair);
    await page.keyboard.press('w');
    const side = page.getByRole('complementary', { name: 'Library' });
    await side.getByLabel('Workflow name').fill('Beach test');
    await side.getByRole('button', { name: 'Save to library' }).click();
    await side.getByRole('list', { name: 'My workflows' }).getByText('Beach test').waitFor(SLOW);
    await expect
      .poll(() => side.getByRole('list', { name: 'Presets' }).getByRole('button').count(), SLOW)
      .toBeGreaterThan(3);
    await shot(page, '60-library-workflows');

    // Another browser context (no shared storage): the library comes from the server.
    const other = await openEditor(live.browser, live.server.url);
    await other.keyboard.press('w');
    const otherSide = other.getByRole('complementary', { name: 'Library' });
    await otherSide.locator('[data-workflow-name="Beach test"] .rg-library-open').click();
    await expect
      .poll(() => other.getByRole('tablist', { name: 'Workflows' }).getByRole('tab').count(), SLOW)
      .toBe(2);
    await expect.poll(() => doc(other).then((d) => d.nodes.n?.inputs.value), SLOW).toBe(3);
    expect((await doc(other)).meta?.title).toBe('Beach test');

    await otherSide.getByRole('button', { name: 'Delete Beach test' }).click();
    await other
      .getByRole('dialog', { name: 'Delete this workflow?' })
      .getByRole('button', { name: 'Delete' })
      .click();
    await expect
      .poll(() => otherSide.getByRole('list', { name: 'My workflows' }).getByRole('listitem').count(), SLOW)
      .toBe(0);
    const r = await fetch(`${live.server.url}/api/workflows`);
    expect(((await r.json()) as { workflows: unknown[] }).workflows).toEqual([]);
    await other.context().close();
    await page.context().close();
  }, 120_000);

  it('workflow library: asks before replacing another workflow of that name; renames, never over another', async () => {
    const page = await openEditor(live.browser, live.server.url);
    const side = page.getByRole('complementary', { name: 'Library' });
    const mine = side.getByRole('list', { name: 'My workflows' });
    const saveAs = async (name: string) => {
      await side.getByLabel('Workflow name').fill(name);
      await side.getByRole('button', { name: 'Save to library' }).click();
    };
    const stored = async (name: string) =>
      (await (
        await fetch(`${live.server.url}/api/workflows/${encodeURIComponent(name)}`)
      ).json()) as GraphDocument;
    await load(page, pair);
    await page.keyboard.press('w');
    await saveAs('First');
    await mine.getByText('First').waitFor(SLOW);
    // The same graph saved again under its own name: no question.
    await page.evaluate(() => window.__reelgraph.editor.getState().setInput('n', 'value', 4));
    await saveAs('First');
    await expect.poll(async () => (await stored('First')).nodes.n?.inputs.value, SLOW).toBe(4);

    // Another graph under that name: asked first; Cancel keeps the one saved.
    await load(page, { ...pair, meta: { title: 'Other' } });
    await page.evaluate(() => window.__reelgraph.editor.getState().setInput('n', 'value', 9));
    await saveAs('First');
    const replace = page.getByRole('dialog', { name: 'Replace this workflow?' });
    await replace.waitFor(SLOW);
    expect(await replace.textContent()).toContain('“First”');
    await shot(page, '66-library-replace');
    await replace.getByRole('button', { name: 'Cancel' }).click();
    await replace.waitFor({ state: 'detached' });
    expect((await stored('First')).nodes.n?.inputs.value).toBe(4);
    // Replace: it is.
    await saveAs('First');
    await replace.getByRole('button', { name: 'Replace' }).click();
    await expect.poll(async () => (await stored('First')).nodes.n?.inputs.value, SLOW).toBe(9);

    // Rename: the open graph takes the new name; renaming onto a taken name is refused and says so.
    await saveAs('Second');
    await mine.getByText('Second').waitFor(SLOW);
    await side.getByRole('button', { name: 'Rename First' }).click();
    const newName = side.getByLabel('New name for First');
    await newName.fill('Second');
    await newName.press('Enter');
    await page.getByRole('alert').filter({ hasText: 'already exists' }).waitFor(SLOW);
    expect((await stored('First')).nodes.n?.inputs.value).toBe(9);
    await newName.fill('Renamed');
    await newName.press('Enter');
    await mine.getByText('Renamed').waitFor(SLOW);
    await expect.poll(() => mine.getByRole('listitem').count(), SLOW).toBe(2);
    expect((await stored('Renamed')).meta?.title).toBe('Renamed');
    // Escape leaves a rename as it was.
    await side.getByRole('button', { name: 'Rename Renamed' }).click();
    await side.getByLabel('New name for Renamed').press('Escape');
    await side.getByRole('button', { name: 'Rename Renamed' }).waitFor(SLOW);
    await page.context().close();
  }, 120_000);

  it('node library by category and model library add nodes to the canvas', async () => {
    const page = await openEditor(live.browser, live.server.url);
    await load(page, { version: 1, nodes: {} });
    await page.keyboard.press('l');
    const side = page.getByRole('complementary', { name: 'Library' });
    const tree = side.getByRole('list', { name: 'Node library' });
    await tree.locator('summary', { hasText: /^video$/ }).click();
    await tree.locator('summary', { hasText: /^sampling$/ }).click();
    await tree.locator('.rg-tree-node[data-type="video.sampler"]').click();
    await expect
      .poll(async () => Object.values((await doc(page)).nodes).map((n) => n.type), SLOW)
      .toEqual(['video.sampler']);
    // Filtering opens the categories that match.
    await side.getByLabel('Filter nodes').fill('decode');
    await tree.locator('.rg-tree-node[data-type="video.vae_decode"]').waitFor(SLOW);
    expect(await tree.locator('.rg-tree-node[data-type="video.sampler"]').count()).toBe(0);
    await shot(page, '61-library-nodes');

    await side.getByRole('tab', { name: 'Models' }).click();
    const models = side.getByRole('list', { name: 'Models' });
    const first = models.getByRole('listitem').first();
    await first.waitFor(SLOW);
    const name = await first.getAttribute('data-model');
    expect(await first.textContent()).toMatch(/width .* · frames /);
    await first.getByRole('button', { name: /^Add / }).first().click();
    await expect
      .poll(
        async () =>
          Object.values((await doc(page)).nodes).find((n) => n.type === 'video.load_model')?.inputs.model,
        SLOW,
      )
      .toBe(name);
    await shot(page, '62-library-models');
    await page.context().close();
  }, 120_000);

  it('reroute points and the link menu: add, move, keep through a reload; insert a node; delete the link', async () => {
    const page = await openEditor(live.browser, live.server.url);
    await load(page, pair);
    await page.waitForSelector('.react-flow__edge[data-id="e:p:value"]');
    await clickLink(page, 'p', 'value');
    const menu = page.getByRole('button', { name: 'Link menu' });
    await menu.click();
    await page.getByRole('menuitem', { name: 'Add reroute point' }).click();
    const point = page.locator('circle.rg-reroute');
    await expect.poll(() => point.count(), SLOW).toBe(1);
    const before = (await doc(page)).nodes.p!.meta!.reroutes!.value![0]!;
    // Drag it 80 px down: one undo step.
    const c = await center(point);
    await page.mouse.move(c.x, c.y);
    await page.mouse.down();
    await page.mouse.move(c.x + 10, c.y + 40, { steps: 5 });
    await page.mouse.move(c.x + 20, c.y + 80, { steps: 5 });
    await page.mouse.up();
    const moved = (await doc(page)).nodes.p!.meta!.reroutes!.value![0]!;
    expect(moved.y - before.y).toBeGreaterThan(40);
    await shot(page, '63-reroute');

    await page.evaluate(() => window.__reelgraph.actions.saveNow());
    await page.reload();
    await page.waitForFunction(() => performance.getEntriesByName('rg:loaded').length > 0);
    expect((await doc(page)).nodes.p!.meta!.reroutes).toEqual({ value: [moved] });
    await page.locator('circle.rg-reroute').waitFor(SLOW);

    // Double-click a point: gone. Undo brings it back.
    await page.locator('circle.rg-reroute').dblclick();
    await expect.poll(() => doc(page).then((d) => d.nodes.p?.meta?.reroutes), SLOW).toBeUndefined();
    await page.keyboard.press('Control+z');
    await expect.poll(() => doc(page).then((d) => d.nodes.p?.meta?.reroutes?.value?.length), SLOW).toBe(1);

    // Insert a node on the link: int → math → preview.
    await clickLink(page, 'p', 'value');
    await page.getByRole('button', { name: 'Link menu' }).click();
    await page.getByRole('menuitem', { name: 'Insert node…' }).click();
    await page.getByLabel('Search nodes').fill('math');
    await page.keyboard.press('Enter');
    await expect.poll(() => edgeCount(page), SLOW).toBe(2);
    const d = await doc(page);
    const mid = Object.entries(d.nodes).find(([id]) => id !== 'n' && id !== 'p')!;
    expect(mid[1].type).toBe('core.math');
    expect(d.nodes.p!.inputs.value).toEqual([mid[0], expect.any(String)]);
    expect(Object.values(mid[1].inputs)).toContainEqual(['n', 'value']);

    // Delete the link into the new node from its menu.
    const input = Object.entries(mid[1].inputs).find(([, v]) => Array.isArray(v) && v[0] === 'n')![0];
    await clickLink(page, mid[0], input);
    await page.getByRole('button', { name: 'Link menu' }).click();
    await page.getByRole('menuitem', { name: 'Delete link' }).click();
    await expect.poll(() => edgeCount(page), SLOW).toBe(1);
    await page.context().close();
  }, 120_000);

  it('image inputs show a thumbnail and the file name they were uploaded as, also after a reload; preset images too', async () => {
    const page = await openEditor(live.browser, live.server.url);
    await load(page, {
      version: 1,
      nodes: { img: { type: 'video.load_image', inputs: { image: 'graphs/assets/start.png' } } },
    });
    const widget = page.locator('.rg-node[data-node-id="img"] [data-widget="image"]');
    await expect.poll(() => widget.locator('.w-value').textContent(), SLOW).toBe('start.png');
    const loaded = () =>
      widget.locator('img.w-thumb').evaluate((i: HTMLImageElement) => i.complete && i.naturalWidth > 0);
    await expect.poll(loaded, SLOW).toBe(true);

    await widget.locator('input[type=file]').setInputFiles({
      name: 'my beach.png',
      mimeType: 'image/png',
      buffer: readFileSync(join(REPO, 'graphs/assets/start.png')),
    });
    await expect
      .poll(() => doc(page).then((d) => String(d.nodes.img?.inputs.image)), SLOW)
      .toMatch(/^[0-9a-f]{32}\.png$/);
    await expect.poll(() => widget.locator('.w-value').textContent(), SLOW).toBe('my beach.png');
    await expect.poll(loaded, SLOW).toBe(true);
    await page.evaluate(() => window.__reelgraph.actions.saveNow());
    await page.reload();
    await page.waitForFunction(() => performance.getEntriesByName('rg:loaded').length > 0);
    await expect.poll(() => widget.locator('.w-value').textContent(), SLOW).toBe('my beach.png');
    await expect.poll(loaded, SLOW).toBe(true);
    await shot(page, '64-image-input');
    await page.context().close();
  }, 120_000);

  // Not yet met for three presets (laid out by ui/scripts/layout-presets.ts, the best of 18 ELK runs):
  // with its sockets in the order they are drawn, stitch cannot be drawn without a crossing at all (the
  // graph with that socket order is not planar); ELK's layered drawings of extend-video (29 nodes, one
  // loader feeding 18 sockets) and video-to-video keep some. Those are held to what they are now; the rest must be clean. No link passes
  // under a node in any preset.
  const KNOWN_CROSSINGS: Record<string, number> = { 'extend-video': 50, stitch: 5, 'video-to-video': 2 };

  it('presets open laid out with no crossing links and no link behind a node (known exceptions held)', async () => {
    const page = await openEditor(live.browser, live.server.url);
    const presets = (await (await fetch(`${live.server.url}/api/presets`)).json()) as {
      presets: { name: string }[];
    };
    expect(presets.presets.length).toBeGreaterThan(3);
    for (const { name } of presets.presets) {
      await page.evaluate((n) => window.__reelgraph.actions.loadPreset(n), name);
      await page.waitForTimeout(800); // fit view and measure
      const { crossings, behind } = await page.evaluate(layoutProblems);
      expect(crossings.length, `${name}: ${crossings.join(', ')}`).toBeLessThanOrEqual(
        KNOWN_CROSSINGS[name] ?? 0,
      );
      expect(behind, name).toEqual([]);
    }
    await page.context().close();
  }, 180_000);

  it('keyboard: Tab to a socket, Enter, type or arrow to a compatible socket, Enter connects; Escape does not', async () => {
    const page = await openEditor(live.browser, live.server.url);
    const { p: _unlinked, ...rest } = pair.nodes;
    await load(page, {
      ...pair,
      nodes: { ...rest, p: { type: 'core.preview', inputs: {}, meta: { position: { x: 420, y: 160 } } } },
    });
    await page.waitForSelector('.rg-node[data-node-id="n"]');
    const out = handle(page, 'n', 'value', 'source');
    // From the node (React Flow makes it a Tab stop), Tab walks on into its sockets: they are in the Tab order.
    await page.locator('.react-flow__node[data-id="n"]').focus();
    const onOutput = () => out.evaluate((h) => h === document.activeElement);
    for (let i = 0; i < 10 && !(await onOutput()); i++) await page.keyboard.press('Tab');
    expect(await onOutput()).toBe(true);

    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Connect' });
    await dialog.waitFor(SLOW);
    const options = dialog.getByRole('option');
    await expect.poll(() => options.allTextContents(), SLOW).toContain('Preview value · value');
    await shot(page, '67-connect-by-keyboard');
    // Escape: closed, nothing linked.
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect(await edgeCount(page)).toBe(0);

    await out.focus();
    await page.keyboard.press('Enter');
    await dialog.getByLabel('Filter sockets').waitFor(SLOW);
    await dialog.getByLabel('Filter sockets').fill('preview');
    await expect.poll(() => options.count(), SLOW).toBe(1);
    await dialog.getByLabel('Filter sockets').press('Enter');
    await expect.poll(() => doc(page).then((d) => d.nodes.p?.inputs.value), SLOW).toEqual(['n', 'value']);
    await dialog.waitFor({ state: 'detached', ...SLOW });

    // From the input end, by arrows: the list holds only outputs that fit.
    await page.keyboard.press('Control+z');
    await expect.poll(() => edgeCount(page), SLOW).toBe(0);
    await handle(page, 'p', 'value', 'target').focus();
    await page.keyboard.press(' ');
    await dialog.waitFor(SLOW);
    expect(await options.allTextContents()).toEqual(['Integer · value']);
    const filter = dialog.getByLabel('Filter sockets');
    await expect.poll(() => filter.evaluate((f) => f === document.activeElement), SLOW).toBe(true);
    await filter.press('ArrowDown');
    await filter.press('Enter');
    await expect.poll(() => doc(page).then((d) => d.nodes.p?.inputs.value), SLOW).toEqual(['n', 'value']);
    await page.context().close();
  }, 120_000);

  it('keyboard: add a node by search, connect, undo, delete, switch tabs, open the library, run', async () => {
    const page = await openEditor(live.browser, live.server.url);
    await load(page, { version: 1, nodes: {} });
    const types = async () =>
      Object.values((await doc(page)).nodes)
        .map((n) => n.type)
        .sort();
    await page.mouse.move(500, 400);
    await page.keyboard.press('Shift+A');
    await page.getByLabel('Search nodes').fill('integer');
    await page.keyboard.press('Enter');
    await page.mouse.move(900, 400);
    await page.keyboard.press('Shift+A');
    await page.getByLabel('Search nodes').fill('preview');
    await page.keyboard.press('Enter');
    await expect.poll(types, SLOW).toEqual(['core.int', 'core.preview']);
    await page.keyboard.press('Control+a');
    await page.keyboard.press('c');
    await expect.poll(() => edgeCount(page), SLOW).toBe(1);
    await page.keyboard.press('Control+z');
    await expect.poll(() => edgeCount(page), SLOW).toBe(0);
    await page.keyboard.press('Control+Shift+z');
    await expect.poll(() => edgeCount(page), SLOW).toBe(1);

    // Run: the job is queued and finishes.
    await page.keyboard.press('Control+Enter');
    await expect
      .poll(
        () =>
          page.evaluate(() => Object.values(window.__reelgraph.runStore.getState().jobs).map((j) => j.state)),
        SLOW,
      )
      .toContain('success');

    // Tabs: a new one, and back.
    const tabs = page.getByRole('tablist', { name: 'Workflows' });
    await page.keyboard.press('Alt+t');
    await expect.poll(() => tabs.getByRole('tab').count(), SLOW).toBe(2);
    expect(await types()).toEqual([]);
    await page.keyboard.press('Alt+,');
    await expect.poll(types, SLOW).toEqual(['core.int', 'core.preview']);

    // Library by key, and Tab reaches its controls.
    await page.keyboard.press('l');
    await page.getByRole('complementary', { name: 'Library' }).waitFor();
    await page.keyboard.press('l');
    await page.getByRole('complementary', { name: 'Library' }).waitFor({ state: 'detached' });

    // Delete the selection.
    await page.keyboard.press('Control+a');
    await page.keyboard.press('Delete');
    await expect.poll(types, SLOW).toEqual([]);

    // The shortcut list shows what the keys do.
    await page.keyboard.press('?');
    const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await help.waitFor();
    for (const k of ['Shift+A', 'Alt+T', 'W', 'Ctrl+Enter']) expect(await help.textContent()).toContain(k);
    await shot(page, '65-shortcuts');
    await page.keyboard.press('Escape');
    await help.waitFor({ state: 'detached' });
    await page.context().close();
  }, 180_000);
});
