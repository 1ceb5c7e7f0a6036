import type { Point } from '@reelgraph/graph';
import { useReactFlow } from '@xyflow/react';
import { useRef } from 'react';
import { editor } from '../state';

const STEP = 10;

/** The points of the link into `target.input`, as the store has them now. */
function pointsOf(target: string, input: string): Point[] {
  const item = editor.getState().items[target];
  return item?.kind === 'node' ? (item.reroutes?.[input] ?? []) : [];
}

function update(target: string, input: string, index: number, p: Point | null) {
  const points = pointsOf(target, input).slice();
  if (p) points[index] = p;
  else points.splice(index, 1);
  // One undo step per gesture: moves of one point group together.
  editor.getState().setReroutes(target, input, points, `reroute:${target}:${input}:${index}`);
}

/** A reroute point: drag to move, double-click or Delete to remove, arrow keys to nudge. */
export function ReroutePoint(props: {
  target: string;
  input: string;
  index: number;
  at: Point;
  color: string;
}) {
  const { target, input, index, at } = props;
  const rf = useReactFlow();
  const dragging = useRef(false);
  return (
    // biome-ignore lint/a11y/useSemanticElements: an SVG point on the canvas, not a form control
    <circle
      className="rg-reroute nodrag nopan"
      role="button"
      tabIndex={0}
      aria-label={`Reroute point ${index + 1} of the link into ${target}.${input}`}
      data-reroute={`${target}:${input}:${index}`}
      cx={at.x}
      cy={at.y}
      r={6}
      fill={props.color}
      onPointerDown={(e) => {
        if (e.button !== 0) return;
        e.stopPropagation();
        e.currentTarget.setPointerCapture(e.pointerId);
        dragging.current = true;
      }}
      onPointerMove={(e) => {
        if (!dragging.current) return;
        update(target, input, index, rf.screenToFlowPosition({ x: e.clientX, y: e.clientY }));
      }}
      onPointerUp={(e) => {
        dragging.current = false;
        e.currentTarget.releasePointerCapture(e.pointerId);
      }}
      onDoubleClick={(e) => {
        e.stopPropagation();
        update(target, input, index, null);
      }}
      onKeyDown={(e) => {
        const step = e.shiftKey ? STEP * 5 : STEP;
        const moves: Record<string, Point> = {
          ArrowLeft: { x: at.x - step, y: at.y },
          ArrowRight: { x: at.x + step, y: at.y },
          ArrowUp: { x: at.x, y: at.y - step },
          ArrowDown: { x: at.x, y: at.y + step },
        };
        const move = moves[e.key];
        if (move) update(target, input, index, move);
        else if (e.key === 'Delete' || e.key === 'Backspace') update(target, input, index, null);
        else return;
        e.preventDefault();
        e.stopPropagation();
      }}
    />
  );
}
