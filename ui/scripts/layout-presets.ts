/**
 * Lay the presets in graphs/*.json out again: each is opened in the built editor against the real server,
 * the Layout step (ELK) is tried with several options, and the drawing with the fewest crossing links
 * (then links under nodes), as the browser test measures them, is written back: positions and reroute
 * points only. Run from the repository root: `pnpm exec tsx ui/scripts/layout-presets.ts [preset…]`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GraphDocument } from '@reelgraph/graph';
import { ensureBuilt, launch } from '../e2e/harness';
import { layoutProblems } from '../e2e/layout-check';
import { doc, openEditor } from '../e2e/page';
import { REPO, startServer } from '../e2e/realServer';

const VARIANTS: Record<string, string>[] = [];
for (const placement of ['BRANDES_KOEPF', 'NETWORK_SIMPLEX', 'LINEAR_SEGMENTS'])
  for (const order of ['NODES_AND_EDGES', 'NONE'])
    for (const seed of ['1', '2', '3'])
      VARIANTS.push({
        'elk.layered.nodePlacement.strategy': placement,
        'elk.layered.considerModelOrder.strategy': order,
        'elk.randomSeed': seed,
        'elk.layered.thoroughness': '100',
      });

await ensureBuilt();
const [server, browser] = await Promise.all([startServer(), launch()]);
try {
  const page = await openEditor(browser, server.url);
  // tsx names functions with a `__name` helper that functions sent into the page do not bring along.
  await page.evaluate('window.__name = (f) => f');
  const only = process.argv.slice(2);
  const { presets } = (await (await fetch(`${server.url}/api/presets`)).json()) as {
    presets: { name: string }[];
  };
  for (const { name } of presets.filter((p) => !only.length || only.includes(p.name))) {
    await page.evaluate((n) => window.__reelgraph.actions.loadPreset(n), name);
    const measure = async () => {
      await page.evaluate(() => window.__reelgraph.uiStore.setState((u) => ({ fit: u.fit + 1 })));
      await page.waitForTimeout(700);
      const p = await page.evaluate(layoutProblems);
      return { score: p.crossings.length * 100 + p.behind.length, ...p };
    };
    let best = { ...(await measure()), doc: await doc(page), options: 'as saved' };
    const before = best.score;
    for (const options of VARIANTS) {
      if (best.score === 0) break;
      await page.evaluate((o) => window.__reelgraph.actions.layoutGraph(o), options);
      const m = await measure();
      if (m.score < best.score) best = { ...m, doc: await doc(page), options: JSON.stringify(options) };
    }
    console.log(
      `${name}: ${best.crossings.length} crossing pairs, ${best.behind.length} under a node (was score ${before}; ${best.options})`,
    );
    if (best.options === 'as saved') continue;
    const file = join(REPO, 'graphs', `${name}.json`);
    const raw = JSON.parse(readFileSync(file, 'utf8')) as GraphDocument;
    for (const [id, n] of Object.entries(raw.nodes)) {
      const laid = best.doc.nodes[id]?.meta;
      if (!laid?.position) continue;
      const { reroutes: _old, ...meta } = n.meta ?? {};
      n.meta = { ...meta, position: laid.position, ...(laid.reroutes ? { reroutes: laid.reroutes } : {}) };
    }
    writeFileSync(file, `${JSON.stringify(raw, null, 2)}\n`);
  }
} finally {
  await browser.close();
  await server.close();
}
