import { useReactFlow } from '@xyflow/react';

/** MIME type of a node type dragged from the library onto the canvas. */
export const NODE_DRAG_TYPE = 'application/x-reelgraph-node';

/** Where a library item lands: the middle of the visible canvas (nudged so repeated adds do not stack). */
export function useDropPoint(): () => { x: number; y: number } {
  const rf = useReactFlow();
  return () => {
    const canvas = document.querySelector('.rg-canvas')?.getBoundingClientRect();
    const jitter = (Math.random() - 0.5) * 60;
    const x = canvas ? canvas.left + canvas.width / 2 : innerWidth / 2;
    const y = canvas ? canvas.top + canvas.height / 2 : innerHeight / 2;
    return rf.screenToFlowPosition({ x: x - 130 + jitter, y: y - 70 + jitter });
  };
}
