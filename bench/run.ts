/**
 * Benchmark dispatcher: `pnpm bench` runs every suite in bench/, `pnpm bench engine` runs bench/engine.ts,
 * `pnpm bench server` runs bench/server.ts or every bench/server-*.ts. Arguments after `--` go to the suites.
 *
 * A suite is any `bench/<name>.ts` script (not `run.ts`, not `_*.ts`, not `*.test.ts`): adding one is
 * adding the file. Each runs in its own Node process (tsx loader) so JIT state and memory from one
 * suite never colour another's figures.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const argv = process.argv.slice(2);
const split = argv.indexOf('--');
const names = split >= 0 ? argv.slice(0, split) : argv;
const passThrough = split >= 0 ? argv.slice(split + 1) : [];

const suites = readdirSync(here)
  .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.endsWith('.d.ts'))
  .filter((f) => f !== 'run.ts' && !f.startsWith('_'))
  .map((f) => basename(f, '.ts'))
  .sort();

if (names.includes('--list')) {
  console.log(suites.join('\n'));
  process.exit(0);
}

const selected =
  names.length === 0 ? suites : suites.filter((s) => names.some((n) => s === n || s.startsWith(`${n}-`)));
if (selected.length === 0) {
  console.error(`No bench suite matches ${names.join(', ')}. Suites: ${suites.join(', ')}`);
  process.exit(2);
}

const failed: string[] = [];
for (const suite of selected) {
  console.log(`\n=== bench/${suite}.ts ===`);
  const { status } = spawnSync(
    process.execPath,
    ['--import', 'tsx', join(here, `${suite}.ts`), ...passThrough],
    {
      stdio: 'inherit',
    },
  );
  if (status !== 0) failed.push(`${suite} (exit ${status})`);
}
if (failed.length > 0) {
  console.error(`\nFailed: ${failed.join(', ')}`);
  process.exit(1);
}
