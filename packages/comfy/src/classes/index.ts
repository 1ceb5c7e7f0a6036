import { ComfyMappings } from '../mapping';
import { foreignClasses, ioClasses, ioExporters } from './io';
import { latentClasses, latentExporters } from './latent';
import { loaderClasses, loaderExporters } from './loaders';
import { samplingClasses, samplingExporters } from './sampling';

export const BUILTIN_CLASSES = [
  ...loaderClasses,
  ...latentClasses,
  ...samplingClasses,
  ...ioClasses,
  ...foreignClasses,
];
export const BUILTIN_EXPORTERS = [
  ...loaderExporters,
  ...latentExporters,
  ...samplingExporters,
  ...ioExporters,
];

/** A fresh set of the built-in tables, for packs to register more into. */
export function builtinMappings(): ComfyMappings {
  return new ComfyMappings(BUILTIN_CLASSES, BUILTIN_EXPORTERS);
}
