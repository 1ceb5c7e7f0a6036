/**
 * What a gesture's frames are made of, from a Chromium trace: main-thread self time by kind (script,
 * style, layout, paint, other — the buckets of DevTools' Performance panel, with pointer hit testing on
 * its own: it is most of a pan's layout work) plus raster and compositing on the other threads, in ms per
 * frame. Used by bench/editor-canvas.ts (TRACE=1).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from '../ui/e2e/harness';

let traced = 0;

export type Kind = 'script' | 'style' | 'layout' | 'hitTest' | 'paint' | 'other';
export type Breakdown = Record<Kind | 'raster' | 'compositor', number>;

/** The categories DevTools records for its timeline; enough to attribute every main-thread task. */
const CATEGORIES = [
  'devtools.timeline',
  'disabled-by-default-devtools.timeline',
  'disabled-by-default-devtools.timeline.frame',
  'v8.execute',
  'blink',
  'cc',
  'toplevel',
];

/** Trace event names → kind (names from Chromium's timeline model). Unlisted names count as "other". */
const KIND: Record<string, Kind> = {
  FunctionCall: 'script',
  EvaluateScript: 'script',
  'v8.compile': 'script',
  'v8.compileModule': 'script',
  'v8.evaluateModule': 'script',
  'v8.run': 'script',
  'v8.callFunction': 'script',
  'V8.Execute': 'script',
  TimerFire: 'script',
  FireAnimationFrame: 'script',
  FireIdleCallback: 'script',
  EventDispatch: 'script',
  RunMicrotasks: 'script',
  MajorGC: 'script',
  MinorGC: 'script',
  'V8.GC_SCAVENGER': 'script',
  'BlinkGC.AtomicPhase': 'script',
  ParseHTML: 'script',
  UpdateLayoutTree: 'style',
  RecalculateStyles: 'style',
  ParseAuthorStyleSheet: 'style',
  Layout: 'layout',
  HitTest: 'hitTest',
  'LocalFrameView::RunPostLifecycleSteps': 'layout',
  UpdateLayerTree: 'paint',
  PrePaint: 'paint',
  Paint: 'paint',
  PaintImage: 'paint',
  Layerize: 'paint',
  CompositeLayers: 'paint',
  'LocalFrameView::RunPaintLifecyclePhase': 'paint',
  Commit: 'paint',
};

interface TraceEvent {
  name: string;
  ph: string;
  ts: number;
  dur?: number;
  pid: number;
  tid: number;
  args?: { name?: string };
}

/** Trace `gesture`; returns ms per frame for each kind, `frames` being the frames the gesture drew. */
export async function traceGesture(
  browser: Browser,
  page: Page,
  frames: () => Promise<number>,
  gesture: () => Promise<void>,
): Promise<Breakdown & { frames: number }> {
  await browser.startTracing(page, { categories: CATEGORIES });
  await gesture();
  const n = await frames();
  const raw = await browser.stopTracing();
  // TRACE_DIR=<dir> keeps each trace, to open in DevTools' Performance panel.
  if (process.env.TRACE_DIR) {
    writeFileSync(join(process.env.TRACE_DIR, `${(traced++).toString().padStart(2, '0')}.json`), raw);
  }
  const trace = JSON.parse(raw.toString('utf8')) as { traceEvents: TraceEvent[] };
  const totals = breakdown(trace.traceEvents);
  const per = Object.fromEntries(Object.entries(totals).map(([k, v]) => [k, v / Math.max(1, n)]));
  return { ...(per as Breakdown), frames: n };
}

/** Total ms per kind over the trace: main-thread self times of the busiest renderer, other threads summed. */
export function breakdown(events: TraceEvent[]): Breakdown {
  const names = new Map<string, string>();
  for (const e of events) {
    if (e.ph === 'M' && e.name === 'thread_name') names.set(`${e.pid}:${e.tid}`, e.args?.name ?? '');
  }
  const byThread = new Map<string, TraceEvent[]>();
  for (const e of events) {
    if (e.ph !== 'X' || e.dur === undefined) continue;
    const key = `${e.pid}:${e.tid}`;
    const list = byThread.get(key) ?? [];
    if (!list.length) byThread.set(key, list);
    list.push(e);
  }
  const out: Breakdown = {
    script: 0,
    style: 0,
    layout: 0,
    hitTest: 0,
    paint: 0,
    other: 0,
    raster: 0,
    compositor: 0,
  };
  // The page's main thread: the renderer main thread with the most traced time.
  let main: TraceEvent[] = [];
  let mainBusy = -1;
  for (const [key, list] of byThread) {
    const name = names.get(key) ?? '';
    if (name === 'CrRendererMain') {
      const busy = topLevelTime(list);
      if (busy > mainBusy) [main, mainBusy] = [list, busy];
    } else if (name === 'Compositor' || name === 'VizCompositorThread') out.compositor += topLevelTime(list);
    // Software raster runs on the renderer's worker pool.
    else out.raster += topLevelTime(list.filter((e) => e.name === 'RasterTask'));
  }
  for (const [kind, us] of selfTimes(main)) out[kind] += us;
  for (const k of Object.keys(out) as (keyof Breakdown)[]) out[k] /= 1000;
  return out;
}

/** Time covered by a thread's outermost events, in µs. */
function topLevelTime(list: TraceEvent[]): number {
  let total = 0;
  let end = -1;
  for (const e of sorted(list)) {
    if (e.ts >= end) {
      total += e.dur!;
      end = e.ts + e.dur!;
    }
  }
  return total;
}

/**
 * Self time (own duration less its children's) of every event, credited to its kind; an unlisted event
 * inside a listed one (a V8 sub-phase inside a FunctionCall) counts as its parent's kind.
 */
function selfTimes(list: TraceEvent[]): Map<Kind, number> {
  const out = new Map<Kind, number>();
  const stack: { end: number; kind: Kind; self: number }[] = [];
  const pop = () => {
    const top = stack.pop()!;
    out.set(top.kind, (out.get(top.kind) ?? 0) + top.self);
  };
  for (const e of sorted(list)) {
    while (stack.length && e.ts >= stack.at(-1)!.end) pop();
    const parent = stack.at(-1);
    if (parent) parent.self -= e.dur!;
    const kind = KIND[e.name] ?? (parent && parent.kind !== 'other' ? parent.kind : 'other');
    stack.push({ end: e.ts + e.dur!, kind, self: e.dur! });
  }
  while (stack.length) pop();
  return out;
}

/** By start time, the longer (outer) event first on ties. */
const sorted = (list: TraceEvent[]) => [...list].sort((a, b) => a.ts - b.ts || b.dur! - a.dur!);

export function formatBreakdown(b: Breakdown & { frames: number }): string {
  const f = (v: number) => v.toFixed(1).padStart(5);
  return (
    `script ${f(b.script)}  style ${f(b.style)}  layout ${f(b.layout)}  hit-test ${f(b.hitTest)}` +
    `  paint ${f(b.paint)}  other ${f(b.other)}` +
    `  | raster ${f(b.raster)}  compositor ${f(b.compositor)}  ms/frame over ${b.frames} frames`
  );
}
