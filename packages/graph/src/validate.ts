import type { Catalog } from './catalog';
import type { ValidationError } from './errors';

export interface ValidateOptions {
  maxBytes?: number;
  maxNodes?: number;
}

// Placeholder until the full validator lands (GRAPH helper replaces this file).
export function validateGraph(_doc: unknown, _catalog: Catalog, _options: ValidateOptions = {}): ValidationError[] {
  return [];
}
