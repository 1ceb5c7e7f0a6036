/**
 * Start-up: the wall time of the installed `reelgraph` command (node_modules/.bin/reelgraph, the built
 * JavaScript; `pnpm` itself would add most of a second), and what the first text-to-video job pays on top
 * of a later one after `reelgraph serve` starts.
 *
 * `pnpm bench startup [-- --reps 5]`
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = path.join(root, 'node_modules/.bin/reelgraph');
const { values } = parseArgs({ options: { reps: { type: 'string', default: '5' } } });
const REPS = Number(values.reps);
const env = { ...process.env, REELGRAPH_NODES: '', NO_COLOR: '1' };

/** The development path, for comparison: the TypeScript sources through tsx, as `pnpm reelgraph` runs them. */
const fromSources = [process.execPath, '--import', 'tsx', path.join(root, 'server/src/cli.ts')];

function wallMs(args: string[], command: string[] = [bin]): number {
  const t0 = performance.now();
  const [file, ...pre] = command as [string, ...string[]];
  const r = spawnSync(file, [...pre, ...args], { cwd: root, env, encoding: 'utf8' });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`reelgraph ${args.join(' ')} failed:\n${r.stdout}${r.stderr}`);
  return ms;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const rows: { measure: string; median: number; best: number; target: number }[] = [];
function record(measure: string, xs: number[], target: number): void {
  rows.push({ measure, median: median(xs), best: Math.min(...xs), target });
}

wallMs(['validate', 'graphs/text-to-video.json']); // builds the CLI and compiles the packs if stale
for (const [measure, args, target] of [
  ['reelgraph validate graphs/text-to-video.json, wall', ['validate', 'graphs/text-to-video.json'], 300],
  ['reelgraph run graphs/engine-math.json, wall', ['run', 'graphs/engine-math.json'], 500],
] as const) {
  record(
    measure,
    Array.from({ length: REPS }, () => wallMs([...args])),
    target,
  );
}

/** `reelgraph serve` on a free port with its own data and outputs; resolves with its URL once listening. */
async function serve(dir: string, extra: string[]): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(
    bin,
    ['serve', '--port', '0', '--data', path.join(dir, 'data'), '--outputs', path.join(dir, 'out'), ...extra],
    { cwd: root, env, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let text = '';
    child.stdout?.on('data', (d) => {
      text += d;
      const m = /running at (http:\/\/[^/\s]+)/.exec(text);
      if (m) resolve(m[1] as string);
    });
    child.on('exit', (code) => reject(new Error(`reelgraph serve exited (${code}): ${text}`)));
  });
  child.stdout?.resume();
  return { child, url };
}

/** Runs a job and returns its run time as the server recorded it (start to finish in the node host). */
async function jobMs(url: string, csrf: string, graph: unknown): Promise<number> {
  const res = await fetch(`${url}/api/jobs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-reelgraph-csrf': csrf },
    body: JSON.stringify({ graph }),
  });
  const { jobId } = (await res.json()) as { jobId: string };
  for (;;) {
    const job = (await (await fetch(`${url}/api/jobs/${jobId}`)).json()) as {
      state: string;
      durationMs: number | null;
      error: unknown;
    };
    if (job.state === 'success') return job.durationMs as number;
    if (job.state !== 'queued' && job.state !== 'running') throw new Error(`job ${job.state}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const t2v = JSON.parse(readFileSync(path.join(root, 'graphs/text-to-video.json'), 'utf8'));
const withPrompt = (text: string) => {
  const g = structuredClone(t2v);
  g.nodes.prompt.inputs.text = text;
  return g;
};

/** First job's extra over the second (a new prompt, so it runs again, but the model is loaded). */
async function firstJobExtra(delayMs: number, extra: string[] = []): Promise<number> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rg-startup-'));
  const { child, url } = await serve(dir, extra);
  try {
    await new Promise((r) => setTimeout(r, delayMs));
    const session = (await (await fetch(`${url}/api/session`)).json()) as { csrfToken: string };
    const first = await jobMs(
      url,
      session.csrfToken,
      withPrompt('a red circle moves right on a blue background'),
    );
    const second = await jobMs(
      url,
      session.csrfToken,
      withPrompt('a green square moves left on a white background'),
    );
    return first - second;
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    rmSync(dir, { recursive: true, force: true });
  }
}

record(
  '  for comparison: validate from the sources through tsx',
  Array.from({ length: REPS }, () => wallMs(['validate', 'graphs/text-to-video.json'], fromSources)),
  Number.POSITIVE_INFINITY,
);

// A person opens the editor and submits a few seconds after start; `--cold` is the server as it was
// before sessions were warmed at start (the same load, for comparison; no target).
const soon: number[] = [];
const atOnce: number[] = [];
const cold: number[] = [];
for (let i = 0; i < Math.min(REPS, 3); i++) {
  soon.push(await firstJobExtra(5000));
  atOnce.push(await firstJobExtra(0));
  cold.push(await firstJobExtra(5000, ['--cold']));
}
record('first text-to-video job, extra ms (submitted 5 s after listening)', soon, 300);
record('first text-to-video job, extra ms (submitted the moment it listens)', atOnce, 300);
record(
  '  for comparison: --cold (no warming), submitted 5 s after listening',
  cold,
  Number.POSITIVE_INFINITY,
);

console.log(
  `load average: ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}; ${REPS} reps per wall figure`,
);
console.log('| measure | median (ms) | best (ms) | target (ms) | verdict |');
console.log('|---|---|---|---|---|');
for (const r of rows) {
  const unbounded = r.target === Number.POSITIVE_INFINITY;
  const verdict = unbounded
    ? '—'
    : r.median <= r.target
      ? 'met'
      : r.best <= r.target
        ? 'best only'
        : 'missed';
  const target = unbounded ? '—' : `≤ ${r.target}`;
  console.log(`| ${r.measure} | ${r.median.toFixed(0)} | ${r.best.toFixed(0)} | ${target} | ${verdict} |`);
}
