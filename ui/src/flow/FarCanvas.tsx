import { useStoreApi } from '@xyflow/react';
import { useEffect, useRef } from 'react';
import { editor } from '../state';
import { runStore } from '../store/runStore';
import type { FlowEdge, FlowNode } from '../store/types';
import { colorsOf, handlesOf, paint, setScene } from './farLayer';
import { farScene } from './farScene';

/**
 * Zoomed far out, every node that is not real (hovered, selected, dragged, a frame) is drawn as a box and
 * every link as a line on this one canvas under React Flow, instead of an element per node and an SVG per
 * link. It never renders through React after mounting: a pan repaints the canvas with the new transform in
 * the next animation frame, an edit rebuilds the scene first.
 */
export function FarCanvas({ on, real }: { on: boolean; real: ReadonlySet<string> }) {
  const ref = useRef<HTMLCanvasElement>(null);
  const flowStore = useStoreApi<FlowNode, FlowEdge>();
  useEffect(() => {
    const canvas = ref.current;
    if (!on || !canvas) return;
    const colors = colorsOf(canvas);
    let frame = 0;
    const draw = () => {
      frame = 0;
      const { transform, width, height } = flowStore.getState();
      paint(canvas, colors, transform, width, height);
    };
    const schedule = () => {
      frame ||= requestAnimationFrame(draw);
    };
    const build = () => {
      const s = editor.getState();
      const r = runStore.getState();
      setScene(
        farScene({
          flow: s.flow,
          edges: s.edges,
          items: s.items,
          catalog: s.catalog,
          run: r.nodes,
          problems: r.problems,
          real,
          handles: handlesOf,
          colors,
        }),
      );
      schedule();
    };
    build();
    const stops = [
      flowStore.subscribe((s, p) => {
        if (s.transform !== p.transform || s.width !== p.width || s.height !== p.height) schedule();
      }),
      editor.subscribe((s, p) => {
        if (s.flow !== p.flow || s.edges !== p.edges || s.items !== p.items || s.catalog !== p.catalog)
          build();
      }),
      runStore.subscribe((s, p) => {
        if (s.nodes !== p.nodes || s.problems !== p.problems) build();
      }),
    ];
    return () => {
      for (const stop of stops) stop();
      cancelAnimationFrame(frame);
      setScene(undefined);
      canvas.getContext('2d')?.clearRect(0, 0, canvas.width, canvas.height);
    };
  }, [on, real, flowStore]);
  return <canvas ref={ref} className="rg-far-layer" />;
}
