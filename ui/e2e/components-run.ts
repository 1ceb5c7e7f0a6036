/** What the subgraph and component browser tests share: the graph they run, and the bytes a run writes. */
import { createHash } from 'node:crypto';
import type { GraphDocument } from '@reelgraph/graph';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { clipToVideo } from './graphs';

const SLOW = { timeout: 60_000 };

/** clip → save, unsigned (with --no-c2pa) and without the graph embedded, so bytes depend on the frames only. */
export function plainClipGraph(frames = 5): GraphDocument {
  const g = clipToVideo({
    title: 'Subgraph round trip',
    format: 'webp',
    prefix: 'flat',
    frames,
    steps: 2,
    delayMs: 5,
  });
  g.nodes.save!.inputs.embed_graph = false;
  return g;
}

/** Run `graph` (default: what the editor shows) to success; the sha-256 of each file written, in order. */
export async function runOutputHashes(
  page: Page,
  serverUrl: string,
  graph?: GraphDocument,
): Promise<string[]> {
  const id = await page.evaluate((g) => window.__reelgraph.actions.runGraph(g), graph);
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
    const bytes = new Uint8Array(await (await fetch(new URL(url, serverUrl))).arrayBuffer());
    hashes.push(createHash('sha256').update(bytes).digest('hex'));
  }
  return hashes;
}
