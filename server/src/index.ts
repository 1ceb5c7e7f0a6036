export { buildApp, type ReelgraphApp } from './app';
export { SERVER_VERSION, type ServerOptions } from './options';
