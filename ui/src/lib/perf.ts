/**
 * In-page measurement helpers for the browser benchmark and tests (reached as `window.__reelgraph.perf`):
 * the browser's own frame timing (requestAnimationFrame deltas) and "settled" = every rendered node
 * measured and painted.
 */
import type { ReactFlowInstance } from '@xyflow/react';
import { farDrawn, farNodeAt } from '../flow/farLayer';

export { farDrawn };

/** The canvas's React Flow instance, for benchmarks that set the viewport. */
export const flow: { rf?: Pick<ReactFlowInstance, 'setViewport' | 'fitView'> } = {};

/** Renders per component id since the last `take`: the deterministic check that edits stay local. */
function renderCounter() {
  const counts = new Map<string, number>();
  return {
    count: (id: string) => void counts.set(id, (counts.get(id) ?? 0) + 1),
    take: (): Record<string, number> => {
      const out = Object.fromEntries(counts);
      counts.clear();
      return out;
    },
  };
}
const nodeRenders = renderCounter();
/** Node and edge ids are separate namespaces, so each kind has its own counter. */
const edgeRenders = renderCounter();
export const countRender = nodeRenders.count;
export const takeRenders = nodeRenders.take;
export const countEdgeRender = edgeRenders.count;
export const takeEdgeRenders = edgeRenders.take;

const nextFrame = () => new Promise<number>((r) => requestAnimationFrame(r));

let recording: number[] | null = null;

export function startFrames(): void {
  const times: number[] = [];
  recording = times;
  const tick = (t: number) => {
    if (recording !== times) return;
    times.push(t);
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}

export interface FrameStats {
  frames: number;
  durationMs: number;
  fps: number;
  p50Ms: number;
  p95Ms: number;
  worstMs: number;
}

export function stopFrames(): FrameStats {
  const t = recording ?? [];
  recording = null;
  const deltas = t.slice(1).map((x, i) => x - t[i]!);
  const sorted = [...deltas].sort((a, b) => a - b);
  const q = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
  const durationMs = t.length > 1 ? t.at(-1)! - t[0]! : 0;
  return {
    frames: deltas.length,
    durationMs,
    fps: durationMs ? (deltas.length * 1000) / durationMs : 0,
    p50Ms: q(0.5),
    p95Ms: q(0.95),
    worstMs: sorted.at(-1) ?? 0,
  };
}

/**
 * Resolves once `expected` nodes are drawn (or at least one, when not given): React Flow's all measured,
 * plus those on the far-out canvas layer.
 */
export async function settled(expected?: number, timeoutMs = 30_000): Promise<void> {
  const start = performance.now();
  for (;;) {
    await nextFrame();
    const els = document.querySelectorAll<HTMLElement>('.react-flow__node');
    const shown = els.length + farDrawn();
    const enough = expected === undefined ? shown > 0 : shown >= expected;
    if (enough && [...els].every((e) => e.style.visibility !== 'hidden')) break;
    if (performance.now() - start > timeoutMs) throw new Error(`not settled: ${shown} nodes`);
  }
  await nextFrame();
}

/** A point (client coordinates) on the empty canvas, for pan gestures; scans a coarse grid. */
export function findPanePoint(): { x: number; y: number } | null {
  const pane = document.querySelector('.react-flow__pane')?.getBoundingClientRect();
  if (!pane) return null;
  for (let y = pane.top + 40; y < pane.bottom - 40; y += 20) {
    for (let x = pane.left + 60; x < pane.right - 260; x += 20) {
      const ok = [0, 150, 300].every(
        (dx) =>
          document.elementFromPoint(x + dx, y)?.classList.contains('react-flow__pane') &&
          !farNodeAt(x + dx, y),
      );
      if (ok) return { x, y };
    }
  }
  return null;
}
