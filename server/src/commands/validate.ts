import { parseArgs } from 'node:util';
import { parseGraph } from '@reelgraph/graph';
import {
  CliFailure,
  EXIT,
  formatValidationError,
  type Io,
  loadCliPacks,
  plural,
  readGraphText,
  stdio,
  UsageError,
} from './cli-common';

export const VALIDATE_USAGE = 'reelgraph validate <graph.json> [--nodes <dir>]… [--json]';

/** `reelgraph validate`: every problem of a graph file, one per line; exit 1 if there is any. */
export async function validateCommand(argv: string[], io: Io = stdio): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { nodes: { type: 'string', multiple: true }, json: { type: 'boolean' } },
  });
  const file = positionals[0];
  if (file === undefined || positionals.length > 1)
    throw new UsageError('validate takes exactly one graph file');

  const registry = await loadCliPacks(values.nodes ?? [], io);
  let text: string;
  try {
    text = await readGraphText(file);
  } catch (err) {
    if (values.json && err instanceof CliFailure) {
      io.out.write(
        `${JSON.stringify({ file, valid: false, error: { code: 'read_failed', message: err.message } })}\n`,
      );
    }
    throw err;
  }
  const { doc, errors } = parseGraph(text, registry.toCatalog());

  if (values.json) {
    io.out.write(`${JSON.stringify({ file, valid: errors.length === 0, errors }, null, 2)}\n`);
    return errors.length === 0 ? EXIT.ok : EXIT.failed;
  }
  if (errors.length > 0) {
    io.out.write(`${file}: ${plural(errors.length, 'error')}\n`);
    for (const e of errors) io.out.write(`${formatValidationError(e)}\n`);
    return EXIT.failed;
  }
  const nodes = Object.values(doc?.nodes ?? {});
  const outputs = nodes.filter(
    (n) => registry.get(n.type)?.schema.output && (n.mode ?? 'active') === 'active',
  );
  io.out.write(
    `${file} is valid: ${plural(nodes.length, 'node')}, ${plural(outputs.length, 'output node')}\n`,
  );
  return EXIT.ok;
}
