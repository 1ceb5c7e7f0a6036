export * from './cache';
export * from './cache-key';
export * from './context';
export * from './errors';
export * from './events';
export * from './executor';
export * from './hash';
export * from './plan';
