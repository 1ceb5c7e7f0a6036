/**
 * The wire protocol of docs/protocol.md, declared once: TypeBox schemas that are both the server's route
 * schemas and, through `Static<>`, the TypeScript types both sides use. Browser-safe.
 */
export * from './engine-events';
export * from './events';
export * from './http';
export * from './jobs';
export * from './preview-frame';
export * from './workflows';
export * from './ws';
