export { buildApp, type ReelgraphApp } from './app';
export { SERVER_VERSION, type ServerOptions } from './options';
export * from './protocol/preview-frame';
export * from './protocol/types';
