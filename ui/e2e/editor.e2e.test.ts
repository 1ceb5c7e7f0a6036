/**
 * The editor in headless Chromium against the real server (`reelgraph serve`), as a user drives it.
 * Screenshots of each step go to test-results/ui/.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GraphDocument } from '@reelgraph/graph';
import { makeFrames, writeImage, writeVideo } from '@reelgraph/media';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clipToVideo } from './graphs';
import { CHROMIUM, ensureBuilt, hasChromium, launch } from './harness';
import {
  addFromPalette,
  center,
  doc,
  dragTo,
  dropFile,
  edgeCount,
  handle,
  nodeEl,
  openEditor,
  shot,
} from './page';
import { REPO, type RunningServer, startServer } from './realServer';

/** Polls wait on the server and the browser: generous on a busy machine (vitest's default is 1 s). */
const SLOW = { timeout: 30_000 };

const blur = (page: Page) => page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());

if (!hasChromium) console.warn(`[ui e2e] skipped: ${CHROMIUM} is missing (apt-get install -y chromium)`);
const hasModel = existsSync(join(REPO, 'models', 'tiny', 'model.json'));
if (hasChromium && !hasModel) {
  console.warn(
    '[ui e2e] text-to-video run skipped: models/tiny/model.json is missing (the tiny model is not trained)',
  );
}

describe.skipIf(!hasChromium)('editor in the browser', () => {
  let server: RunningServer;
  let browser: Browser;

  beforeAll(async () => {
    await ensureBuilt();
    // The test-only pack (ui/e2e/packs/e2e) adds a model-free clip generator with progress and previews.
    [server, browser] = await Promise.all([
      startServer(['--nodes', join(REPO, 'ui', 'e2e', 'packs')]),
      launch(),
    ]);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  /** A fresh editor with an empty canvas. */
  async function emptyEditor(): Promise<Page> {
    const page = await openEditor(browser, server.url);
    await page.getByRole('button', { name: 'New' }).click();
    await page.waitForFunction(() => Object.keys(window.__reelgraph.editor.getState().items).length === 0);
    return page;
  }

  it('builds a graph from an empty canvas by search and drag-to-connect, and runs it', async () => {
    const page = await emptyEditor();
    await page.mouse.dblclick(300, 300);
    const int = await addFromPalette(page, 'integer');
    expect(await page.evaluate((id) => window.__reelgraph.editor.getState().items[id], int)).toMatchObject({
      type: 'core.int',
    });
    // Set its value with the number widget's keyboard control.
    const spin = nodeEl(page, int).getByRole('spinbutton', { name: 'value' });
    await spin.focus();
    for (let i = 0; i < 5; i++) await page.keyboard.press('ArrowUp');
    await blur(page);
    await shot(page, '01-search-added-integer');

    // Drag its output into empty space: the palette offers compatible nodes and wires the pick.
    await dragTo(page, await center(handle(page, int, 'value', 'source')), { x: 750, y: 320 });
    await expect.poll(() => page.getByRole('dialog', { name: 'Add node' }).isVisible(), SLOW).toBe(true);
    const offered = await page
      .locator('.rg-palette [data-type]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-type')));
    expect(offered).toContain('core.preview');
    expect(offered).not.toContain('core.boolean'); // no INT input there
    await shot(page, '02-link-release-palette');
    const preview = await addFromPalette(page, 'preview');
    const d = await doc(page);
    expect(d.nodes[preview]?.inputs.value).toEqual([int, 'value']);
    await shot(page, '03-connected');

    await page.keyboard.press('Control+Enter');
    await expect
      .poll(() => nodeEl(page, preview).locator('.rg-value').textContent(), { timeout: 60_000 })
      .toContain('5');
    await expect.poll(() => nodeEl(page, int).locator('.rg-status').textContent(), SLOW).toMatch(/✓|cached/);
    await shot(page, '04-ran');
    await page.context().close();
  }, 120_000);

  it('colours sockets of pack-declared types from the catalog', async () => {
    const { types } = (await (await fetch(`${server.url}/api/catalog`)).json()) as {
      types: Record<string, { color: string }>;
    };
    // IMAGE is not built in: the video pack declares it (defineSocketType).
    expect(types.IMAGE?.color).toMatch(/^#[0-9a-f]{6}$/i);
    const page = await emptyEditor();
    await page.mouse.dblclick(300, 250);
    const clip = await addFromPalette(page, 'test clip');
    const background = await handle(page, clip, 'images', 'source').evaluate(
      (el) => getComputedStyle(el).backgroundColor,
    );
    const hex = types.IMAGE!.color.slice(1);
    const [r, g, b] = [0, 2, 4].map((i) => Number.parseInt(hex.slice(i, i + 2), 16));
    expect(background).toBe(`rgb(${r}, ${g}, ${b})`);
    await page.context().close();
  }, 60_000);

  it('refuses an invalid connection and says why', async () => {
    const page = await emptyEditor();
    await page.mouse.dblclick(300, 250);
    const bool = await addFromPalette(page, 'boolean');
    await page.mouse.dblclick(700, 250);
    const math = await addFromPalette(page, 'math');
    expect(await page.evaluate((id) => window.__reelgraph.editor.getState().items[id], math)).toMatchObject({
      type: 'core.math',
    });
    await dragTo(
      page,
      await center(handle(page, bool, 'value', 'source')),
      await center(handle(page, math, 'a', 'target')),
    );
    expect(await edgeCount(page)).toBe(0);
    await expect
      .poll(() => page.locator('.rg-toast.error').last().textContent(), SLOW)
      .toMatch(/BOOLEAN.*FLOAT/);
    await shot(page, '05-invalid-connection-refused');
    await page.context().close();
  }, 60_000);

  it('shows server validation errors on the right node and input', async () => {
    const page = await emptyEditor();
    await page.mouse.dblclick(300, 250);
    const int = await addFromPalette(page, 'integer');
    await page.mouse.dblclick(700, 250);
    const preview = await addFromPalette(page, 'preview'); // its required input stays unlinked
    await page.getByRole('button', { name: '▶ Run' }).click();
    await expect.poll(() => nodeEl(page, preview).getAttribute('class'), SLOW).toContain('has-problems');
    await expect(nodeEl(page, preview).locator('[data-input="value"].problem').count()).resolves.toBe(1);
    expect(await nodeEl(page, int).getAttribute('class')).not.toContain('has-problems');
    await shot(page, '06-validation-error-on-node');
    await page.context().close();
  }, 60_000);

  it('undo and redo round-trip grouped edits', async () => {
    const page = await emptyEditor();
    await page.mouse.dblclick(300, 250);
    const a = await addFromPalette(page, 'integer');
    const start = await doc(page);
    await page.mouse.dblclick(700, 250);
    await addFromPalette(page, 'preview');
    // A drag is one step.
    const title = nodeEl(page, a).locator('.rg-title');
    const from = await center(title);
    await page.mouse.move(from.x, from.y);
    await page.mouse.down();
    for (let i = 1; i <= 10; i++) await page.mouse.move(from.x + i * 10, from.y + i * 5);
    await page.mouse.up();
    // Typing into a text widget is one step.
    await page.mouse.dblclick(300, 600);
    const text = await addFromPalette(page, 'text');
    await nodeEl(page, text).locator('input, textarea').first().pressSequentially('hello');
    await blur(page);
    const end = await doc(page);
    expect(end.nodes[text]?.inputs.value).toBe('hello');

    for (let i = 0; i < 4; i++) await page.keyboard.press('Control+z');
    expect(await doc(page)).toEqual(start);
    await shot(page, '07-undone');
    for (let i = 0; i < 4; i++) await page.keyboard.press('Control+Shift+z');
    expect(await doc(page)).toEqual(end);
    await shot(page, '08-redone');
    await page.context().close();
  }, 60_000);

  it('drops a generated MP4 to restore its graph, and says so when a file has none', async () => {
    const page = await emptyEditor();
    const graph: GraphDocument = {
      version: 2,
      nodes: {
        n: { type: 'core.int', inputs: { value: 7 }, meta: { title: 'Seven', position: { x: 0, y: 0 } } },
        p: { type: 'core.preview', inputs: { value: ['n', 'value'] }, meta: { position: { x: 320, y: 0 } } },
      },
      meta: { title: 'Embedded' },
    };
    const dir = mkdtempSync(join(tmpdir(), 'reelgraph-ui-drop-'));
    try {
      const file = join(dir, 'clip.mp4');
      const frames = makeFrames(64, 64, 9, 1, 8);
      frames.data.fill(128);
      await writeVideo(frames, file, { format: 'mp4', fps: 8, graph: JSON.stringify(graph) });
      await dropFile(page, readFileSync(file), 'clip.mp4', 'video/mp4');
      await expect.poll(() => doc(page), SLOW).toEqual(graph);
      await shot(page, '09-dropped-mp4-restored');

      await dropFile(page, new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]), 'nothing.png', 'image/png');
      await expect
        .poll(() => page.locator('.rg-toast.error').last().textContent(), SLOW)
        .toContain('No Reelgraph graph');
      expect(await doc(page)).toEqual(graph);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    await page.context().close();
  }, 60_000);

  it('autosaves: a reload finds the graph unchanged; Save downloads the same document', async () => {
    const page = await emptyEditor();
    await page.mouse.dblclick(300, 250);
    const a = await addFromPalette(page, 'integer');
    await page.mouse.dblclick(700, 400);
    await addFromPalette(page, 'seed');
    await page.keyboard.press('n'); // a note
    await page.evaluate((id) => window.__reelgraph.editor.getState().setTitle(id, 'Frames'), a);
    const before = await doc(page);
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Save' }).click();
    const saved = JSON.parse(readFileSync((await (await download).path())!, 'utf8'));
    // The saved file also names the pack version behind its node types (core is built in: no npm package).
    expect(saved).toEqual({ ...before, packs: { core: { version: '0.1.0' } } });
    await page.waitForTimeout(400); // the autosave's debounce
    await page.reload();
    await page.waitForFunction(() => performance.getEntriesByName('rg:loaded').length > 0);
    expect(await doc(page)).toEqual(before);
    await shot(page, '10-after-reload');
    await page.context().close();
  }, 60_000);

  it('loads presets, and reports missing node types and models of a dropped graph', async () => {
    const page = await emptyEditor();
    await page.getByRole('button', { name: 'Presets' }).click();
    await page.locator('[data-preset]').first().waitFor();
    const names = await page
      .locator('[data-preset]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-preset')));
    expect(names).toContain('text-to-video');
    await shot(page, '15-presets');
    await page.locator('[data-preset="engine-math"]').click();
    await expect.poll(async () => Object.keys((await doc(page)).nodes).length, SLOW).toBeGreaterThan(1);

    const needy: GraphDocument = {
      version: 2,
      nodes: {
        a: { type: 'acme.upscale4k', inputs: { factor: 4 }, meta: { position: { x: 0, y: 0 } } },
        b: { type: 'video.load_model', inputs: { model: 'wan-14b', device: 'cpu', threads: 0 } },
      },
    };
    await dropFile(page, new TextEncoder().encode(JSON.stringify(needy)), 'needy.json', 'application/json');
    const dialog = page.getByRole('dialog', { name: /lacks/ });
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain('acme.upscale4k');
    expect(await dialog.textContent()).toContain('wan-14b');
    await shot(page, '16-missing-dialog');
    await dialog.getByRole('button', { name: 'Keep editing' }).click();
    expect(await nodeEl(page, 'a').getAttribute('class')).toContain('missing');
    expect(Object.keys((await doc(page)).nodes)).toEqual(['a', 'b']); // kept, not dropped
    await page.context().close();
  }, 60_000);

  it('groups move their nodes; notes, collapse, bypass and auto-layout are single undo steps', async () => {
    const page = await emptyEditor();
    await page.mouse.dblclick(250, 250);
    const a = await addFromPalette(page, 'integer');
    await page.mouse.dblclick(250, 450);
    const b = await addFromPalette(page, 'number');
    await page.keyboard.press('Control+a');
    await page.keyboard.press('Control+g');
    const group = await page.evaluate(
      () => Object.keys(window.__reelgraph.editor.getState().items).find((k) => k.startsWith('@g:'))!,
    );
    const pos = (id: string) =>
      page.evaluate((i) => window.__reelgraph.editor.getState().flow.find((f) => f.id === i)!.position, id);
    const [a0, b0] = [await pos(a), await pos(b)];
    await page.mouse.click(900, 700); // deselect
    const title = page.locator('.rg-frame-title').first();
    const from = await center(title);
    await dragTo(page, from, { x: from.x + 200, y: from.y + 60 });
    const [a1, b1] = [await pos(a), await pos(b)];
    expect(a1.x - a0.x).toBeCloseTo(b1.x - b0.x, 0);
    expect(a1.x - a0.x).toBeGreaterThan(50);
    expect(a1.y - a0.y).toBeGreaterThan(20);
    await shot(page, '17-group-moved');
    const past = () => page.evaluate(() => window.__reelgraph.editor.getState().history.past.length);
    const steps = await past();
    await page.evaluate((id) => window.__reelgraph.editor.getState().select([id]), a);
    await page.keyboard.press('Control+b');
    await page.keyboard.press('Alt+c');
    expect(await nodeEl(page, a).getAttribute('class')).toMatch(/mode-bypassed.*collapsed/);
    await page.getByRole('button', { name: 'Layout' }).click();
    await expect.poll(past, SLOW).toBe(steps + 3);
    await page.mouse.move(700, 600);
    await page.keyboard.press('n');
    await page.locator('.rg-note textarea').last().fill('remember the seed');
    await blur(page);
    expect((await doc(page)).meta?.notes?.at(-1)?.text).toBe('remember the seed');
    expect((await doc(page)).meta?.groups).toHaveLength(1);
    await shot(page, '18-note-collapse-bypass-layout');
    expect(group).toMatch(/^@g:/);
    await page.context().close();
  }, 60_000);

  it('runs a generating graph: progress ring and live preview on the node, the video plays inline and in the gallery, its MP4 restores the graph', async () => {
    const page = await emptyEditor();
    const graph = clipToVideo({
      title: 'Moving bar',
      format: 'mp4',
      prefix: 'e2e',
      frames: 9,
      steps: 8,
      delayMs: 400,
    });
    await page.evaluate((g) => window.__reelgraph.actions.loadDocument(g, { quiet: true }), graph);
    await page.getByRole('button', { name: '▶ Run' }).click();
    const clip = nodeEl(page, 'clip');
    await clip.locator('.rg-progress').waitFor({ timeout: 30_000 });
    await clip.locator('.rg-preview img').waitFor({ timeout: 30_000 });
    expect(Number(await clip.locator('.rg-preview').getAttribute('data-frames'))).toBe(9);
    await expect
      .poll(() =>
        clip.locator('.rg-preview img').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth),
      )
      .toBe(64);
    await shot(page, '19-live-preview-and-progress');

    const video = nodeEl(page, 'save').locator('video.rg-video');
    await video.waitFor({ timeout: 60_000 });
    await expect
      .poll(() => video.evaluate((v: HTMLVideoElement) => v.readyState >= 2 && v.currentTime > 0), {
        timeout: 30_000,
      })
      .toBe(true);
    expect(await clip.locator('.rg-status').textContent()).toMatch(/✓/);
    // The live preview keeps the last frame and says it is done, not "step 8/8".
    await expect
      .poll(() => clip.locator('.rg-preview figcaption').textContent(), { timeout: 30_000 })
      .toBe('done');
    expect(await clip.locator('.rg-preview img').count()).toBe(1);
    await shot(page, '20-video-plays-in-output-node');
    await page.getByRole('button', { name: 'Outputs', exact: true }).click();
    await page.locator('.rg-gallery-item video').first().waitFor();
    await shot(page, '21-gallery');

    const mp4 = new Uint8Array(
      await (await fetch(new URL((await video.getAttribute('src'))!, server.url))).arrayBuffer(),
    );
    await page.getByRole('button', { name: 'New' }).click();
    await dropFile(page, mp4, 'e2e.mp4', 'video/mp4');
    await expect.poll(() => doc(page), SLOW).toEqual(graph);
    await page.context().close();
  }, 120_000);

  it('uploads an image with a thumbnail; a link dropped on a widget turns it into a socket', async () => {
    const page = await emptyEditor();
    await page.mouse.dblclick(300, 250);
    const load = await addFromPalette(page, 'load image');
    const dir = mkdtempSync(join(tmpdir(), 'reelgraph-ui-img-'));
    try {
      const png = join(dir, 'red.png');
      const frames = makeFrames(64, 64, 1);
      for (let p = 0; p < frames.data.length; p += 3) frames.data[p] = 220;
      await writeImage(frames, png);
      await nodeEl(page, load).locator('input[type="file"]').setInputFiles(png);
      // The default (a preset asset) has a thumbnail too: wait for the upload to replace it first.
      await expect
        .poll(async () => (await doc(page)).nodes[load]?.inputs.image, { timeout: 20_000 })
        .toMatch(/^[0-9a-f]{32}\.png$/);
      const thumb = nodeEl(page, load).locator('img.w-thumb');
      await expect
        .poll(() => thumb.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth), {
          timeout: 20_000,
        })
        .toBe(64);
      expect((await doc(page)).nodes[load]?.inputs.image).toMatch(/^[0-9a-f]{32}\.png$/);
      await shot(page, '22-image-uploaded');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }

    await page.mouse.dblclick(300, 600);
    const int = await addFromPalette(page, 'integer');
    await page.mouse.dblclick(750, 600);
    const math = await addFromPalette(page, 'math');
    await dragTo(
      page,
      await center(handle(page, int, 'value', 'source')),
      await center(handle(page, math, 'a', 'target')),
    );
    expect((await doc(page)).nodes[math]?.inputs.a).toEqual([int, 'value']);
    expect(await nodeEl(page, math).locator('[data-input="a"]').getAttribute('class')).toContain('socket');
    await shot(page, '23-link-on-widget');
    // Dragging the link's end off the socket and letting go in empty space removes it; the widget returns.
    const end = await center(handle(page, math, 'a', 'target'));
    await dragTo(page, { x: end.x - 7, y: end.y }, { x: end.x - 150, y: end.y + 200 });
    await expect.poll(async () => (await doc(page)).nodes[math]?.inputs.a, SLOW).toBe(0);
    expect(await edgeCount(page)).toBe(0);
    await page.context().close();
  }, 60_000);

  it('cancels a running job from the queue and re-runs it', async () => {
    const page = await emptyEditor();
    const graph: GraphDocument = {
      version: 2,
      nodes: {
        clip: {
          type: 'e2e.clip',
          inputs: { frames: 5, steps: 40, delay_ms: 500 },
          meta: { position: { x: 0, y: 0 } },
        },
        save: {
          type: 'video.save',
          inputs: {
            images: ['clip', 'images'],
            fps: 8,
            format: 'webp',
            prefix: 'e2e-cancel',
            quality: 0,
            audio: '',
            embed_graph: true,
          },
          meta: { position: { x: 360, y: 0 } },
        },
      },
      meta: { title: 'Long clip' },
    };
    await page.evaluate((g) => window.__reelgraph.actions.loadDocument(g, { quiet: true }), graph);
    await page.keyboard.press('Control+Enter');
    await nodeEl(page, 'clip').locator('.rg-progress').waitFor({ timeout: 30_000 });
    const running = page.locator('.job-running').first();
    await running.getByRole('button', { name: 'Cancel' }).click();
    await page.locator('.job-cancelled').first().waitFor({ timeout: 60_000 });
    await shot(page, '24-cancelled');
    const jobs = () => page.locator('[data-job]').count();
    const before = await jobs();
    await page.locator('.job-cancelled').first().getByRole('button', { name: 'Re-run' }).click();
    await expect.poll(jobs, SLOW).toBe(before + 1);
    await page.locator('.job-running, .job-queued').first().waitFor();
    await page.locator('.job-running, .job-queued').first().getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => page.locator('.job-cancelled').count(), { timeout: 60_000 }).toBe(2);
    await page.context().close();
  }, 90_000);

  it('copy/paste with links, and a seed that increments after each queued run', async () => {
    const page = await emptyEditor();
    await page.mouse.dblclick(250, 250);
    const seed = await addFromPalette(page, 'seed');
    await dragTo(page, await center(handle(page, seed, 'seed', 'source')), { x: 750, y: 300 });
    const preview = await addFromPalette(page, 'preview');
    await nodeEl(page, seed).getByLabel('seed control after generate').selectOption('increment');
    await blur(page);
    const before = (await doc(page)).nodes[seed]?.inputs.seed as number;
    await page.keyboard.press('Control+Enter');
    await expect.poll(async () => (await doc(page)).nodes[seed]?.inputs.seed, SLOW).toBe(before + 1);
    await expect
      .poll(() => nodeEl(page, preview).locator('.rg-value').textContent(), { timeout: 60_000 })
      .toContain(String(before));

    // Copy both, paste at the pointer: one step, the link between them comes along.
    await page.keyboard.press('Control+a');
    await page.keyboard.press('Control+c');
    await page.mouse.move(300, 650);
    await page.keyboard.press('Control+v');
    const d = await doc(page);
    expect(Object.keys(d.nodes)).toHaveLength(4);
    const [s2, p2] = Object.keys(d.nodes).filter((id) => id !== seed && id !== preview) as [string, string];
    expect(d.nodes[p2]?.inputs.value).toEqual([s2, 'seed']);
    await shot(page, '25-pasted');
    await page.keyboard.press('Control+z');
    expect(Object.keys((await doc(page)).nodes)).toHaveLength(2);
    await page.context().close();
  }, 90_000);

  it.skipIf(!hasModel)(
    'runs the text-to-video preset: progress and preview on the sampler, the video plays, its MP4 restores the graph',
    async () => {
      const page = await openEditor(browser, server.url);
      await page.getByRole('button', { name: 'New' }).click();
      await page.getByRole('button', { name: 'Presets' }).click();
      await page.locator('[data-preset="text-to-video"]').click();
      await page.waitForFunction(() => Boolean(window.__reelgraph.editor.getState().items.sampler));
      const prompt = nodeEl(page, 'prompt').locator('textarea');
      await prompt.fill('a green square moves left on a white background');
      await blur(page);
      await shot(page, '11-t2v-loaded');
      await page.keyboard.press('Control+Enter');

      const sampler = nodeEl(page, 'sampler');
      // Progress shows while the sampler runs; if the job ends first, say how it ended.
      await expect
        .poll(
          () =>
            page.evaluate(() => {
              const { jobs, activeJob, nodes } = window.__reelgraph.runStore.getState();
              if (nodes.sampler?.state === 'running') return 'running';
              const job = activeJob ? jobs[activeJob] : undefined;
              return job && ['success', 'failed', 'cancelled'].includes(job.state)
                ? `job ${job.state} before the sampler showed progress: ${job.error ?? JSON.stringify(nodes)}`
                : 'waiting';
            }),
          { timeout: 120_000, interval: 50 },
        )
        .toBe('running');
      await sampler.locator('.rg-progress').waitFor();
      await sampler.locator('.rg-preview img').waitFor({ timeout: 120_000 });
      await shot(page, '12-t2v-sampling-preview');
      const video = nodeEl(page, 'save').locator('video.rg-video');
      await video.waitFor({ timeout: 240_000 });
      await expect
        .poll(() => video.evaluate((v: HTMLVideoElement) => v.readyState >= 2 && v.currentTime > 0), {
          timeout: 30_000,
        })
        .toBe(true);
      await shot(page, '13-t2v-video-playing');

      const submitted = await page.evaluate(() => {
        const { jobs, activeJob } = window.__reelgraph.runStore.getState();
        return activeJob ? jobs[activeJob]?.graph : undefined;
      });
      expect(submitted?.nodes.prompt?.inputs.text).toBe('a green square moves left on a white background');
      const src = await video.getAttribute('src');
      const mp4 = new Uint8Array(await (await fetch(new URL(src!, server.url))).arrayBuffer());
      await page.getByRole('button', { name: 'New' }).click();
      await dropFile(page, mp4, 'text-to-video.mp4', 'video/mp4');
      await expect.poll(() => doc(page).then((d) => d.nodes), SLOW).toEqual(submitted!.nodes);
      await shot(page, '14-t2v-mp4-dropped');
      await page.context().close();
    },
    400_000,
  );
});
