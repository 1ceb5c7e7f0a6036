/**
 * `pnpm start`: build the editor when its sources are newer than its build, then serve editor and API
 * on one port. Extra arguments go to `reelgraph serve`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../options';
import { serve } from './serve';

function newestMtime(target: string): number {
  if (!existsSync(target)) return 0;
  const st = statSync(target);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const entry of readdirSync(target)) {
    if (entry === 'node_modules' || entry === 'dist' || entry.startsWith('.')) continue;
    newest = Math.max(newest, newestMtime(path.join(target, entry)));
  }
  return newest;
}

function buildEditorIfStale(): void {
  const ui = path.join(REPO_ROOT, 'ui');
  if (!existsSync(path.join(ui, 'package.json'))) return;
  const built = path.join(ui, 'dist', 'index.html');
  const sources = Math.max(
    newestMtime(path.join(ui, 'src')),
    newestMtime(path.join(ui, 'index.html')),
    newestMtime(path.join(ui, 'package.json')),
    newestMtime(path.join(ui, 'vite.config.ts')),
    newestMtime(path.join(REPO_ROOT, 'packages', 'graph', 'src')),
  );
  if (existsSync(built) && statSync(built).mtimeMs >= sources) return;
  console.log('Building the editor (ui/)…');
  // The pnpm running this script (npm_execpath), so `npx pnpm start` works without a global pnpm.
  const pnpm = process.env.npm_execpath;
  const [cmd, args] = pnpm?.endsWith('js') ? [process.execPath, [pnpm]] : ['pnpm', []];
  const r = spawnSync(cmd, [...args, '--filter', '@reelgraph/ui', 'build'], {
    cwd: REPO_ROOT,
    stdio: 'inherit',
  });
  if (r.status !== 0) console.warn('The editor build failed; serving the API only (see the output above).');
}

buildEditorIfStale();
await serve(process.argv.slice(2));
