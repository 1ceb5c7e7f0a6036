import type { Catalog } from './catalog';
import type { GraphDocument } from './document';
import type { TextLocation, ValidationCode, ValidationError } from './errors';
import { jsonDepthExceeds } from './json-depth';
import { type DuplicateKey, findDuplicateKeys } from './json-keys';
import { utf8Bytes } from './json-size';
import { migrateGraph } from './migrate';
import {
  DEFAULT_MAX_BYTES,
  MAX_DEPTH,
  TOO_DEEP_MESSAGE,
  type ValidateOptions,
  validateGraph,
} from './validate';

export interface ParseResult {
  /**
   * The (migrated) document, present whenever its structure is sound: it may still carry semantic
   * errors (unknown types, bad values …), so a caller that runs it must check `errors` first.
   * Absent when the text is not JSON, too large, of another version, or malformed.
   */
  doc?: GraphDocument;
  errors: ValidationError[];
}

/** Codes after which the value cannot be trusted to have the document's shape. */
const STRUCTURAL: ReadonlySet<ValidationCode> = new Set([
  'invalid_json',
  'document_too_large',
  'invalid_document',
  'unsupported_version',
]);

/** Line and column (1-based) of an offset in text. */
export function locate(text: string, offset: number): TextLocation {
  const at = Math.max(0, Math.min(offset, text.length));
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < at; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: at - lineStart + 1, offset: at };
}

/**
 * Parse graph JSON text: size limit (before parsing), JSON syntax (with line and column), duplicate keys
 * (duplicate node ids → `duplicate_id`), migration to the current version, then `validateGraph`.
 * Never throws.
 */
export function parseGraph(text: string, catalog: Catalog, options: ValidateOptions = {}): ParseResult {
  try {
    return parse(text, catalog, options ?? {});
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    return { errors: [{ nodeId: null, code: 'invalid_document', message: `Internal parser error: ${why}` }] };
  }
}

function parse(text: string, catalog: Catalog, options: ValidateOptions): ParseResult {
  if (typeof text !== 'string') {
    return { errors: [{ nodeId: null, code: 'invalid_json', message: 'Expected the graph as JSON text' }] };
  }
  const maxBytes =
    typeof options.maxBytes === 'number' && options.maxBytes > 0 ? options.maxBytes : DEFAULT_MAX_BYTES;
  // Every UTF-16 unit is at least one byte and at most three: count exactly only near the limit.
  if (text.length > maxBytes || (text.length * 3 > maxBytes && utf8Bytes(text) > maxBytes)) {
    const message = `The document is larger than the limit of ${maxBytes} bytes`;
    return { errors: [{ nodeId: null, code: 'document_too_large', message }] };
  }
  // Editors on some systems save a byte-order mark; it is not part of the JSON.
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const shift = text.length - body.length;
  // Before JSON.parse and the walks after it, so no nesting can cost more than a linear scan.
  if (jsonDepthExceeds(body, MAX_DEPTH)) return { errors: [tooDeep()] };

  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    const m = /position (\d+)/.exec(why);
    const location = locate(text, m ? Number(m[1]) + shift : text.length);
    const message = `Invalid JSON at line ${location.line}, column ${location.column}: ${why}`;
    return { errors: [{ nodeId: null, code: 'invalid_json', message, location }] };
  }

  const dups = findDuplicateKeys(body).map((dup) => duplicateKeyError(dup, text, shift));
  const checked = checkGraphValue(value, catalog, options);
  const errors = [...dups, ...checked.errors];
  return checked.doc ? { doc: checked.doc, errors } : { errors };
}

const tooDeep = (): ValidationError => ({
  nodeId: null,
  code: 'invalid_document',
  message: TOO_DEEP_MESSAGE,
});

/**
 * Migrate and validate a document that is already a value (a JSON body parsed by the caller, whose raw
 * text the caller checked for duplicate keys): the `parseGraph` steps after `JSON.parse`. Never throws.
 */
export function checkGraphValue(
  value: unknown,
  catalog: Catalog,
  options: ValidateOptions = {},
): ParseResult {
  try {
    const doc = migrateGraph(value);
    const errors = validateGraph(doc, catalog, options);
    if (errors.some((e) => STRUCTURAL.has(e.code))) return { errors };
    return { doc: doc as GraphDocument, errors };
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    return { errors: [{ nodeId: null, code: 'invalid_document', message: `Internal parser error: ${why}` }] };
  }
}

/**
 * The error for a key repeated in graph JSON text: `dup.path` runs from the graph document's root, and
 * `dup.offset + shift` is the key's place in `text` (which gives the line and column).
 */
export function duplicateKeyError(dup: DuplicateKey, text: string, shift = 0): ValidationError {
  const location = locate(text, dup.offset + shift);
  const where = `line ${location.line}, column ${location.column}`;
  const [top, nodeId, field] = dup.path;
  if (dup.path.length === 1 && top === 'nodes')
    return {
      nodeId: dup.key,
      code: 'duplicate_id',
      message: `Node id ${JSON.stringify(dup.key)} is used more than once (${where}); only the last would be kept`,
      location,
    };
  if (dup.path.length === 3 && top === 'nodes' && field === 'inputs' && nodeId !== undefined)
    return {
      nodeId,
      input: dup.key,
      code: 'invalid_document',
      message: `Node ${JSON.stringify(nodeId)}: input ${JSON.stringify(dup.key)} is given more than once (${where})`,
      location,
    };
  const inside = dup.path.length ? `"${dup.path.join('.')}"` : 'the top level';
  return {
    nodeId: top === 'nodes' && nodeId !== undefined ? nodeId : null,
    code: 'invalid_document',
    message: `Key ${JSON.stringify(dup.key)} appears more than once in ${inside} (${where})`,
    location,
  };
}
