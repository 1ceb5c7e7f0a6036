/**
 * Subgraphs round trip: a node converted to a subgraph (from the node menu), run, opened and edited
 * inside, back by the breadcrumb, run, the edit undone, unpacked and run again: each run writes
 * byte-identical files to the flat graph's with the same edit (or none).
 */
import { join } from 'node:path';
import type { GraphDocument } from '@reelgraph/graph';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { plainClipGraph, runOutputHashes } from './components-run';
import { hasChromium } from './harness';
import { doc, nodeEl, openEditor, shot } from './page';
import { REPO } from './realServer';
import { realServerAndBrowser } from './setup';

const SLOW = { timeout: 60_000 };
// Unsigned (and the graph not embedded, see plainClipGraph): otherwise the files differ by what made them.
const ARGS = ['--nodes', join(REPO, 'ui', 'e2e', 'packs'), '--no-c2pa'];

describe.skipIf(!hasChromium)('subgraphs', () => {
  const live = realServerAndBrowser(ARGS);

  /** Run what the editor shows, with the save node's prefix set (or `graph` as it is). */
  async function runHashes(page: Page, prefix: string, graph?: GraphDocument): Promise<string[]> {
    if (!graph)
      await page.evaluate((p) => window.__reelgraph.editor.getState().setInput('save', 'prefix', p), prefix);
    return runOutputHashes(page, live.server.url, graph);
  }

  it('convert, run, open and edit inside, back, run, undo, unpack, run: the bytes of the flat graph', async () => {
    const page = await openEditor(live.browser, live.server.url);
    await page.evaluate((g) => window.__reelgraph.actions.loadDocument(g, { quiet: true }), plainClipGraph());
    const flat = await runHashes(page, 'flat');

    await nodeEl(page, 'clip').click();
    await nodeEl(page, 'clip').click({ button: 'right' });
    await page.getByRole('menuitem', { name: 'Convert to subgraph' }).click();
    await expect
      .poll(async () => Object.keys((await doc(page)).definitions?.subgraphs ?? {}), SLOW)
      .toEqual(['subgraph']);
    const converted = await doc(page);
    expect(converted.nodes.subgraph?.type).toBe('subgraph:subgraph');
    expect(converted.nodes.save?.inputs.images).toEqual(['subgraph', 'images']);
    await nodeEl(page, 'subgraph').waitFor();
    await shot(page, '60-subgraph-node');
    expect(await runHashes(page, 'inside')).toEqual(flat);

    // Open it (double-click), change an inner widget, back by the breadcrumb.
    await nodeEl(page, 'subgraph').locator('.rg-title').dblclick();
    const crumbs = page.getByRole('navigation', { name: 'Subgraph path' });
    await expect.poll(() => crumbs.textContent(), SLOW).toBe('Root › Subgraph');
    await nodeEl(page, '$outputs').waitFor();
    const innerFrames = async () =>
      (await doc(page)).definitions?.subgraphs?.subgraph?.nodes.clip?.inputs.frames as number;
    await nodeEl(page, 'clip')
      .locator('[data-input="frames"]')
      .getByRole('button', { name: /^increase/ })
      .click();
    await expect.poll(innerFrames, SLOW).toBeGreaterThan(5);
    const frames = await innerFrames();
    // Run while inside: the inner node shows its own run state (its events come as `subgraph/clip`).
    await runOutputHashes(page, live.server.url);
    await expect
      .poll(() => nodeEl(page, 'clip').getAttribute('class'), SLOW)
      .toMatch(/\brun-(done|cached)\b/);
    await shot(page, '61-subgraph-inside');
    await crumbs.getByRole('button', { name: 'Root' }).click();
    await nodeEl(page, 'save').waitFor();
    expect(await crumbs.count()).toBe(0);
    const edited = await runHashes(page, 'edited');
    expect(edited).not.toEqual(flat);
    const flatEdited = plainClipGraph(frames);
    flatEdited.nodes.save!.inputs.prefix = 'flat-edited';
    expect(await runHashes(page, 'flat-edited', flatEdited)).toEqual(edited);

    // Undo the prefix, then the edit made inside (which takes the canvas back in), then leave.
    await page.evaluate(() => window.__reelgraph.editor.getState().undo());
    await page.evaluate(() => window.__reelgraph.editor.getState().undo());
    expect((await doc(page)).definitions?.subgraphs?.subgraph?.nodes.clip?.inputs.frames).toBe(5);
    await crumbs.getByRole('button', { name: 'Root' }).click();
    await nodeEl(page, 'save').waitFor();
    expect(await runHashes(page, 'undone')).toEqual(flat);

    await nodeEl(page, 'subgraph').click({ button: 'right' });
    await page.getByRole('menuitem', { name: 'Unpack subgraph' }).click();
    await expect.poll(async () => (await doc(page)).definitions, SLOW).toBeUndefined();
    expect(await runHashes(page, 'unpacked')).toEqual(flat);

    // Each was one undo step.
    await page.evaluate(() => window.__reelgraph.editor.getState().undo()); // the prefix
    await page.evaluate(() => window.__reelgraph.editor.getState().undo()); // the unpack
    expect((await doc(page)).nodes.subgraph?.type).toBe('subgraph:subgraph');
  });

  it('a bad value inside is refused at submit and shown: named on the instance, on the input inside', async () => {
    const page = await openEditor(live.browser, live.server.url);
    await page.evaluate((g) => window.__reelgraph.actions.loadDocument(g, { quiet: true }), plainClipGraph());
    await page.evaluate(() => {
      const s = window.__reelgraph.editor.getState();
      s.select(['clip']);
      const instance = s.convertSelectionToSubgraph()!;
      s.openSubgraph(instance);
      window.__reelgraph.editor.getState().setInput('clip', 'frames', 99);
      window.__reelgraph.editor.getState().leaveSubgraph(0);
    });
    expect(await page.evaluate(() => window.__reelgraph.actions.runGraph())).toBeNull();
    const onInstance = nodeEl(page, 'subgraph').locator('.rg-problem[data-inner="clip"]');
    await expect.poll(() => onInstance.textContent(), SLOW).toContain('(inside: clip › frames)');
    await nodeEl(page, 'subgraph').locator('.rg-title').dblclick();
    await expect
      .poll(() => nodeEl(page, 'clip').locator('[data-input="frames"].problem').count(), SLOW)
      .toBe(1);
    await shot(page, '62-subgraph-problem-inside');
  });
});
