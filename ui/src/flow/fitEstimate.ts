import { getViewportForBounds, type ReactFlowInstance, type Viewport } from '@xyflow/react';
import type { FlowNode } from '../store/types';
import { isFar } from './lod';

/** A node never measured is taken to be this big: the widths of the node CSS, a typical node's height. */
const ESTIMATED = { width: 260, height: 200 };
/** fitView's default padding, so the measured fit that follows moves the view by a few pixels only. */
const PADDING = 0.1;

/**
 * The viewport that fits `nodes` from their positions alone, before any is rendered or measured: set
 * before a freshly loaded graph's first render, the first frame is drawn at the fitted zoom (boxes when
 * far out) instead of every node in full at the old zoom, then again after the fit.
 */
export function estimatedFit(
  nodes: readonly FlowNode[],
  view: { width: number; height: number },
  zoom: { min: number; max: number },
): Viewport | null {
  let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const n of nodes) {
    // Children sit relative to their group, which is itself in the list.
    if (n.parentId) continue;
    const w = n.measured?.width ?? n.width ?? ESTIMATED.width;
    const h = n.measured?.height ?? n.height ?? ESTIMATED.height;
    x0 = Math.min(x0, n.position.x);
    y0 = Math.min(y0, n.position.y);
    x1 = Math.max(x1, n.position.x + w);
    y1 = Math.max(y1, n.position.y + h);
  }
  if (!(x1 > x0) || !view.width || !view.height) return null;
  const bounds = { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
  return getViewportForBounds(bounds, view.width, view.height, zoom.min, zoom.max, PADDING);
}

type View = { width: number; height: number; minZoom: number };
type Flow = Pick<ReactFlowInstance, 'setViewport' | 'fitView'>;

/** Set the estimated fit of `nodes` now; whether it is far out (React Flow's exact fit then does not apply). */
export function fitEstimated(rf: Flow, view: View, nodes: readonly FlowNode[]): boolean {
  const fit = estimatedFit(nodes, view, { min: view.minZoom, max: 1 });
  if (fit) void rf.setViewport(fit);
  return fit ? isFar(fit.zoom) : false;
}

/**
 * Fit the whole graph: far out the estimate is the fit (React Flow holds only the real nodes there, so its
 * own fit would frame those); nearer, React Flow's fit from the measured nodes.
 */
export function fitGraph(rf: Flow, view: View, nodes: readonly FlowNode[]): void {
  if (!fitEstimated(rf, view, nodes)) void rf.fitView({ maxZoom: 1 });
}
