import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Executor, type JobResult } from '@reelgraph/executor';
import {
  type Catalog,
  type ConstantValue,
  type GraphDocument,
  type InputValue,
  parseGraph,
  type ValidationError,
  validateGraph,
} from '@reelgraph/graph';
import type { Artifact, Logger, NodeServices } from '@reelgraph/sdk';
import {
  CliFailure,
  EXIT,
  formatValidationError,
  type Io,
  loadCliPacks,
  plural,
  REPO_ROOT,
  readGraphText,
  stdio,
  UsageError,
} from './cli-common';
import { LiveDisplay, ms, PlainDisplay, type RunDisplay } from './run-display';

export const RUN_USAGE =
  'reelgraph run <graph.json> [--set <node>.<input>=<value>]… [--outputs <dir>] [--nodes <dir>]… [--json] [--plain] [--data <dir>] [--c2pa-key <pem> --c2pa-cert <pem> | --no-c2pa]';

export interface RunCommandOptions {
  io?: Io;
  /** Cancels the job; the CLI entry wires Ctrl+C to it. */
  signal?: AbortSignal;
}

/** `reelgraph run`: validate, run headless with a progress display, print the artifacts and a summary. */
export async function runCommand(
  argv: string[],
  { io = stdio, signal }: RunCommandOptions = {},
): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      set: { type: 'string', multiple: true },
      outputs: { type: 'string' },
      nodes: { type: 'string', multiple: true },
      json: { type: 'boolean' },
      plain: { type: 'boolean' },
      data: { type: 'string' },
      'c2pa-key': { type: 'string' },
      'c2pa-cert': { type: 'string' },
      'no-c2pa': { type: 'boolean' },
    },
  });
  const file = positionals[0];
  if (file === undefined || positionals.length > 1) throw new UsageError('run takes exactly one graph file');
  const sets = (values.set ?? []).map(parseSet);

  const registry = await loadCliPacks(values.nodes ?? [], io);
  const catalog = registry.toCatalog();
  const text = await readGraphText(file);
  const parsed = parseGraph(text, catalog);
  let doc = parsed.doc;
  let errors = parsed.errors;
  if (doc && sets.length > 0) {
    doc = applySets(doc, sets, catalog);
    // Problems found in the text itself (duplicate keys) carry a location; the rest is re-checked.
    errors = [...parsed.errors.filter((e) => e.location !== undefined), ...validateGraph(doc, catalog)];
  }
  if (!doc || errors.length > 0) return reportInvalid(file, errors, values.json === true, io);

  const outputDir = path.resolve(
    values.outputs ?? process.env.REELGRAPH_OUTPUTS ?? path.join(REPO_ROOT, 'outputs'),
  );
  await mkdir(outputDir, { recursive: true });
  const graph = doc;
  const label = (id: string) => graph.nodes[id]?.meta?.title ?? id;
  const typeOf = (id: string) => graph.nodes[id]?.type ?? '?';
  const display: RunDisplay | undefined = values.json
    ? undefined
    : io.out.isTTY && !values.plain
      ? new LiveDisplay(io.out, label, typeOf)
      : new PlainDisplay(io.out, label);

  // Node logs go to stderr so that stdout stays the run's own report (or pure JSON with --json).
  const logger = stderrLogger(io);
  // Signed like the server's outputs: the same key options, the same development chain by default.
  // Core nodes use no model and write only text, which C2PA does not sign: a graph of only those loads
  // neither the signer nor onnxruntime (start-up is a target: docs/benchmarks.md).
  const coreOnly = Object.values(graph.nodes).every((n) => n.type.startsWith('core.'));
  const signing = values['no-c2pa'] || coreOnly ? undefined : await import('../c2pa/headless');
  const credentials = await signing?.headlessCredentials(values, io);
  const models = coreOnly ? undefined : await sharedModels();
  const executor = new Executor({
    nodes: signing && credentials ? signing.withCredentials(registry.nodes, credentials) : registry,
    catalog,
    sockets: registry.sockets,
    services: { outputDir, ...(models ? { models } : {}) },
    logger,
  });
  let result: JobResult;
  try {
    // The graph rides along so save nodes can embed it in the files they write.
    result = await executor.run(graph, { signal, onEvent: (e) => display?.handle(e), services: { graph } });
  } finally {
    display?.finish();
  }

  if (values.json) {
    io.out.write(`${JSON.stringify(result, null, 2)}\n`);
  } else {
    printResult(result, graph, label, io);
  }
  return result.status === 'success' ? EXIT.ok : result.status === 'cancelled' ? EXIT.cancelled : EXIT.failed;
}

/** The model runtime the video nodes use on a bare host, so the manifest can name its models. */
async function sharedModels(): Promise<NodeServices['models'] | undefined> {
  try {
    return (await import('@reelgraph/runtime')).sharedRuntime();
  } catch {
    return undefined;
  }
}

interface SetArg {
  raw: string;
  nodeId: string;
  input: string;
  value: string;
}

/** `node.input=value`; the node id is everything before the last dot (ids may contain dots). */
function parseSet(raw: string): SetArg {
  const eq = raw.indexOf('=');
  const key = eq === -1 ? '' : raw.slice(0, eq);
  const dot = key.lastIndexOf('.');
  if (eq === -1 || dot <= 0 || dot === key.length - 1) {
    throw new UsageError(`--set ${raw}: expected <node>.<input>=<value>`);
  }
  return { raw, nodeId: key.slice(0, dot), input: key.slice(dot + 1), value: raw.slice(eq + 1) };
}

/**
 * Values are JSON when they parse (`7`, `true`, `["seed","seed"]` for a link), else text. For a text
 * widget, the raw text is kept as is unless quoted or a link, so `--set prompt.text=42` means "42".
 */
function applySets(doc: GraphDocument, sets: SetArg[], catalog: Catalog): GraphDocument {
  const nodes = { ...doc.nodes };
  for (const s of sets) {
    const node = nodes[s.nodeId];
    if (!node) throw new CliFailure(`--set ${s.raw}: the graph has no node "${s.nodeId}"`);
    const decl = catalog.nodes[node.type]?.inputs[s.input];
    const keepText = decl?.type === 'STRING' && decl.widget !== 'socket' && !/^\s*["[]/.test(s.value);
    nodes[s.nodeId] = {
      ...node,
      inputs: { ...node.inputs, [s.input]: keepText ? s.value : parseValue(s.value) },
    };
  }
  return { ...doc, nodes };
}

function parseValue(text: string): InputValue {
  try {
    return JSON.parse(text) as ConstantValue;
  } catch {
    return text;
  }
}

function reportInvalid(file: string, errors: ValidationError[], json: boolean, io: Io): number {
  if (json) {
    io.out.write(`${JSON.stringify({ file, status: 'invalid', errors }, null, 2)}\n`);
  } else {
    io.err.write(`${file}: ${plural(errors.length, 'error')}, not run\n`);
    for (const e of errors) io.err.write(`${formatValidationError(e)}\n`);
  }
  return EXIT.failed;
}

function printResult(result: JobResult, doc: GraphDocument, label: (id: string) => string, io: Io): void {
  const entries = Object.entries(result.artifacts).filter(([, list]) => list.length > 0);
  const write = (s: string) => io.out.write(`${s}\n`);
  if (entries.length > 0) {
    write('Outputs:');
    for (const [id, artifacts] of entries) {
      for (const a of artifacts) write(`  ${label(id)} (${doc.nodes[id]?.type ?? '?'}): ${showArtifact(a)}`);
    }
  }
  const failures = Object.entries(result.errors);
  if (failures.length > 0) {
    write('Errors:');
    for (const [id, e] of failures) write(`  ${label(id)} (${doc.nodes[id]?.type ?? '?'}): ${e.message}`);
  }
  const skipped = Object.keys(result.skipped ?? {}).length;
  const counts = [
    `${plural(result.executed.length, 'node')} run`,
    `${result.cached.length} cached`,
    ...(failures.length > 0 ? [`${failures.length} failed`] : []),
    ...(skipped > 0 ? [`${skipped} skipped`] : []),
  ].join(', ');
  const head = { success: 'Done', failed: 'Failed', cancelled: 'Cancelled' }[result.status];
  write(`${head} in ${ms(result.durationMs)}: ${counts}.`);
}

function showArtifact(a: Artifact): string {
  if (a.kind === 'file') return a.path;
  if (typeof a.value === 'string')
    return a.value.includes('\n') ? `\n    ${a.value.split('\n').join('\n    ')}` : a.value;
  return JSON.stringify(a.value);
}

function stderrLogger(io: Io): Logger {
  const line = (level: string) => (message: string, data?: unknown) =>
    io.err.write(`${level} ${message}${data === undefined ? '' : ` ${safeJson(data)}`}\n`);
  return { debug: () => {}, info: line('info'), warn: line('warn'), error: line('error') };
}

function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v);
  } catch {
    return String(v);
  }
}
