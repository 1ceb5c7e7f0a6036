import type { ValidationError } from '@reelgraph/graph';

/** A failed request, from its `{ error, message, errors? }` body (docs/protocol.md §1). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly errors: ValidationError[] = [],
  ) {
    super(message);
  }
}
