/** A model problem a user can act on: which model, which file, what is wrong. */
export type ModelErrorCode =
  | 'MODEL_NOT_FOUND'
  | 'MANIFEST_MISSING'
  | 'MANIFEST_INVALID'
  | 'FILE_MISSING'
  | 'FILE_CORRUPT'
  | 'MANIFEST_MISMATCH'
  | 'SHAPE_MISMATCH';

export class ModelError extends Error {
  override readonly name = 'ModelError';
  constructor(
    readonly code: ModelErrorCode,
    message: string,
    readonly details: { model?: string; file?: string; path?: string } = {},
  ) {
    super(message);
  }
}
