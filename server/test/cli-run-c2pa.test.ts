import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO } from './helpers';
import { cliArgs, runProcess } from './run-process';

const hasModel = existsSync(path.join(REPO, 'models', 'tiny', 'model.json'));
const reelgraph = (args: string[]) => runProcess(process.execPath, cliArgs(args), { timeoutMs: 240_000 });

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'reelgraph-cli-c2pa-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe.skipIf(!hasModel)('reelgraph run signs its outputs like the server', { timeout: 300_000 }, () => {
  it('text-to-video headless: the MP4 carries a manifest that `reelgraph verify` validates', async () => {
    const outputs = path.join(tmp, 'signed');
    const data = path.join(tmp, 'data');
    const run = await reelgraph([
      'run',
      path.join(REPO, 'graphs', 'text-to-video.json'),
      '--outputs',
      outputs,
      '--data',
      data,
    ]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain('DEVELOPMENT certificate');
    const files = (await readdir(outputs)).filter((f) => f.endsWith('.mp4'));
    expect(files.length).toBe(1);
    const file = path.join(outputs, files[0] as string);
    const v = await reelgraph(['verify', file]);
    expect(v.code, v.stdout + v.stderr).toBe(0);
    expect(v.stdout).toContain('content credentials intact');
    expect(v.stdout).toContain('[untrusted signer]');
    expect(v.stdout).toMatch(/model: +\S+.* sha256:[0-9a-f]{64}/);
    expect(v.stdout).toContain('(matches the embedded graph)');
    // trusted once the run's own development CA is given
    const trusted = await reelgraph(['verify', file, '--trust', path.join(data, 'c2pa-dev', 'ca.pem')]);
    expect(trusted.stdout).toContain('c2pa state Trusted');
  });

  it('--no-c2pa writes an unsigned file: verify finds no credentials and exits 1', async () => {
    const outputs = path.join(tmp, 'unsigned');
    const run = await reelgraph([
      'run',
      path.join(REPO, 'graphs', 'text-to-video.json'),
      '--outputs',
      outputs,
      '--no-c2pa',
    ]);
    expect(run.code, run.stderr).toBe(0);
    const files = (await readdir(outputs)).filter((f) => f.endsWith('.mp4'));
    const v = await reelgraph(['verify', path.join(outputs, files[0] as string)]);
    expect(v.code).toBe(1);
    expect(v.stdout).toContain('no content credentials');
  });
});
