import type { ValidationError } from '@reelgraph/graph';

/** A failed request, from its `{ error, message, errors? }` body (docs/protocol.md §1). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly errors: ValidationError[] = [],
    /** The whole error body, for codes with fields of their own (`policy_refused`'s `refusals`). */
    readonly body: Record<string, unknown> = {},
  ) {
    super(message);
  }
}
