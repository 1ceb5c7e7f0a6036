/**
 * Editor benchmark in headless Chromium: time to interactive for a 500- and a 2,000-node graph and for
 * one of 50 subgraph instances, and frame rate while panning and dragging, from the browser's own
 * requestAnimationFrame timing; each figure is printed against its target (issues #17, #21).
 *
 *   pnpm tsx bench/editor-canvas.ts            (builds ui/dist first if missing; SIZES=500,2000 RUNS=3)
 *   TRACE=1 …                                  also traces each gesture once more: ms per frame of
 *                                              script / style / layout / paint (bench/_frame-breakdown.ts)
 *
 * Uses the built editor against a stand-in API serving the test catalog, so it measures the editor alone.
 */
import { bigGraph, subgraphGraph } from '../ui/e2e/graphs';
import {
  type Browser,
  ensureBuilt,
  hasChromium,
  launch,
  type Page,
  startStaticServer,
} from '../ui/e2e/harness';
import { catalog } from '../ui/test/fixtures';
import { formatBreakdown, traceGesture } from './_frame-breakdown';

type Stats = {
  frames: number;
  durationMs: number;
  fps: number;
  p50Ms: number;
  p95Ms: number;
  worstMs: number;
};

const RUNS = Number(process.env.RUNS ?? 3);
/** Graph sizes in nodes (multiples of 5: copies of a 5-node pipeline). */
const SIZES = (process.env.SIZES ?? '500,2000').split(',').map(Number);
const AUTOSAVE_KEY = 'reelgraph.autosave.v1';
const TRACE = process.env.TRACE === '1';

/** A figure's bar: at most (times) or at least (rates) `value`. */
type Target = { atMost: number } | { atLeast: number };
/** Issue #21's bar per graph size, keyed by the figure's label; figures not listed are printed bare. */
const TARGETS: Record<number, Record<string, Target>> = {
  500: {
    'cold load → interactive (ms)': { atMost: 1000 },
    '  cold: session + catalog fetched (ms)': { atMost: 100 },
    'load into open editor → interactive (ms)': { atMost: 1000 },
    'pan, all 500 visible (fps)': { atLeast: 55 },
    'drag a node, all 500 visible (fps)': { atLeast: 55 },
    'pan, zoomed in (fps)': { atLeast: 58 },
  },
  2000: {
    'cold load → interactive (ms)': { atMost: 2500 },
    'pan, all 2000 visible (fps)': { atLeast: 30 },
    'drag a node, all 2000 visible (fps)': { atLeast: 30 },
  },
};

async function main() {
  if (!hasChromium) throw new Error('needs /usr/bin/chromium (apt-get install -y chromium)');
  await ensureBuilt();
  const server = await startStaticServer({ catalog });
  const browser = await launch();
  try {
    for (const size of SIZES) await bench(browser, server.url, size);
    await benchSubgraphs(browser, server.url);
  } finally {
    await browser.close();
    await server.close();
  }
}

async function bench(browser: Browser, url: string, size: number) {
  // 500 nodes keep the layout of the earlier figures (10 per row); larger graphs a grid of the view's
  // shape (cells 1150 × 620, view 1.6 : 1), so the fit stays above the minimum zoom and shows every node.
  const pipelines = size / 5;
  const doc = bigGraph(pipelines, size <= 500 ? 10 : Math.round(Math.sqrt((pipelines * 620 * 1.6) / 1150)));
  const n = Object.keys(doc.nodes).length;
  const results: Record<string, number[]> = {};
  const add = (k: string, v: number) => {
    results[k] ??= [];
    results[k].push(v);
  };
  for (let run = 0; run < RUNS; run++) {
    const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    // Cold start: the graph is in the autosave, as after a reload.
    await page.addInitScript({
      content: `localStorage.setItem(${JSON.stringify(AUTOSAVE_KEY)}, ${JSON.stringify(JSON.stringify({ doc, editor: {} }))});`,
    });
    await page.goto(url + (process.env.QUERY ?? ''));
    await page.waitForFunction('!!window.__reelgraph');
    await page.evaluate(`window.__reelgraph.uiStore.setState({ panel: null })`);
    await page.evaluate(`window.__reelgraph.perf.settled(${n}, 180000)`);
    add('cold load → interactive (ms)', await page.evaluate<number>('performance.now()'));
    const marks = await page.evaluate<Record<string, number>>(
      `Object.fromEntries(performance.getEntriesByType('mark').map((m) => [m.name, m.startTime]))`,
    );
    add('  cold: script running (ms)', marks['rg:start'] ?? Number.NaN);
    add('  cold: session + catalog fetched (ms)', marks['rg:catalog'] ?? Number.NaN);
    add('  cold: graph in the store (ms)', marks['rg:loaded'] ?? Number.NaN);

    // Warm load of the same graph into a running editor (open a file / preset).
    const warm = await page.evaluate<number>(`(async () => {
        const rg = window.__reelgraph;
        rg.actions.loadDocument({ version: 1, nodes: {} }, { quiet: true });
        await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
        const t0 = performance.now();
        rg.actions.loadDocument(${JSON.stringify(doc)}, { quiet: true });
        await rg.perf.settled(${n}, 180000);
        return performance.now() - t0;
      })()`);
    add('load into open editor → interactive (ms)', warm);
    await page.waitForTimeout(300);

    const all = await gestures(browser, page, `all ${n} visible`, run === 0);
    for (const [k, v] of Object.entries(all)) add(k, v);
    // Typical working zoom: most nodes are off screen and culled.
    await page.evaluate(`window.__reelgraph.perf.flow.rf.setViewport({ x: 40, y: 40, zoom: 1 })`);
    await page.waitForTimeout(500);
    const near = await gestures(browser, page, 'zoomed in', run === 0);
    for (const [k, v] of Object.entries(near)) add(k, v);
    await page.close();
  }
  console.log(`Editor benchmark: ${n} nodes, ${RUNS} runs, headless Chromium ${await chromiumVersion()}`);
  report(results, TARGETS[size] ?? {});
}

/** One line per figure: median, runs, and the verdict against its target where it has one. */
function report(results: Record<string, number[]>, targets: Record<string, Target>) {
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  for (const [k, xs] of Object.entries(results)) {
    const m = median(xs);
    const t = targets[k];
    const verdict = !t
      ? ''
      : 'atMost' in t
        ? `target ≤ ${t.atMost}: ${m <= t.atMost ? 'met' : 'NOT met'}`
        : `target ≥ ${t.atLeast}: ${m >= t.atLeast ? 'met' : 'NOT met'}`;
    const runs = xs.map((x) => x.toFixed(1)).join(', ');
    console.log(`${k.padEnd(48)} median ${m.toFixed(1).padStart(8)}   ${verdict.padEnd(24)} runs ${runs}`);
  }
}

/** A graph of 50 subgraph instances (SUBGRAPHS=n): cold load and panning, against the 500-node targets. */
async function benchSubgraphs(browser: Browser, url: string) {
  const count = Number(process.env.SUBGRAPHS ?? 50);
  if (!(count > 0)) return;
  const doc = subgraphGraph(count);
  const n = Object.keys(doc.nodes).length;
  const loads: number[] = [];
  const fps: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    await page.addInitScript({
      content: `localStorage.setItem(${JSON.stringify(AUTOSAVE_KEY)}, ${JSON.stringify(JSON.stringify({ doc, editor: {} }))});`,
    });
    await page.goto(url + (process.env.QUERY ?? ''));
    await page.waitForFunction('!!window.__reelgraph');
    await page.evaluate(`window.__reelgraph.uiStore.setState({ panel: null })`);
    await page.evaluate(`window.__reelgraph.perf.settled(${n}, 180000)`);
    loads.push(await page.evaluate<number>('performance.now()'));
    await page.waitForTimeout(300);
    const g = await gestures(browser, page, `${count} subgraphs`, false);
    const pan = g[`pan, ${count} subgraphs (fps)`];
    if (pan !== undefined) fps.push(pan);
    await page.close();
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
  console.log(`Editor benchmark: ${count} subgraph instances (${n} nodes drawn), ${RUNS} runs`);
  console.log(
    `cold load → interactive (ms)  median ${median(loads).toFixed(1)}  target ≤ 1500   runs ${loads.map((x) => x.toFixed(1)).join(', ')}`,
  );
  console.log(
    `pan (fps)                     median ${median(fps).toFixed(1)}  target ≥ 45     runs ${fps.map((x) => x.toFixed(1)).join(', ')}`,
  );
}

/** Pan and drag frame rates; with TRACE, the first run also traces each gesture once more and prints its breakdown. */
async function gestures(
  browser: Browser,
  page: Page,
  label: string,
  trace: boolean,
): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  // Gestures end where they began, so the traced second pass covers the same ground.
  const timed = async (name: string, gesture: () => Promise<void>) => {
    const s = await measure(page, gesture);
    out[`${name}, ${label} (fps)`] = s.fps;
    out[`${name}, ${label} (p95 frame ms)`] = s.p95Ms;
    if (!TRACE || !trace) return;
    await page.evaluate('window.__reelgraph.perf.startFrames()');
    const b = await traceGesture(
      browser,
      page,
      async () => (await page.evaluate<Stats>('window.__reelgraph.perf.stopFrames()')).frames,
      gesture,
    );
    console.log(`trace: ${`${name}, ${label}`.padEnd(34)} ${formatBreakdown(b)}`);
  };
  const pt = await page.evaluate<{ x: number; y: number } | null>('window.__reelgraph.perf.findPanePoint()');
  if (pt) {
    await timed('pan', async () => {
      await page.mouse.move(pt.x, pt.y);
      await page.mouse.down();
      for (let i = 1; i <= 120; i++)
        await page.mouse.move(pt.x + loop(i) * 150, pt.y + 60 - Math.abs(60 - i), { steps: 1 });
      await page.mouse.up();
    });
  }
  // Far out a node is a canvas box until the pointer is over it: hover it first, then take its header.
  const id = await page.evaluate<string | undefined>(`window.__reelgraph.editor.getState().flow[2]?.id`);
  const at = await page.evaluate<{ x: number; y: number } | null>(`(() => {
      const f = window.__reelgraph.editor.getState().flow[2];
      const vp = document.querySelector('.react-flow__viewport');
      const m = vp && new DOMMatrix(getComputedStyle(vp).transform);
      const pane = document.querySelector('.react-flow').getBoundingClientRect();
      return f && m ? { x: pane.left + m.e + (f.position.x + 20) * m.a, y: pane.top + m.f + (f.position.y + 8) * m.a } : null;
    })()`);
  const far = await page.evaluate<boolean>(`!!document.querySelector('.rg-canvas.lod')`);
  if (far && at) await page.mouse.move(at.x, at.y);
  const header = far
    ? page.locator(`.rg-node[data-node-id="${id}"] .rg-title`)
    : page.locator('.react-flow__node .rg-title').nth(2);
  await header.waitFor({ state: 'attached', timeout: 30_000 });
  const box = await header.boundingBox();
  if (box) {
    const x = box.x + 10;
    const y = box.y + box.height / 2;
    await timed('drag a node', async () => {
      await page.mouse.move(x, y);
      await page.mouse.down();
      for (let i = 1; i <= 120; i++)
        await page.mouse.move(x + loop(i) * 120, y + (60 - Math.abs(60 - i)) / 2, { steps: 1 });
      await page.mouse.up();
    });
  }
  return out;
}

/** A sideways sway over the 120 steps that ends where it began. */
const loop = (i: number) => Math.sin((i / 120) * 2 * Math.PI);

async function measure(page: Page, gesture: () => Promise<void>): Promise<Stats> {
  await page.evaluate('window.__reelgraph.perf.startFrames()');
  await gesture();
  return page.evaluate<Stats>('window.__reelgraph.perf.stopFrames()');
}

async function chromiumVersion(): Promise<string> {
  const b = await launch();
  const v = b.version();
  await b.close();
  return v;
}

await main();
