/** `reelgraph create-node`: the real command scaffolds a pack whose own test passes and whose node runs. */
import { mkdir, mkdtemp, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliArgs, runProcess } from './run-process';

const root = fileURLToPath(new URL('../../', import.meta.url));

const run = (cmd: string, args: string[], cwd = root, env: Record<string, string> = {}) =>
  runProcess(cmd, args, { cwd, env, timeoutMs: 90_000 });

/** Two nodes an outside author writes with the frames helpers, and their test. */
const FRAMES_PACK: Record<string, string> = {
  'src/index.ts':
    "export { RepeatText } from './repeat-text';\nexport { FrameCounter, ReverseFrames } from './frames';\n",
  'src/frames.ts': `import { defineNode, input } from '@reelgraph/sdk';
import { concatFrames, type Frames, sliceFrames } from '@reelgraph/sdk/frames';
import { makeFrames } from '@reelgraph/media';

export const ReverseFrames = defineNode({
  type: 'flip.reverse', title: 'Reverse frames', category: 'flip', description: 'Plays the clip backwards.',
  inputs: { images: input.socket('IMAGE') },
  outputs: { images: 'IMAGE' },
  run: ({ images }) => {
    const parts: Frames[] = [];
    for (let i = images.count - 1; i >= 0; i--) parts.push(sliceFrames(images, i, i + 1));
    return { images: concatFrames(parts) };
  },
});

export const FrameCounter = defineNode({
  type: 'flip.counter', title: 'Frame counter', category: 'flip', description: 'Number of frames; marks each.',
  inputs: { images: input.socket('IMAGE'), height: input.int({ default: 4, min: 1, max: 64 }) },
  outputs: { images: 'IMAGE', count: 'INT' },
  run: ({ images, height }, ctx) => {
    const out = makeFrames(images.width, images.height, images.count, images.batch, images.fps);
    out.data.set(images.data);
    const fb = images.width * images.height * 3;
    for (let f = 0; f < images.count; f++) out.data[f * fb] = f; // frame index in the first red byte
    ctx.log.info(\`\${images.count} frames, bar \${height}\`);
    return { images: out, count: images.count };
  },
});
`,
  'test/frames.test.ts': `import { Executor } from '@reelgraph/executor';
import { loadPacks } from '@reelgraph/packs';
import { makeFrames } from '@reelgraph/sdk/frames';
import { expect, it } from 'vitest';
import { FrameCounter, ReverseFrames } from '../src/frames';

const ctx = { jobId: 'j', nodeId: 'n', signal: new AbortController().signal, progress() {}, preview() {},
  artifact() {}, log: { debug() {}, info() {}, warn() {}, error() {} }, services: {} };

it('reverses frames', async () => {
  const f = makeFrames(2, 1, 3);
  for (let i = 0; i < 3; i++) f.data[i * 6] = i + 10;
  const { images } = await ReverseFrames.run({ images: f }, ctx);
  expect([images.data[0], images.data[6], images.data[12]]).toEqual([12, 11, 10]);
});

it('counts frames in a graph fed by the reverse node, loaded as the server loads it', async () => {
  const { nodes, packs } = await loadPacks({ dirs: [new URL('..', import.meta.url).pathname] });
  expect(packs[0]?.nodes).toEqual(expect.arrayContaining(['flip.reverse', 'flip.counter']));
  const counted = await FrameCounter.run({ images: makeFrames(4, 4, 5), height: 2 }, ctx);
  expect(counted.count).toBe(5);
  expect(nodes.get('flip.counter')?.schema.outputs.count).toEqual({ type: 'INT' });
  expect(Executor).toBeTypeOf('function');
});
`,
};

async function writeFiles(dir: string, files: Record<string, string>): Promise<void> {
  for (const [rel, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
    await writeFile(path.join(dir, rel), text);
  }
}

const reelgraph = (args: string[], env?: Record<string, string>) =>
  run(process.execPath, cliArgs(args), root, env);

describe('reelgraph create-node', () => {
  let tmp: string;
  beforeAll(async () => {
    tmp = await realpath(await mkdtemp(path.join(os.tmpdir(), 'rg-create-node-')));
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
    // The pack's own folder, not its parent (which may hold a clone, logs, outputs …).
    expect(made.stdout).toContain(`--nodes ${dir} `);
    const manifest = JSON.parse(await readFile(path.join(dir, 'reelgraph.pack.json'), 'utf8'));
    expect(manifest).toEqual({ name: 'my-fx', reelgraph: '>=0.1.0 <1.0.0', entry: 'src/index.ts' });
    // A publishable npm package; version and description live there once.
    const pkg = JSON.parse(await readFile(path.join(dir, 'package.json'), 'utf8'));
    expect(pkg).toMatchObject({
      name: 'reelgraph-pack-my-fx',
      version: '0.1.0',
      description: 'My Fx nodes for Reelgraph.',
      keywords: ['reelgraph-pack', 'reelgraph'],
      files: ['reelgraph.pack.json', 'src', 'README.md'],
      scripts: { test: expect.any(String), typecheck: expect.any(String) },
    });
    expect(pkg.private).toBeUndefined();

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

  it('an outside pack with frames nodes type-checks and passes its own tests, with no manual linking', {
    timeout: 240_000,
  }, async () => {
    const made = await reelgraph(['create-node', 'flip', '--dir', tmp]);
    expect(made.code, made.stderr).toBe(0);
    const dir = path.join(tmp, 'flip');
    await writeFiles(dir, FRAMES_PACK);
    const typecheck = await run(process.execPath, ['node_modules/typescript/bin/tsc', '-p', '.'], dir);
    expect(typecheck.code, typecheck.stdout + typecheck.stderr).toBe(0);
    const own = await run(process.execPath, ['node_modules/vitest/vitest.mjs', 'run'], dir);
    expect(own.code, own.stdout + own.stderr).toBe(0);
    expect(own.stdout).toMatch(/5 passed/); // the scaffold's 3 (node list not hard-coded) + 2 frames tests

    // IMAGE is Frames, not `any`: a wrong use of it is a type error.
    await writeFile(
      path.join(dir, 'src', 'wrong.ts'),
      "import type { Frames } from '@reelgraph/sdk/frames';\nexport const n: string = ({} as Frames).count;\n",
    );
    const wrong = await run(process.execPath, ['node_modules/typescript/bin/tsc', '-p', '.'], dir);
    expect(wrong.code).not.toBe(0);
    expect(wrong.stdout).toContain("Type 'number' is not assignable to type 'string'");
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
