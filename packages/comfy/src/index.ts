export { BUILTIN_CLASSES, BUILTIN_EXPORTERS, builtinMappings } from './classes';
export { type Embedded, extractComfy } from './embedded';
export { type ExportResult, toApiPrompt } from './export-api';
export * from './format';
export * from './import';
export * from './mapping';
export { readPrompt } from './prompt';
export { type ImportReport, matchModel, type ToGraphOptions, toGraph } from './to-graph';
export { readWorkflow } from './workflow';
