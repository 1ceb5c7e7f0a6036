/** A bad value never reaches Save video silently, and a save with nothing to write fails. */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Executor } from '@reelgraph/executor';
import { loadPacks } from '@reelgraph/packs';
import { defineNode, input } from '@reelgraph/sdk';
import { makeFrames } from '@reelgraph/sdk/frames';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO } from './harness';

const Frames = defineNode({
  type: 'test.frames',
  title: 'Frames',
  category: 'test',
  description: 'frames, none, or something that is not frames',
  inputs: { kind: input.combo(['none', 'bad'] as const) },
  outputs: { images: 'IMAGE' },
  run: ({ kind }) => ({ images: kind === 'none' ? makeFrames(4, 4, 0) : ({ width: 4 } as never) }),
});

describe('Save video and checked outputs', () => {
  let executor: Executor;
  let outputDir: string;
  beforeAll(async () => {
    const { nodes } = await loadPacks({ dirs: [join(REPO, 'nodes/video')] });
    nodes.set(Frames.schema.type, { ...Frames, pack: 'test' } as never);
    outputDir = mkdtempSync(join(tmpdir(), 'rg-save-'));
    executor = new Executor({ nodes, services: { outputDir } });
  });
  afterAll(() => rmSync(outputDir, { recursive: true, force: true }));

  const run = (kind: 'none' | 'bad') =>
    executor.run({
      version: 1,
      nodes: {
        f: { type: 'test.frames', inputs: { kind } },
        s: { type: 'video.save', inputs: { images: ['f', 'images'], format: 'gif' } },
      },
    });

  it('a node that returns something else as IMAGE fails itself, named; Save is skipped', async () => {
    const result = await run('bad');
    expect(result.status).toBe('failed');
    expect(result.errors.f?.message).toBe(
      'Node "f" (test.frames) returned a wrong value for its output "images" (IMAGE): expected frames ' +
        '{ width, height, count, batch, data: Uint8Array of RGB bytes }, got an object with width',
    );
    expect(result.skipped).toEqual({ s: 'f' });
    expect(result.artifacts).toEqual({});
  });

  it('Save video with no frames to write fails', async () => {
    const result = await run('none');
    expect(result.status).toBe('failed');
    expect(result.errors.s?.message).toBe('nothing to write: the clip has no frames');
    expect(readdirSync(outputDir)).toEqual([]);
  });
});
