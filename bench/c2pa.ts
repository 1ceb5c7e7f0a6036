/**
 * Content credentials (`pnpm bench c2pa`): signing time per output for a tiny-model clip (the 64×64,
 * 17-frame MP4 the tiny model's preset writes; `graphs/assets/clip.mp4` is one) with the local
 * development chain, and the time `reelgraph verify` takes to read and validate it. The bench starts
 * the signer as a node host does (background compile, then `warm()`), so "first outputs" are what a
 * fresh server's first jobs pay; `--cold` skips the warm-up to show what it saves.
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ContentCredentials } from '../server/src/c2pa/credentials';
import { ensureDevChain, loadSigningKey } from '../server/src/c2pa/keys';
import { verifyBytes } from '../server/src/c2pa/verify';
import { precompileC2pa } from '../server/src/c2pa/wasm';

const TARGET_MS = 20;
const cold = process.argv.includes('--cold');
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const clip = path.join(repo, 'graphs', 'assets', 'clip.mp4');
const dir = mkdtempSync(path.join(os.tmpdir(), 'rg-bench-c2pa-'));
try {
  const credentials = new ContentCredentials(loadSigningKey(await ensureDevChain(dir)));
  const facts = {
    title: 'clip.mp4',
    mime: 'video/mp4',
    version: '0.1.0',
    graphHash: '0'.repeat(64),
    models: [],
    jobId: 'bench',
    node: { id: 'save', type: 'video.save' },
  };
  const signOnce = async (i: number) => {
    const file = path.join(dir, `out_${i}.mp4`);
    copyFileSync(clip, file);
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await credentials.sign(file, facts);
    const ms = performance.now() - t0;
    const c = process.cpuUsage(c0);
    return { ms, cpuMs: (c.user + c.system) / 1000, file };
  };
  const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
  const median = (xs: number[]) => sorted(xs)[Math.floor(xs.length / 2)] as number;
  const max = (xs: number[]) => sorted(xs)[xs.length - 1] as number;
  const vs = (ms: number) => `${ms.toFixed(1)} ms ${ms < TARGET_MS ? '✓' : '✗'} (target < ${TARGET_MS} ms)`;

  const t0 = performance.now();
  await precompileC2pa();
  const compileMs = performance.now() - t0;
  const t1 = performance.now();
  if (!cold) await credentials.warm();
  const warmMs = performance.now() - t1;

  // the first outputs of a fresh host: with the warm-up done at start, they should not pay
  const first: number[] = [];
  const firstCpu: number[] = [];
  for (let i = 0; i < 20; i++) {
    const { ms, cpuMs } = await signOnce(i);
    first.push(ms);
    firstCpu.push(cpuMs);
  }
  // a server that has been running: 5 s of signing and verifying, then 50 measured outputs
  const warmUntil = performance.now() + 5000;
  for (let i = 100; performance.now() < warmUntil; i++) {
    const { file } = await signOnce(i);
    await verifyBytes(readFileSync(file), 'video/mp4');
  }
  const steady: number[] = [];
  const steadyCpu: number[] = [];
  const verify: number[] = [];
  for (let i = 0; i < 50; i++) {
    const { ms, cpuMs, file } = await signOnce(100_000 + i);
    steadyCpu.push(cpuMs);
    const bytes = readFileSync(file);
    const t = performance.now();
    await verifyBytes(bytes, 'video/mp4');
    steady.push(ms);
    verify.push(performance.now() - t);
  }
  console.log(
    `c2pa, ${readFileSync(clip).length}-byte clip, ${cold ? 'no warm-up (--cold)' : `signer warmed at start (${warmMs.toFixed(0)} ms in the background)`}, module compile ${compileMs.toFixed(0)} ms:`,
  );
  // CPU time of this process per signing: less disturbed than wall time by other processes' load
  const cpu = (xs: number[]) => `CPU median ${median(xs).toFixed(1)} ms`;
  console.log(
    `  first output:          ${vs(first[0] as number)}, CPU ${(firstCpu[0] as number).toFixed(1)} ms`,
  );
  console.log(
    `  outputs 1-20:          median ${vs(median(first))}, max ${max(first).toFixed(1)} ms, ${cpu(firstCpu)}`,
  );
  console.log(
    `  steady (after 5 s):    median ${vs(median(steady))}, max ${max(steady).toFixed(1)} ms, ${cpu(steadyCpu)} (50 outputs)`,
  );
  console.log(`  verify (steady):       median ${median(verify).toFixed(1)} ms`);
  console.log(`  load: ${readFileSync('/proc/loadavg', 'utf8').trim()}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
