/**
 * Model-aware widgets against the real server and the shipped tiny model: sizes and frames snap with the
 * reason, the server refuses what the model cannot make at submit on the right input, and the prompt
 * widget marks the words the model does not know.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { hasChromium } from './harness';
import { doc, nodeEl, openEditor, shot } from './page';
import { REPO } from './realServer';
import { realServerAndBrowser } from './setup';

/** Polls wait on the server and the browser: generous on a busy machine (vitest's default is 1 s). */
const SLOW = { timeout: 30_000 };

const hasModel = existsSync(join(REPO, 'models', 'tiny', 'model.json'));

describe.skipIf(!hasChromium || !hasModel)('model-aware widgets', () => {
  const live = realServerAndBrowser();

  async function textToVideo(): Promise<Page> {
    const page = await openEditor(live.browser, live.server.url);
    await page.getByRole('button', { name: 'Presets' }).click();
    await page.locator('[data-preset="text-to-video"]').click();
    // Startup already loaded this preset, so its nodes are no sign the click's load arrived: the dialog
    // closes once it has. Edits made before then would be replaced by the preset (and its close
    // returns focus to the Presets button, ending a number's edit).
    await page.getByRole('dialog', { name: 'Presets' }).waitFor({ state: 'detached' });
    await page.waitForFunction(() => Boolean(window.__reelgraph.editor.getState().items.latent));
    return page;
  }

  /** Open the number for typing from the keyboard (Enter), type, confirm. */
  async function typeNumber(page: Page, nodeId: string, input: string, text: string) {
    await nodeEl(page, nodeId).getByRole('spinbutton', { name: input }).focus();
    await page.keyboard.press('Enter');
    const field = nodeEl(page, nodeId).locator(`[data-input="${input}"] input[type="number"]`);
    await field.fill(text);
    await field.press('Enter');
  }

  it('snaps sizes and frames to what the tiny model makes, and says why', async () => {
    const page = await textToVideo();
    const latent = () => doc(page).then((d) => d.nodes.latent!.inputs);
    await typeNumber(page, 'latent', 'width', '63');
    await expect.poll(async () => (await latent()).width, SLOW).toBe(64);
    const note = (input: string) => nodeEl(page, 'latent').locator(`[data-input="${input}"] .w-note`);
    await expect
      .poll(() => note('width').textContent(), SLOW)
      .toMatch(/63 → 64: .*"tiny" makes 64×64 video only/);

    await typeNumber(page, 'latent', 'height', '1000');
    await expect.poll(async () => (await latent()).height, SLOW).toBe(64);
    expect(await note('height').textContent()).toMatch(/1000 → 64/);

    await typeNumber(page, 'latent', 'frames', '101');
    await expect.poll(async () => (await latent()).frames, SLOW).toBe(61);
    expect(await note('frames').textContent()).toMatch(/at most 61 frames/);
    await shot(page, '30-model-aware-snap');
    await page.context().close();
  }, 90_000);

  it('the server refuses height 1000 at submit, on the latent node’s height input', async () => {
    const page = await textToVideo();
    // As a hand-edited file would have it: past the widget.
    await page.evaluate(() => window.__reelgraph.editor.getState().setInput('latent', 'height', 1000));
    await page.getByRole('button', { name: '▶ Run' }).click();
    const row = nodeEl(page, 'latent').locator('[data-input="height"].problem');
    // Generous: the first submit to a server on a busy machine can be slow.
    await row.waitFor({ timeout: 90_000 });
    expect(await row.locator('.rg-input-problem').textContent()).toMatch(
      /1000: the model "tiny" makes 64×64/,
    );
    expect(await nodeEl(page, 'latent').locator('.rg-row.problem').count()).toBe(1);
    expect(await page.evaluate(() => window.__reelgraph.runStore.getState().activeJob)).toBeFalsy();
    await shot(page, '31-model-refused-at-submit');
    await page.context().close();
  }, 120_000);

  it('marks prompt words the model does not know, and warns when it knows none', async () => {
    const page = await textToVideo();
    const prompt = nodeEl(page, 'prompt');
    await prompt.locator('textarea').fill('a red ball bounces on a blue background');
    const unknown = () => prompt.locator('.w-word.unknown').allTextContents();
    await expect.poll(unknown, SLOW).toEqual(['ball', 'bounces']);
    await expect
      .poll(() => prompt.locator('.w-warning').allTextContents(), SLOW)
      .toEqual(['The model "tiny" ignores: ball, bounces']);
    await prompt.locator('textarea').fill('un chien qui court');
    await expect
      .poll(() => prompt.locator('.w-warning').textContent(), SLOW)
      .toMatch(/knows none of these words/);
    await shot(page, '32-prompt-unknown-words');
    await prompt.locator('textarea').fill('a green square moves left');
    await expect.poll(() => prompt.locator('.w-words .w-warning').count(), SLOW).toBe(0);
    expect(await unknown()).toEqual([]);
    await page.context().close();
  }, 60_000);
});
