/**
 * Reroute points on links (pure). A link is named by the input it feeds, so its points live on the
 * target node (`NodeItem.reroutes[input]`, the document's `meta.reroutes`), ordered source → target.
 */
import type { InputValue, Point } from '@reelgraph/graph';
import { isLink } from '@reelgraph/graph';
import type { NodeItem } from './types';

/** The node with `points` as the reroutes of `input` (none: the key goes). */
export function withReroutes(item: NodeItem, input: string, points: readonly Point[]): NodeItem {
  const { [input]: _old, ...rest } = item.reroutes ?? {};
  const reroutes = points.length ? { ...rest, [input]: points.map((p) => ({ x: p.x, y: p.y })) } : rest;
  const { reroutes: _r, ...node } = item;
  return Object.keys(reroutes).length ? { ...node, reroutes } : node;
}

/** Where a new point at `p` goes in the chain `from → points → to`: before the nearest segment's end. */
export function insertionIndex(points: readonly Point[], from: Point, to: Point, p: Point): number {
  const chain = [from, ...points, to];
  let best = 0;
  let bestD = Number.POSITIVE_INFINITY;
  for (let i = 0; i < chain.length - 1; i++) {
    const d = segmentDistance(chain[i]!, chain[i + 1]!, p);
    if (d < bestD) {
      bestD = d;
      best = i;
    }
  }
  return best;
}

function segmentDistance(a: Point, b: Point, p: Point): number {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const len = dx * dx + dy * dy;
  const t = len === 0 ? 0 : Math.max(0, Math.min(1, ((p.x - a.x) * dx + (p.y - a.y) * dy) / len));
  return Math.hypot(a.x + t * dx - p.x, a.y + t * dy - p.y);
}

/** Points moved with pasted nodes; those of links the paste dropped go. */
export function shiftReroutes(
  reroutes: NodeItem['reroutes'],
  inputs: Record<string, InputValue>,
  dx: number,
  dy: number,
): NodeItem['reroutes'] {
  if (!reroutes) return undefined;
  const out: NonNullable<NodeItem['reroutes']> = {};
  for (const [input, points] of Object.entries(reroutes))
    if (isLink(inputs[input])) out[input] = points.map((p) => ({ x: p.x + dx, y: p.y + dy }));
  return Object.keys(out).length ? out : undefined;
}

/**
 * The link's drawing through its points: one cubic per stretch, leaving and entering horizontally (as
 * sockets do), and the point halfway along the middle stretch, where the link's menu sits.
 */
export function reroutedPath(from: Point, to: Point, points: readonly Point[]): { path: string; mid: Point } {
  const chain = [from, ...points, to];
  let path = `M ${from.x},${from.y}`;
  let mid = from;
  const middle = Math.floor((chain.length - 1) / 2);
  for (let i = 0; i < chain.length - 1; i++) {
    const a = chain[i]!;
    const b = chain[i + 1]!;
    const k = Math.max(25, Math.abs(b.x - a.x) / 2);
    const c1 = { x: a.x + k, y: a.y };
    const c2 = { x: b.x - k, y: b.y };
    path += ` C ${c1.x},${c1.y} ${c2.x},${c2.y} ${b.x},${b.y}`;
    if (i === middle)
      mid = { x: (a.x + 3 * c1.x + 3 * c2.x + b.x) / 8, y: (a.y + 3 * c1.y + 3 * c2.y + b.y) / 8 };
  }
  return { path, mid };
}
