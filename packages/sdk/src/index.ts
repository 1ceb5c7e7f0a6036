export * from './catalog';
export * from './context';
export * from './define';
export * from './inputs';
export * from './socket-types';
