// `reelgraph import` (ComfyUI file → graph) and `reelgraph export --comfy-api` (graph → ComfyUI API prompt).
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { catalogModels, importComfyFile, mappingsFor, reportLines, toApiPrompt } from '@reelgraph/comfy';
import { parseGraph } from '@reelgraph/graph';
import {
  CliFailure,
  EXIT,
  formatValidationError,
  type Io,
  loadCliPacks,
  readGraphText,
  stdio,
  UsageError,
} from './cli-common';

export const IMPORT_USAGE =
  'reelgraph import <workflow.json|prompt.json|.png|.webp|.mp4|.webm> [-o graph.json] [--json]';
export const EXPORT_USAGE = 'reelgraph export --comfy-api <graph.json> [-o prompt.json]';

async function readBytes(file: string): Promise<Uint8Array> {
  try {
    return await readFile(path.resolve(file));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new CliFailure(`cannot read "${file}": ${code === 'ENOENT' ? 'no such file' : String(err)}`);
  }
}

export async function importCommand(argv: string[], io: Io = stdio): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      output: { type: 'string', short: 'o' },
      nodes: { type: 'string', multiple: true },
      json: { type: 'boolean' },
    },
  });
  const file = positionals[0];
  if (file === undefined || positionals.length > 1) throw new UsageError('import takes exactly one file');
  const registry = await loadCliPacks(values.nodes ?? [], io);
  const catalog = registry.toCatalog();
  const result = importComfyFile(await readBytes(file), {
    models: catalogModels(catalog),
    mappings: mappingsFor(catalog),
    catalog,
  });
  if (!result.ok) throw new CliFailure(`${file}: ${result.message}`);
  const graph = `${JSON.stringify(result.doc, null, 2)}\n`;
  if (values.output) await writeFile(values.output, graph);
  if (values.json) io.out.write(`${JSON.stringify({ graph: result.doc, report: result.report }, null, 2)}\n`);
  else {
    if (!values.output) io.out.write(graph);
    const report = values.output ? io.out : io.err;
    for (const line of reportLines(result.report)) report.write(`${line}\n`);
    if (values.output) io.out.write(`wrote ${values.output}\n`);
  }
  return EXIT.ok;
}

export async function exportCommand(argv: string[], io: Io = stdio): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      'comfy-api': { type: 'boolean' },
      output: { type: 'string', short: 'o' },
      nodes: { type: 'string', multiple: true },
    },
  });
  if (!values['comfy-api']) throw new UsageError('export needs a format: --comfy-api');
  const file = positionals[0];
  if (file === undefined || positionals.length > 1)
    throw new UsageError('export takes exactly one graph file');
  const registry = await loadCliPacks(values.nodes ?? [], io);
  const catalog = registry.toCatalog();
  const { doc, errors } = parseGraph(await readGraphText(file), catalog);
  if (!doc) {
    io.err.write(`${file}: not a graph document\n`);
    for (const e of errors) io.err.write(`${formatValidationError(e)}\n`);
    return EXIT.failed;
  }
  const result = toApiPrompt(doc, mappingsFor(catalog), catalog);
  for (const w of result.warnings) io.err.write(`warning: ${w}\n`);
  if (result.errors.length) {
    for (const e of result.errors) io.err.write(`${e.nodeId}: ${e.message}\n`);
    return EXIT.failed;
  }
  const text = `${JSON.stringify(result.prompt, null, 2)}\n`;
  if (values.output) {
    await writeFile(values.output, text);
    io.out.write(`wrote ${values.output}\n`);
  } else io.out.write(text);
  return EXIT.ok;
}
