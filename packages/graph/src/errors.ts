/** Structured validation errors: every problem in a document is reported at once. */

export const VALIDATION_CODES = [
  'document_too_large',
  'invalid_json',
  'invalid_document',
  'unsupported_version',
  'duplicate_id',
  'unknown_node_type',
  'foreign_node',
  'missing_input',
  'unknown_input',
  'invalid_link',
  'link_missing_node',
  'link_missing_output',
  'link_required',
  'type_mismatch',
  'wrong_value_type',
  'not_integer',
  'below_min',
  'above_max',
  'off_step',
  'not_in_options',
  'model_mismatch',
  'cycle',
  'no_output_node',
] as const;

export type ValidationCode = (typeof VALIDATION_CODES)[number];

export interface ValidationError {
  /** The node the problem is on; null for document-level problems. */
  nodeId: string | null;
  input?: string;
  code: ValidationCode;
  message: string;
  /** Where in the JSON text the problem is (set by `parseGraph` for `invalid_json` and duplicate keys). */
  location?: TextLocation;
  /**
   * Set when the problem is inside a subgraph instance (`nodeId`): the inner node's path from the
   * instance (`"a"`, or `"a/b"` through a nested instance) and its input. `input` is then the
   * instance's own input that feeds it, when one does.
   */
  inner?: { nodeId: string; input?: string };
}

/** A place in JSON text: 1-based line and column, 0-based UTF-16 offset. */
export interface TextLocation {
  line: number;
  column: number;
  offset: number;
}
