export * from './catalog';
export * from './connect';
export * from './document';
export * from './errors';
export * from './sockets';
export * from './validate';
