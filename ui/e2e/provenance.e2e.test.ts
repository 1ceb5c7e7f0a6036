/**
 * Provenance and guardrails in the editor, against the real server with a usage policy: a refused
 * prompt is marked on its node and input; a signed output shows its content-credentials mark.
 */
import { join } from 'node:path';
import type { GraphDocument } from '@reelgraph/graph';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, hasChromium, launch } from './harness';
import { nodeEl, openEditor, shot } from './page';
import { REPO, type RunningServer, startServer } from './realServer';

const graph = (mark: string): GraphDocument => ({
  version: 2,
  nodes: {
    clip: {
      type: 'e2e.clip',
      inputs: { frames: 5, steps: 2, delay_ms: 0 },
      meta: { position: { x: 0, y: 0 } },
    },
    save: {
      type: 'video.save',
      inputs: { images: ['clip', 'images'], fps: 8, format: 'mp4', prefix: 'cr', mark },
      meta: { position: { x: 360, y: 0 } },
    },
  },
});

describe.skipIf(!hasChromium)('provenance in the editor', () => {
  let server: RunningServer;
  let browser: Browser;

  beforeAll(async () => {
    await ensureBuilt();
    [server, browser] = await Promise.all([
      startServer([
        '--nodes',
        join(REPO, 'ui', 'e2e', 'packs'),
        '--policy',
        join(REPO, 'policies', 'example.json'),
      ]),
      launch(),
    ]);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('marks a refused text on its node and input, then shows the content-credentials mark on the signed output', async () => {
    const page = await openEditor(browser, server.url);
    await page.evaluate(
      (g) => window.__reelgraph.actions.loadDocument(g, { quiet: true }),
      graph('a g0ry scene'),
    );
    await page.getByRole('button', { name: '▶ Run' }).click();
    const save = nodeEl(page, 'save');
    await expect.poll(() => save.getAttribute('class')).toContain('has-problems');
    await expect(save.locator('[data-input="mark"].problem').count()).resolves.toBe(1);
    expect(await nodeEl(page, 'clip').getAttribute('class')).not.toContain('has-problems');
    await shot(page, '40-policy-refusal-on-node');

    await page.evaluate(
      (g) => window.__reelgraph.actions.loadDocument(g, { quiet: true }),
      graph('AI-generated'),
    );
    await page.getByRole('button', { name: '▶ Run' }).click();
    await save.locator('video.rg-video').waitFor({ timeout: 60_000 });
    const mark = save.locator('.rg-credentials');
    await mark.waitFor();
    expect(await mark.getAttribute('data-signed')).toBe('true');
    expect(await mark.getAttribute('title')).toMatch(/Content credentials \(C2PA\).*development signer/);
    await shot(page, '41-content-credentials-mark');
    await page.getByRole('button', { name: 'Outputs', exact: true }).click();
    await page.locator('.rg-gallery-item .rg-credentials[data-signed="true"]').first().waitFor();
    await page.context().close();
  }, 120_000);
});
