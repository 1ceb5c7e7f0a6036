import type { ValidationError } from '@reelgraph/graph';
import type { ErrorCode } from '@reelgraph/protocol';

/** A failed request, from its `{ error, message, errors? }` body (docs/protocol.md §1). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    /** `http_error` when the body was not the protocol's. */
    readonly code: ErrorCode | 'http_error',
    message: string,
    readonly errors: ValidationError[] = [],
    /** The whole error body, for codes with fields of their own (`policy_refused`'s `refusals`). */
    readonly body: Record<string, unknown> = {},
  ) {
    super(message);
  }
}
