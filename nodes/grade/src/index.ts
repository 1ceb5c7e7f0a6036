// The grade pack: finishing nodes for generated clips. Loaded through its manifest like any user pack.
export { ColorGrade } from './color';
export { TextOverlay } from './text';
