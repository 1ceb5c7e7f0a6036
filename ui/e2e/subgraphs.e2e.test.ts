/**
 * Subgraphs round trip: a node converted to a subgraph (from the node menu), run, then unpacked and run
 * again, writes byte-identical files to the flat graph's.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { GraphDocument } from '@reelgraph/graph';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { clipToVideo } from './graphs';
import { hasChromium } from './harness';
import { doc, nodeEl, openEditor, shot } from './page';
import { REPO } from './realServer';
import { realServerAndBrowser } from './setup';

const SLOW = { timeout: 60_000 };
// Unsigned, and without the graph embedded: otherwise the files differ by what made them.
const ARGS = ['--nodes', join(REPO, 'ui', 'e2e', 'packs'), '--no-c2pa'];

function flatGraph(): GraphDocument {
  const g = clipToVideo({
    title: 'Subgraph round trip',
    format: 'webp',
    prefix: 'flat',
    frames: 5,
    steps: 2,
    delayMs: 5,
  });
  g.nodes.save!.inputs.embed_graph = false;
  return g;
}

describe.skipIf(!hasChromium)('subgraphs', () => {
  const live = realServerAndBrowser(ARGS);

  /** Run what the editor shows, with the save node's prefix set; the sha-256 of each file written. */
  async function runHashes(page: Page, prefix: string): Promise<string[]> {
    await page.evaluate((p) => window.__reelgraph.editor.getState().setInput('save', 'prefix', p), prefix);
    const id = await page.evaluate(() => window.__reelgraph.actions.runGraph());
    expect(id).toBeTruthy();
    await expect
      .poll(() => page.evaluate((j) => window.__reelgraph.runStore.getState().jobs[j!]?.state, id), SLOW)
      .toBe('success');
    const urls = await page.evaluate(
      (j) =>
        window.__reelgraph.runStore
          .getState()
          .jobs[j!]!.outputs.flatMap((o) => (o.kind === 'file' ? [o.url] : [])),
      id,
    );
    expect(urls.length).toBeGreaterThan(0);
    const hashes: string[] = [];
    for (const url of urls) {
      const bytes = new Uint8Array(await (await fetch(new URL(url, live.server.url))).arrayBuffer());
      hashes.push(createHash('sha256').update(bytes).digest('hex'));
    }
    return hashes;
  }

  it('convert, run, unpack, run: the same bytes as the flat graph', async () => {
    const page = await openEditor(live.browser, live.server.url);
    await page.evaluate((g) => window.__reelgraph.actions.loadDocument(g, { quiet: true }), flatGraph());
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

    await nodeEl(page, 'subgraph').click({ button: 'right' });
    await page.getByRole('menuitem', { name: 'Unpack subgraph' }).click();
    await expect.poll(async () => (await doc(page)).definitions, SLOW).toBeUndefined();
    expect(await runHashes(page, 'unpacked')).toEqual(flat);

    // Each was one undo step.
    await page.evaluate(() => window.__reelgraph.editor.getState().undo()); // the prefix
    await page.evaluate(() => window.__reelgraph.editor.getState().undo()); // the unpack
    expect((await doc(page)).nodes.subgraph?.type).toBe('subgraph:subgraph');
  });
});
