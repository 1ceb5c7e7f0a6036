/** Colours, shapes, motions and the word vocabulary of the tiny model family (ids = array index). */
export const COLOURS = ['red', 'green', 'blue', 'yellow', 'orange', 'purple', 'white', 'black'] as const;
export const SHAPES = ['circle', 'square', 'triangle', 'diamond'] as const;
export const MOTIONS = ['left', 'right', 'up', 'down', 'grows', 'shrinks'] as const;

export type Colour = (typeof COLOURS)[number];
export type Shape = (typeof SHAPES)[number];
export type Motion = (typeof MOTIONS)[number];

/** RGB palette, index-aligned with COLOURS. */
export const PALETTE: readonly (readonly [number, number, number])[] = [
  [220, 40, 40],
  [40, 180, 60],
  [40, 80, 220],
  [240, 220, 40],
  [245, 140, 30],
  [150, 60, 200],
  [245, 245, 245],
  [20, 20, 20],
];

export const VOCAB: readonly string[] = [
  '<pad>',
  '<bos>',
  'a',
  'moves',
  'on',
  'background',
  ...COLOURS,
  ...SHAPES,
  ...MOTIONS,
];
export const PAD_ID = 0;
export const BOS_ID = 1;
export const TEXT_LENGTH = 16;
