import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { intact, type Verification, verifyBytes } from '../c2pa/verify';
import { C2PA_FORMATS } from '../c2pa/wasm';
import { mimeFromName } from '../files/mime';
import { CliFailure, EXIT, type Io, stdio, UsageError } from './cli-common';

export const VERIFY_USAGE = 'reelgraph verify <file> [--trust <ca.pem>] [--json]';

/**
 * `reelgraph verify`: the file's C2PA manifest and its validation state. Exit 0 when the file is as
 * signed (a development signer is reported as untrusted, not as a failure), 1 otherwise.
 */
export async function verifyCommand(argv: string[], io: Io = stdio): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { trust: { type: 'string' }, json: { type: 'boolean' } },
  });
  const file = positionals[0];
  if (file === undefined || positionals.length > 1) throw new UsageError('verify takes exactly one file');
  const mime = mimeFromName(file);
  if (!mime || !C2PA_FORMATS.has(mime))
    throw new UsageError(
      `${file}: not a format that carries content credentials (${[...C2PA_FORMATS].join(', ')})`,
    );
  let bytes: Uint8Array;
  let trust: string | undefined;
  try {
    bytes = await readFile(file);
    trust = values.trust ? await readFile(values.trust, 'utf8') : undefined;
  } catch (err) {
    throw new CliFailure(`cannot read: ${(err as Error).message}`);
  }
  const v = await verifyBytes(bytes, mime, trust);
  if (values.json) io.out.write(`${JSON.stringify({ file, intact: intact(v), ...v }, null, 2)}\n`);
  else io.out.write(describe(file, v));
  return intact(v) ? EXIT.ok : EXIT.failed;
}

function describe(file: string, v: Verification): string {
  if (v.state === 'None') return `${file}: no content credentials (${v.error ?? 'no C2PA manifest'})\n`;
  const m = v.manifest ?? {};
  const sig = (m.signature_info ?? {}) as Record<string, unknown>;
  const gen = v.generation ?? {};
  const models = (gen.models ?? []) as { name: string; version: string; hash: string }[];
  const actions = ((m.assertions ?? []) as { label: string; data: { actions?: Record<string, unknown>[] } }[])
    .filter((a) => a.label.startsWith('c2pa.actions'))
    .flatMap((a) => a.data.actions ?? []);
  const ingredients = (m.ingredients ?? []) as { title?: string; relationship?: string }[];
  const lines = [
    `${file}: ${intact(v) ? 'content credentials intact' : 'content credentials INVALID'} (c2pa state ${v.state})`,
    `  signer:     ${sig.common_name ?? '?'} — ${sig.issuer ?? '?'} (${sig.alg ?? '?'})${v.untrusted ? '  [untrusted signer]' : ''}`,
    `  generator:  ${String(gen.generator ?? (m.claim_generator_info as { name: string }[] | undefined)?.[0]?.name ?? '?')}`,
    ...actions.map(
      (a) => `  action:     ${a.action}${a.digitalSourceType ? ` (${a.digitalSourceType})` : ''}`,
    ),
    ...models.map((md) => `  model:      ${md.name} ${md.version} sha256:${md.hash}`),
    ...(gen.graphHash
      ? [
          `  graph:      sha256:${gen.graphHash}${v.graphMatches === undefined ? ' (no embedded graph)' : v.graphMatches ? ' (matches the embedded graph)' : ' (DOES NOT match the embedded graph)'}`,
        ]
      : []),
    ...ingredients.map((i) => `  ingredient: ${i.title ?? '?'} (${i.relationship ?? '?'})`),
    ...v.failures.map((f) => `  FAILURE:    ${f.code}: ${f.explanation ?? ''}`),
  ];
  return `${lines.join('\n')}\n`;
}
