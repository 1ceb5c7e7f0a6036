export * from './catalog';
export * from './classifier';
export * from './context';
export * from './define';
export * from './inputs';
export * from './socket-types';
