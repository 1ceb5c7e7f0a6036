/**
 * ComfyUI files dropped on the editor in headless Chromium against the real server: an MP4 and a WebP
 * built with ComfyUI's key layout (SaveVideo's `workflow`/`prompt` tags, SaveAnimatedWEBP's EXIF) open
 * the workflow, with the import report in the missing-nodes dialog.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runFfmpeg } from '@reelgraph/media';
import type { Page } from 'playwright-core';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { wan21T2v } from '../../packages/comfy/test/fixtures/wan21-t2v';
import { hasChromium } from './harness';
import { doc, dropFile, nodeEl, openEditor, shot } from './page';
import { realServerAndBrowser } from './setup';

const workflow = wan21T2v();
const prompt = JSON.parse(
  readFileSync(join(import.meta.dirname, '../../packages/comfy/test/fixtures/ltxv.prompt.json'), 'utf8'),
);

describe.skipIf(!hasChromium)('ComfyUI files dropped on the editor', () => {
  const live = realServerAndBrowser();

  async function emptyEditor(): Promise<Page> {
    const page = await openEditor(live.browser, live.server.url);
    await page.getByRole('button', { name: 'New' }).click();
    await page.waitForFunction(() => Object.keys(window.__reelgraph.editor.getState().items).length === 0);
    return page;
  }

  it('a ComfyUI MP4 opens its workflow: nodes mapped, the LoRA kept foreign, groups and modes kept', async () => {
    const page = await emptyEditor();
    const dir = mkdtempSync(join(tmpdir(), 'reelgraph-ui-comfy-'));
    try {
      const file = join(dir, 'ComfyUI_00001_.mp4');
      await runFfmpeg([
        ...[
          '-y',
          '-f',
          'lavfi',
          '-i',
          'color=c=blue:s=32x32:d=0.2',
          '-c:v',
          'libx264',
          '-pix_fmt',
          'yuv420p',
        ],
        ...[
          '-metadata',
          `prompt=${JSON.stringify(prompt)}`,
          '-metadata',
          `workflow=${JSON.stringify(workflow)}`,
        ],
        ...['-movflags', 'use_metadata_tags+faststart', file],
      ]);
      await dropFile(page, readFileSync(file), 'ComfyUI_00001_.mp4', 'video/mp4');
      await expect.poll(async () => Object.keys((await doc(page)).nodes).length).toBeGreaterThan(5);
      const d = await doc(page);
      expect(d.nodes['3']?.type).toBe('video.sampler');
      expect(d.nodes['60']).toMatchObject({
        type: 'comfy/foreign',
        mode: 'bypassed',
        foreign: { class: 'LoraLoaderModelOnly' },
      });
      expect(d.nodes['51']?.mode).toBe('muted');
      expect(d.meta?.groups?.[0]?.title).toBe('Step1 - Load models');
      expect(d.meta?.notes?.[0]?.id).toBe('note-52');
      const dialog = page.getByRole('dialog');
      await expect.poll(() => dialog.textContent()).toContain('Imported from ComfyUI');
      expect(await dialog.textContent()).toContain('LoraLoaderModelOnly');
      expect(await dialog.textContent()).toContain('wan2.1_t2v_1.3B_fp16.safetensors');
      // Fitted far out, nodes are canvas boxes; a selected one is drawn in full.
      await page.evaluate(() => window.__reelgraph.editor.getState().select(['60']));
      await expect.poll(() => nodeEl(page, '60').getAttribute('class')).toContain('foreign');
      expect(await nodeEl(page, '60').textContent()).toContain('LoraLoaderModelOnly');
      await shot(page, 'comfy-01-mp4-imported');

      // Export → ComfyUI API prompt: the sampler as KSampler, the foreign LoRA written back as it came.
      await page.getByRole('button', { name: 'Keep editing' }).click();
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('button', { name: 'Export ComfyUI' }).click(),
      ]);
      const exported = JSON.parse(readFileSync((await download.path()) as string, 'utf8'));
      expect(exported['3'].class_type).toBe('KSampler');
      expect(exported['3'].inputs.seed).toBe(123456);
      expect(exported['51']).toBeUndefined(); // muted: left out, as ComfyUI's frontend does
      expect(exported['60']).toBeUndefined(); // bypassed: wired through
      expect(exported['3.shift'].inputs.model).toEqual(['37', 0]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    await page.context().close();
  }, 60_000);

  it('a ComfyUI WebP opens its workflow from EXIF; a saved graph keeps the foreign node', async () => {
    const page = await emptyEditor();
    const webp = await sharp({ create: { width: 16, height: 16, channels: 3, background: '#204060' } })
      .webp()
      .withExif({
        IFD0: { Make: `workflow:${JSON.stringify(workflow)}`, Model: `prompt:${JSON.stringify(prompt)}` },
      })
      .toBuffer();
    await dropFile(page, webp, 'ComfyUI_00002_.webp', 'image/webp');
    await expect.poll(async () => (await doc(page)).nodes['60']?.foreign?.class).toBe('LoraLoaderModelOnly');
    const d = await doc(page);
    expect(d.nodes['60']?.foreign?.outputs).toEqual([{ name: 'MODEL', type: 'MODEL' }]);
    expect(d.nodes['3']?.inputs.dit).toEqual(['60', 'MODEL']);
    await page.context().close();
  }, 60_000);
});
