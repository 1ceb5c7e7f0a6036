// Shared by the CLI's commands (owner: the CLI, not the HTTP server).
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ValidationError } from '@reelgraph/graph';
import { defaultPackDirs, PackRegistry } from '@reelgraph/packs';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Exit codes: 0 ok, 1 invalid graph or failed run, 2 bad command line, 130 cancelled (Ctrl+C). */
export const EXIT = { ok: 0, failed: 1, usage: 2, cancelled: 130 } as const;

/** A problem with the command line itself: the message and the usage line are shown, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export interface Io {
  out: NodeJS.WritableStream & { isTTY?: boolean; columns?: number; rows?: number };
  err: NodeJS.WritableStream;
}

export const stdio: Io = { out: process.stdout, err: process.stderr };

/** Built-in packs, then `REELGRAPH_NODES`, then `--nodes` dirs. Packs that failed are warned about on stderr. */
export async function loadCliPacks(extraDirs: readonly string[], io: Io): Promise<PackRegistry> {
  const registry = await PackRegistry.load({ dirs: defaultPackDirs(extraDirs) });
  for (const pack of registry.failed) {
    const loaded = pack.nodes.length > 0 ? ` (loaded anyway: ${pack.nodes.join(', ')})` : '';
    io.err.write(`warning: pack "${pack.name}" has errors${loaded}:\n`);
    for (const e of pack.errors) io.err.write(`  ${e.replaceAll('\n', '\n  ')}\n`);
  }
  return registry;
}

export async function readGraphText(file: string): Promise<string> {
  try {
    return await readFile(path.resolve(file), 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : String(err);
    throw new CliFailure(`cannot read graph file "${file}": ${why}`);
  }
}

/** A failure to report in one line on stderr with exit code 1 (e.g. an unreadable file). */
export class CliFailure extends Error {
  override name = 'CliFailure';
}

/** `nodeId.input: code: message` — the one-line form of a validation error. */
export function formatValidationError(e: ValidationError): string {
  const where = e.nodeId === null ? '(graph)' : e.input === undefined ? e.nodeId : `${e.nodeId}.${e.input}`;
  return `${where}: ${e.code}: ${e.message}`;
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** An integer option `--<name>` in `[min, max]`; undefined when not given. Throws a usage message otherwise. */
export function intOption(v: string | undefined, name: string, min: number, max: number): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new Error(`--${name} must be an integer from ${min} to ${max}`);
  return n;
}
