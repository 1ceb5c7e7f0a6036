export * from './catalog';
export * from './connect';
export * from './document';
export * from './sockets';
export * from './errors';
export * from './validate';
