import type { InternalNode } from '@xyflow/react';
import type { FlowNode } from '../store/types';
import { BOX_HEAD, boxAt, boxesInside, type FarColors, type FarScene, type Handles } from './farScene';

/**
 * The far-out canvas layer's state, shared by its component (which draws), the canvas's pointer handling
 * (which promotes the node under the pointer to a real React Flow node) and the test helpers.
 */
const EMPTY: FarScene = { boxes: [], links: new Map() };
let scene = EMPTY;
let drawn = 0;
let view: { x: number; y: number; zoom: number; left: number; top: number } | undefined;

export function setScene(next: FarScene | undefined): void {
  scene = next ?? EMPTY;
  if (!next) {
    drawn = 0;
    view = undefined;
  }
}

/** Nodes drawn on the canvas in the last frame (React Flow draws the rest). */
export const farDrawn = (): number => drawn;

/** The node under a point in client coordinates while zoomed far out (real or drawn), if any. */
export function farNodeAt(clientX: number, clientY: number): string | undefined {
  if (!view) return undefined;
  return boxAt(scene, {
    x: (clientX - view.left - view.x) / view.zoom,
    y: (clientY - view.top - view.y) / view.zoom,
  });
}

/** The nodes wholly inside a rectangle in pane coordinates (React Flow's user selection rectangle). */
export function farNodesInside(r: { x: number; y: number; width: number; height: number }): string[] {
  if (!view) return [];
  const { x, y, zoom } = view;
  return boxesInside(scene, {
    x: (r.x - x) / zoom,
    y: (r.y - y) / zoom,
    width: r.width / zoom,
    height: r.height / zoom,
  });
}

// React Flow forgets a node's measured sockets when it leaves the real set; links drawn here and the box a
// promoted node shows (NodeBox) keep using them.
const handles = new Map<string, Handles>();
export function rememberHandles(lookup: ReadonlyMap<string, InternalNode<FlowNode>>): void {
  for (const [id, n] of lookup) if (n.internals.handleBounds) handles.set(id, n.internals.handleBounds);
}
export const handlesOf = (id: string): Handles | undefined => handles.get(id);

export function colorsOf(el: Element): FarColors {
  const css = getComputedStyle(el);
  const v = (name: string, fallback: string) => css.getPropertyValue(name).trim() || fallback;
  return {
    node: v('--node', '#2b2f37'),
    head: v('--node-head', '#353a44'),
    note: '#d8c46a',
    link: '#888',
    running: v('--accent', '#5aa9ff'),
    done: v('--ok', '#58c27d'),
    failed: v('--err', '#ff6b6b'),
  };
}

/**
 * One frame: the scene under the viewport transform. Links first (under the boxes, as React Flow draws
 * them), one path per colour; boxes as filled rectangles; everything off screen skipped.
 */
export function paint(
  canvas: HTMLCanvasElement,
  colors: FarColors,
  [tx, ty, zoom]: readonly [number, number, number],
  width: number,
  height: number,
): void {
  const dpr = window.devicePixelRatio || 1;
  const w = Math.round(width * dpr);
  const h = Math.round(height * dpr);
  if (canvas.width !== w || canvas.height !== h) {
    canvas.width = w;
    canvas.height = h;
  }
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const rect = canvas.getBoundingClientRect();
  view = { x: tx, y: ty, zoom, left: rect.left, top: rect.top };
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.clearRect(0, 0, w, h);
  ctx.setTransform(dpr * zoom, 0, 0, dpr * zoom, dpr * tx, dpr * ty);
  // The visible flow rectangle.
  const x0 = -tx / zoom;
  const y0 = -ty / zoom;
  const x1 = x0 + width / zoom;
  const y1 = y0 + height / zoom;

  ctx.lineWidth = 1.5 / zoom;
  ctx.globalAlpha = 0.85;
  for (const [color, lines] of scene.links) {
    ctx.beginPath();
    for (const l of lines) {
      ctx.moveTo(l[0]!, l[1]!);
      for (let i = 2; i < l.length; i += 2) ctx.lineTo(l[i]!, l[i + 1]!);
    }
    ctx.strokeStyle = color;
    ctx.stroke();
  }

  let count = 0;
  ctx.lineWidth = 2 / zoom;
  for (const b of scene.boxes) {
    if (b.real || b.x > x1 || b.y > y1 || b.x + b.w < x0 || b.y + b.h < y0) continue;
    count++;
    ctx.globalAlpha = b.alpha;
    if (b.note) {
      ctx.fillStyle = b.head;
      ctx.fillRect(b.x, b.y, b.w, b.h);
    } else {
      ctx.fillStyle = colors.node;
      ctx.fillRect(b.x, b.y, b.w, b.h);
      ctx.fillStyle = b.head;
      ctx.fillRect(b.x, b.y, b.w, Math.min(BOX_HEAD, b.h));
    }
    if (b.border) {
      ctx.strokeStyle = b.border;
      ctx.strokeRect(b.x, b.y, b.w, b.h);
    }
  }
  ctx.globalAlpha = 1;
  drawn = count;
}
