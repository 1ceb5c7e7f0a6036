import { useStore as useFlowStore } from '@xyflow/react';

// Benchmark switch (?lod=0) to compare rendering strategies; the default is the product.
const LOD = typeof location === 'undefined' || new URLSearchParams(location.search).get('lod') !== '0';
/** Below this zoom nodes are drawn as boxes: widget text is under 6 px tall there, unreadable anyway. */
export const LOD_ZOOM = 0.45;

/**
 * Whether the canvas is zoomed out past the level of detail: a two-value bucket of the viewport's zoom,
 * so a pan or zoom frame re-renders a subscriber only when it crosses the threshold.
 */
export function useFar(): boolean {
  return useFlowStore((s) => isFar(s.transform[2]));
}

export const isFar = (zoom: number): boolean => LOD && zoom < LOD_ZOOM;
