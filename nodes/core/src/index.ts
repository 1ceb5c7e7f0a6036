// The built-in pack. It is loaded through its manifest like any user pack; these exports are its nodes.
export { Bool, Float, Int, Str } from './constants';
export { IntMath, MathNode } from './math';
export { Preview, SaveText } from './output';
export { Seed } from './seed';
export { Delay, Fail } from './testing';
export { Format } from './text';
