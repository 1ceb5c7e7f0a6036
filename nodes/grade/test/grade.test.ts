/** The grade pack through the real loader and executor, on real frames (sharp does the pixel work). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Executor } from '@reelgraph/executor';
import type { GraphDocument } from '@reelgraph/graph';
import { type Frames, makeFrames, psnr } from '@reelgraph/media/frames';
import { loadPacks } from '@reelgraph/packs';
import type { NodeContext } from '@reelgraph/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ColorGrade } from '../src/color';
import { parseColor } from '../src/frames';
import { overlaySvg, TextOverlay } from '../src/text';

const REPO = resolve(import.meta.dirname, '../../..');

/** A 32×24 clip of `count` frames: a horizontal red ramp, green by frame, constant blue. */
function ramp(count = 3, batch = 1): Frames {
  const f = makeFrames(32, 24, count, batch, 8);
  for (let b = 0; b < batch; b++)
    for (let k = 0; k < count; k++)
      for (let y = 0; y < 24; y++)
        for (let x = 0; x < 32; x++) {
          const i = (((b * count + k) * 24 + y) * 32 + x) * 3;
          f.data[i] = x * 8;
          f.data[i + 1] = 40 + k * 60;
          f.data[i + 2] = 100;
        }
  return f;
}

function ctx(previews: unknown[] = []): NodeContext {
  const log = { debug() {}, info() {}, warn() {}, error() {} };
  return {
    jobId: 'test',
    nodeId: 'n',
    signal: new AbortController().signal,
    progress() {},
    preview: (p) => previews.push(p),
    artifact() {},
    log,
    services: {},
  };
}

const grade = (images: Frames, s: Partial<Parameters<typeof ColorGrade.run>[0]> = {}) =>
  ColorGrade.run(
    { images, brightness: 1, contrast: 1, saturation: 1, hue: 0, tint: '#ffffff', tint_strength: 0, ...s },
    ctx(),
  ) as Promise<{ images: Frames }>;

const mean = (f: Frames, channel: number) => {
  let sum = 0;
  for (let i = channel; i < f.data.length; i += 3) sum += f.data[i] as number;
  return sum / (f.data.length / 3);
};

describe('grade.color', () => {
  it('changes nothing at its defaults (and hands back the same frames)', async () => {
    const f = ramp();
    expect((await grade(f)).images).toBe(f);
  });

  it('brightness raises every channel, keeps size, count, batch and fps', async () => {
    const f = ramp(3, 2);
    const out = (await grade(f, { brightness: 1.5 })).images;
    expect(out).toMatchObject({ width: 32, height: 24, count: 3, batch: 2, fps: 8 });
    for (const c of [0, 1, 2]) expect(mean(out, c)).toBeGreaterThan(mean(f, c) + 10);
  });

  it('saturation 0 makes every pixel grey', async () => {
    const out = (await grade(ramp(), { saturation: 0 })).images;
    for (let i = 0; i < out.data.length; i += 3) {
      expect(Math.abs((out.data[i] as number) - (out.data[i + 1] as number))).toBeLessThanOrEqual(2);
      expect(Math.abs((out.data[i + 1] as number) - (out.data[i + 2] as number))).toBeLessThanOrEqual(2);
    }
  });

  it('contrast 0 flattens to mid-grey; contrast 2 spreads values', async () => {
    const flat = (await grade(ramp(), { contrast: 0 })).images;
    expect(new Set(flat.data)).toEqual(new Set([128]));
    const f = ramp();
    const spread = (await grade(f, { contrast: 2 })).images;
    const range = (g: Frames) => {
      const reds = [...g.data.filter((_, i) => i % 3 === 0)];
      return Math.max(...reds) - Math.min(...reds);
    };
    expect(range(spread)).toBeGreaterThan(range(f));
  });

  it('a full warm tint cuts blue and keeps red', async () => {
    const f = ramp();
    const out = (await grade(f, { tint: '#ff8000', tint_strength: 1 })).images;
    expect(mean(out, 2)).toBeLessThan(2);
    expect(Math.abs(mean(out, 0) - mean(f, 0))).toBeLessThan(1);
    expect(mean(out, 1)).toBeCloseTo(mean(f, 1) * (128 / 255), 0);
  });

  it('hue rotation moves colour between channels but keeps the frame recognisable', async () => {
    const f = ramp();
    const out = (await grade(f, { hue: 120 })).images;
    expect(psnr(f.data, out.data)).toBeLessThan(25);
    expect(mean(out, 2)).not.toBeCloseTo(mean(f, 2), 0);
  });

  it('a bad tint colour is a clear error', async () => {
    await expect(grade(ramp(), { tint: 'orange', tint_strength: 0.5 })).rejects.toThrow(
      /tint must be a colour/,
    );
    expect(parseColor('#FC0', 'x')).toEqual([255, 204, 0]);
  });

  it('sends a still preview of the graded clip', async () => {
    const previews: { mime: string; frames: number }[] = [];
    await ColorGrade.run(
      { images: ramp(), brightness: 1.2, contrast: 1, saturation: 1, hue: 0, tint: '#fff', tint_strength: 0 },
      ctx(previews as unknown[]),
    );
    expect(previews).toMatchObject([{ mime: 'image/png', frames: 1, width: 32, height: 24 }]);
  });
});

describe('grade.text', () => {
  const style = {
    position: 'bottom' as const,
    size: 0,
    color: '#ffffff',
    outline: true,
    box: false,
    opacity: 1,
  };
  const overlay = (images: Frames, s: Record<string, unknown> = {}) =>
    TextOverlay.run(
      { images, text: 'HELLO', start_frame: 0, end_frame: -1, ...style, ...s },
      ctx(),
    ) as Promise<{
      images: Frames;
    }>;

  /** Pixels that differ between two frames of the same clips, in rows [y0, y1). */
  function changed(a: Frames, b: Frames, frame: number, y0 = 0, y1 = a.height): number {
    const fb = a.width * a.height * 3;
    let n = 0;
    for (let y = y0; y < y1; y++)
      for (let x = 0; x < a.width; x++) {
        const i = frame * fb + (y * a.width + x) * 3;
        if (a.data[i] !== b.data[i] || a.data[i + 1] !== b.data[i + 1] || a.data[i + 2] !== b.data[i + 2])
          n++;
      }
    return n;
  }

  it('draws the text near the bottom and leaves the top alone', async () => {
    const f = makeFrames(96, 64, 2, 1, 8);
    f.data.fill(60);
    const out = (await overlay(f, { size: 16 })).images;
    expect(changed(f, out, 0, 40, 64)).toBeGreaterThan(50);
    expect(changed(f, out, 0, 0, 30)).toBe(0);
    // White text: some pixels become bright.
    expect(Math.max(...out.data)).toBeGreaterThan(200);
  });

  it('top and center positions put it elsewhere', async () => {
    const f = makeFrames(96, 64, 1, 1);
    f.data.fill(60);
    const top = (await overlay(f, { size: 16, position: 'top' })).images;
    expect(changed(f, top, 0, 0, 24)).toBeGreaterThan(50);
    expect(changed(f, top, 0, 40, 64)).toBe(0);
    const center = (await overlay(f, { size: 16, position: 'center' })).images;
    expect(changed(f, center, 0, 20, 44)).toBeGreaterThan(50);
  });

  it('only frames from start_frame to end_frame get the text, in every clip of a batch', async () => {
    const f = makeFrames(64, 48, 5, 2);
    f.data.fill(30);
    const out = (await overlay(f, { start_frame: 1, end_frame: 2 })).images;
    for (const b of [0, 1]) {
      expect(changed(f, out, b * 5 + 0)).toBe(0);
      expect(changed(f, out, b * 5 + 1)).toBeGreaterThan(0);
      expect(changed(f, out, b * 5 + 2)).toBeGreaterThan(0);
      expect(changed(f, out, b * 5 + 3)).toBe(0);
    }
  });

  it('escapes text so markup characters are drawn, not parsed', () => {
    const svg = overlaySvg('a < b & "c"', 64, 48, style);
    expect(svg).toContain('a &lt; b &amp; &quot;c&quot;');
    expect(overlaySvg('one\ntwo', 64, 48, style).match(/<tspan/g)).toHaveLength(2);
  });

  it('empty text or zero opacity passes the frames through', async () => {
    const f = makeFrames(32, 32, 1);
    expect((await overlay(f, { text: '  ' })).images).toBe(f);
    expect((await overlay(f, { opacity: 0 })).images).toBe(f);
  });

  it('stops between frames when the job is cancelled', async () => {
    const controller = new AbortController();
    controller.abort(new Error('cancelled'));
    const run = TextOverlay.run(
      { images: makeFrames(32, 32, 20), text: 'x', start_frame: 0, end_frame: -1, ...style },
      { ...ctx(), signal: controller.signal },
    );
    await expect(run).rejects.toThrow('cancelled');
  });
});

describe('the grade pack as a pack', () => {
  let outputDir: string;
  beforeAll(() => {
    outputDir = mkdtempSync(join(tmpdir(), 'rg-grade-'));
  });
  afterAll(() => rmSync(outputDir, { recursive: true, force: true }));

  it('loads from its manifest and grades + captions a loaded image saved as a GIF', async () => {
    const { nodes, packs } = await loadPacks({
      dirs: [join(REPO, 'nodes/video'), join(REPO, 'nodes/grade')],
    });
    expect(packs.find((p) => p.name === 'grade')).toMatchObject({
      status: 'loaded',
      nodes: ['grade.color', 'grade.text'],
    });
    const doc: GraphDocument = {
      version: 1,
      nodes: {
        load: { type: 'video.load_image', inputs: { image: 'graphs/assets/start.png' } },
        grade: {
          type: 'grade.color',
          inputs: { images: ['load', 'image'], saturation: 0, brightness: 1.1 },
        },
        title: { type: 'grade.text', inputs: { images: ['grade', 'images'], text: 'Reelgraph', box: true } },
        save: {
          type: 'video.save',
          inputs: { images: ['title', 'images'], format: 'gif', fps: 8, prefix: 'graded' },
        },
      },
    };
    const executor = new Executor({ nodes, services: { outputDir } });
    const r = await executor.run(doc, { services: { graph: doc } as never });
    expect(r.errors).toEqual({});
    expect(r.status).toBe('success');
    const file = r.artifacts.save?.find((a) => a.kind === 'file');
    expect(file).toMatchObject({ kind: 'file', mime: 'image/gif' });
  });
});
