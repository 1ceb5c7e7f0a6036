import type { ValidationError } from '@reelgraph/graph';
import type { NodeFailure } from './events';

/** `Executor.run` rejects with this when the document does not validate against the catalog. */
export class GraphValidationError extends Error {
  override readonly name = 'GraphValidationError';
  readonly errors: ValidationError[];

  constructor(errors: ValidationError[]) {
    const seen = new Set<string>();
    const unique = errors.filter((e) => {
      const k = `${e.code}\u0000${e.nodeId}\u0000${e.input ?? ''}\u0000${e.message}`;
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
    const first = unique[0];
    super(
      first
        ? `Invalid graph: ${first.message}${unique.length > 1 ? ` (and ${unique.length - 1} more)` : ''}`
        : 'Invalid graph',
    );
    this.errors = unique;
  }
}

/** Turn anything a node threw (Errors, strings, objects, undefined) into a serialisable failure. */
export function toFailure(thrown: unknown): NodeFailure {
  if (thrown instanceof Error) {
    const failure: NodeFailure = { name: thrown.name || 'Error', message: thrown.message || String(thrown) };
    if (thrown.stack) failure.stack = thrown.stack;
    return failure;
  }
  if (typeof thrown === 'object' && thrown !== null) {
    const o = thrown as { name?: unknown; message?: unknown };
    if (typeof o.message === 'string') {
      return { name: typeof o.name === 'string' ? o.name : 'Error', message: o.message };
    }
  }
  let message: string;
  try {
    message = typeof thrown === 'string' ? thrown : (JSON.stringify(thrown) ?? String(thrown));
  } catch {
    message = '[unserialisable value]';
  }
  return { name: 'NonErrorThrown', message: `Node threw a non-Error value: ${message}` };
}
