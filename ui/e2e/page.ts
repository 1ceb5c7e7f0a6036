/** Page helpers for the editor's browser tests (the ComfyPage-style fixture, small). */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { GraphDocument } from '@reelgraph/graph';
import type { Browser, Page } from 'playwright-core';
import type { StoreApi } from 'zustand';
import type { EditorStore } from '../src/store/editorStore';
import type { RunState } from '../src/store/runStore';
import { RESULTS } from './harness';

interface Handle {
  editor: StoreApi<EditorStore>;
  runStore: StoreApi<RunState>;
  actions: typeof import('../src/actions');
  perf: typeof import('../src/lib/perf');
  uiStore: StoreApi<import('../src/store/uiStore').UiState>;
}
declare global {
  interface Window {
    __reelgraph: Handle;
  }
}

export async function openEditor(browser: Browser, url: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1500, height: 950 }, acceptDownloads: true });
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error('[page error]', e.message));
  await page.goto(url);
  // Startup ends with the autosave or the default preset in the store; edits before that would be replaced.
  await page.waitForFunction(() => performance.getEntriesByName('rg:loaded').length > 0);
  return page;
}

export const doc = (page: Page) => page.evaluate(() => window.__reelgraph.editor.getState().toDocument());

export const edgeCount = (page: Page) =>
  page.evaluate(() => window.__reelgraph.editor.getState().edges.length);

export async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(RESULTS, { recursive: true });
  await page.screenshot({ path: join(RESULTS, `${name}.png`) });
}

export const nodeEl = (page: Page, id: string) => page.locator(`.rg-node[data-node-id="${id}"]`);

export function handle(page: Page, nodeId: string, name: string, side: 'source' | 'target') {
  return page.locator(
    `.react-flow__node[data-id="${nodeId}"] .react-flow__handle.${side}[data-handleid="${name}"]`,
  );
}

/** Press-move-release like a hand, so React Flow sees a real connection drag. */
export async function dragTo(page: Page, from: { x: number; y: number }, to: { x: number; y: number }) {
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move((from.x + to.x) / 2, (from.y + to.y) / 2, { steps: 8 });
  await page.mouse.move(to.x, to.y, { steps: 8 });
  await page.mouse.up();
}

export async function center(l: ReturnType<Page['locator']>) {
  const b = await l.boundingBox();
  if (!b) throw new Error('element not visible');
  return { x: b.x + b.width / 2, y: b.y + b.height / 2 };
}

/** Search palette: pick the first result for `query`. Returns the new node's id. */
export async function addFromPalette(page: Page, query: string): Promise<string> {
  const before = await page.evaluate(() => Object.keys(window.__reelgraph.editor.getState().items));
  await page.getByRole('dialog', { name: 'Add node' }).waitFor();
  await page.getByLabel('Search nodes').fill(query);
  await page.keyboard.press('Enter');
  await page.waitForFunction(
    (n) => Object.keys(window.__reelgraph.editor.getState().items).length > n,
    before.length,
  );
  const after = await page.evaluate(() => Object.keys(window.__reelgraph.editor.getState().items));
  return after.find((id) => !before.includes(id))!;
}

/** Drop a file on the canvas the way a browser does (DataTransfer with a File). */
export async function dropFile(page: Page, bytes: Uint8Array, name: string, type: string): Promise<void> {
  await page.evaluate(
    ({ b64, name, type }) => {
      const data = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const dt = new DataTransfer();
      dt.items.add(new File([data], name, { type }));
      const target = document.querySelector('.react-flow__pane') ?? document.querySelector('.rg-canvas')!;
      for (const t of ['dragenter', 'dragover', 'drop']) {
        target.dispatchEvent(
          new DragEvent(t, { dataTransfer: dt, bubbles: true, cancelable: true, clientX: 600, clientY: 400 }),
        );
      }
    },
    { b64: Buffer.from(bytes).toString('base64'), name, type },
  );
}

export type { GraphDocument };
