/** `reelgraph create-node`: the real command scaffolds a pack whose own test passes and whose node runs. */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const cli = path.join(root, 'server/src/cli.ts');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(cmd: string, args: string[], cwd = root, env: Record<string, string> = {}): Promise<Run> {
  const child = spawn(cmd, args, {
    cwd,
    env: { ...process.env, REELGRAPH_NODES: '', NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => {
    stdout += d;
  });
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${args.join(' ')} timed out\n${stdout}\n${stderr}`));
    }, 90_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const reelgraph = (args: string[], env?: Record<string, string>) =>
  run(process.execPath, ['--import', 'tsx', cli, ...args], root, env);

describe('reelgraph create-node', () => {
  let tmp: string;
  beforeAll(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'rg-create-node-'));
  });
  afterAll(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  it('scaffolds a pack that loads, passes its own test and runs in a graph', {
    timeout: 180_000,
  }, async () => {
    const made = await reelgraph(['create-node', 'my-fx', '--dir', tmp]);
    expect(made.stderr).toBe('');
    expect(made.code).toBe(0);
    expect(made.stdout).toContain('It loads: my-fx.repeat_text');
    const dir = path.join(tmp, 'my-fx');
    const manifest = JSON.parse(await readFile(path.join(dir, 'reelgraph.pack.json'), 'utf8'));
    expect(manifest).toEqual({
      name: 'my-fx',
      version: '0.1.0',
      description: 'My Fx nodes for Reelgraph.',
      reelgraph: '>=0.1.0 <1.0.0',
      entry: 'src/index.ts',
      nodes: ['my-fx.repeat_text'],
    });

    // The pack's own test, run the way its README says (npm test = its linked vitest).
    const own = await run(process.execPath, ['node_modules/vitest/vitest.mjs', 'run'], dir);
    expect(own.code, own.stdout + own.stderr).toBe(0);
    expect(own.stdout).toMatch(/3 passed/);

    // Found through --nodes next to the built-ins, and run headless with a built-in node downstream.
    const graph = path.join(tmp, 'graph.json');
    await writeFile(
      graph,
      JSON.stringify({
        version: 1,
        nodes: {
          r: {
            type: 'my-fx.repeat_text',
            inputs: { text: 'ho', times: 3, separator: 'space', upper: false },
          },
          f: { type: 'core.format', inputs: { template: '{a}!', a: ['r', 'text'] } },
          p: { type: 'core.preview', inputs: { value: ['f', 'text'] } },
        },
      }),
    );
    const ran = await reelgraph(['run', graph, '--json', '--nodes', tmp, '--outputs', path.join(tmp, 'out')]);
    expect(ran.code, ran.stderr).toBe(0);
    const result = JSON.parse(ran.stdout);
    expect(result.status).toBe('success');
    expect(JSON.stringify(result)).toContain('ho ho ho!');
  });

  it('refuses a bad name (exit 2) and a folder that is not empty (exit 1)', async () => {
    const bad = await reelgraph(['create-node', 'My Pack', '--dir', tmp]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('"My Pack" is not a valid pack name');
    await reelgraph(['create-node', 'twice', '--dir', tmp, '--no-link']);
    const again = await reelgraph(['create-node', 'twice', '--dir', tmp]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('already exists and is not empty');
  });
});
