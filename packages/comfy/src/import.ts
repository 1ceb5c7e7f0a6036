/** The entry point: ComfyUI JSON (either format) → a Reelgraph graph document and an import report. */
import type { Catalog, GraphDocument } from '@reelgraph/graph';
import { builtinMappings } from './classes';
import { extractComfy } from './embedded';
import { detectFormat } from './format';
import type { ComfyMappings } from './mapping';
import { readPrompt } from './prompt';
import { type ImportReport, type ToGraphOptions, toGraph } from './to-graph';
import { readWorkflow } from './workflow';

export interface ImportOptions extends ToGraphOptions {
  /** The tables to map with (default: the built-in ones). */
  mappings?: ComfyMappings;
}

export type ImportResult =
  | { ok: true; doc: GraphDocument; report: ImportReport }
  | { ok: false; error: 'not_comfyui'; message: string };

/**
 * A file's bytes: ComfyUI JSON, or a PNG / WebP / MP4 / WebM / animated PNG with a workflow inside.
 * The UI workflow is preferred over the prompt (it has notes, groups, positions and muted nodes).
 */
export function importComfyFile(bytes: Uint8Array, options: ImportOptions = {}): ImportResult {
  const found = extractComfy(bytes);
  if (!found)
    return {
      ok: false,
      error: 'not_comfyui',
      message: 'No ComfyUI workflow or prompt found in the file (JSON, or PNG/WebP/MP4/WebM metadata)',
    };
  return importComfy(found.workflow ?? found.prompt, options);
}

export function importComfy(value: unknown, options: ImportOptions = {}): ImportResult {
  const format = detectFormat(value);
  if (!format)
    return {
      ok: false,
      error: 'not_comfyui',
      message: 'Not a ComfyUI workflow (no "nodes" and "links") nor an API prompt (nodes with "class_type")',
    };
  const mappings = options.mappings ?? builtinMappings();
  const obj = value as Record<string, unknown>;
  const g = format === 'workflow' ? readWorkflow(obj, mappings) : readPrompt(obj);
  return { ok: true, ...toGraph(g, mappings, options) };
}

/** The local model ids ComfyUI model files are matched against: the choices of `video.load_model`. */
export function catalogModels(catalog: Catalog): readonly string[] {
  return catalog.nodes['video.load_model']?.inputs.model?.options ?? [];
}
