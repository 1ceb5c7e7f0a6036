export * from './dirs';
export * from './discover';
export * from './host-modules';
export { type ImportedModule, importModule } from './import-module';
export * from './load';
export * from './manifest';
export * from './registry';
export * from './version';
