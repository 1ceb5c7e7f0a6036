/** The visible mark: drawn after decode, before encode, by its own node or the save node's option. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GraphDocument } from '@reelgraph/graph';
import { applyMark, type Frames, loadVideo, makeFrames } from '@reelgraph/media';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE_MODELS, failures, files, type Host, makeHost, REPO } from './harness';

const gray = (w = 64, h = 64, count = 2): Frames => {
  const f = makeFrames(w, h, count);
  f.data.fill(128);
  return f;
};

/** Mean absolute change of a region between two frames (first frame of each). */
function change(a: Frames, b: Frames, x0: number, y0: number, x1: number, y1: number): number {
  let sum = 0;
  let n = 0;
  for (let y = y0; y < y1; y++)
    for (let x = x0; x < x1; x++)
      for (let c = 0; c < 3; c++) {
        const i = (y * a.width + x) * 3 + c;
        sum += Math.abs((a.data[i] as number) - (b.data[i] as number));
        n++;
      }
  return sum / n;
}

describe('applyMark', () => {
  const base = { position: 'bottom-right' as const, size: 0.2, opacity: 1, margin: 0.03 };

  it('draws a text mark in its corner on every frame and leaves the rest and the input alone', async () => {
    const src = gray(128, 128, 3);
    const before = new Uint8Array(src.data);
    const out = await applyMark(src, { ...base, text: 'AI-generated' });
    expect(src.data).toEqual(before);
    expect(change(src, out, 64, 96, 128, 128)).toBeGreaterThan(10);
    expect(change(src, out, 0, 0, 64, 64)).toBe(0);
    const last = (f: Frames) => ({ ...f, data: f.data.subarray(2 * 128 * 128 * 3) });
    expect(change(last(src), last(out), 64, 96, 128, 128)).toBeGreaterThan(10);
  });

  it('puts the mark where position says, and opacity 0 draws nothing', async () => {
    const src = gray(128, 128, 1);
    const top = await applyMark(src, { ...base, text: 'AI', position: 'top-left' });
    expect(change(src, top, 0, 0, 48, 32)).toBeGreaterThan(10);
    expect(change(src, top, 64, 64, 128, 128)).toBe(0);
    const none = await applyMark(src, { ...base, text: 'AI', opacity: 0 });
    expect(none.data).toEqual(src.data);
  });

  it('draws an image mark scaled to its size', async () => {
    const src = gray(128, 128, 1);
    const logo = join(REPO, 'graphs', 'assets', 'start.png');
    const out = await applyMark(src, { ...base, image: logo, position: 'center', size: 0.25, opacity: 1 });
    expect(change(src, out, 56, 56, 72, 72)).toBeGreaterThan(1);
    expect(change(src, out, 0, 0, 16, 16)).toBe(0);
  });
});

describe('mark nodes on the video pack', () => {
  let host: Host;
  beforeAll(async () => {
    host = await makeHost([FIXTURE_MODELS]);
  });
  afterAll(() => host?.close());

  const graph = (save: Record<string, unknown>, mark?: Record<string, unknown>): GraphDocument => ({
    version: 1,
    nodes: {
      load: { type: 'video.load_video', inputs: { video: 'graphs/assets/clip.mp4' } },
      ...(mark ? { mark: { type: 'video.mark', inputs: { images: ['load', 'images'], ...mark } } } : {}),
      save: {
        type: 'video.save',
        inputs: { images: [mark ? 'mark' : 'load', 'images'], format: 'mp4', prefix: 'marked', ...save },
      },
    },
  });

  it('the Visible mark node and the save option both mark the encoded file; presets leave it off', async () => {
    const plain = await host.run(graph({}));
    expect(plain.status, failures(plain)).toBe('success');
    const viaNode = await host.run(graph({}, { text: 'AI', position: 'top-left', size: 0.3, opacity: 1 }));
    expect(viaNode.status, failures(viaNode)).toBe('success');
    const viaSave = await host.run(graph({ mark: 'AI-generated' }));
    expect(viaSave.status, failures(viaSave)).toBe('success');
    const [a, b, c] = await Promise.all(
      [plain, viaNode, viaSave].map((r) => loadVideo(files(r)[0] as string, { maxFrames: 1 })),
    );
    const w = (a as Frames).width;
    const h = (a as Frames).height;
    // top-left for the node, bottom-right for the save option; H.264 noise stays well under the mark
    expect(change(a as Frames, b as Frames, 0, 0, w / 3, h / 4)).toBeGreaterThan(8);
    expect(change(a as Frames, c as Frames, w / 2, (h * 3) / 4, w, h)).toBeGreaterThan(8);
    expect(change(a as Frames, c as Frames, 0, 0, w / 3, h / 4)).toBeLessThan(3);
    for (const name of readdirSync(join(REPO, 'graphs')).filter((f) => f.endsWith('.json'))) {
      const doc = JSON.parse(readFileSync(join(REPO, 'graphs', name), 'utf8')) as GraphDocument;
      for (const n of Object.values(doc.nodes)) {
        expect(n.type, name).not.toBe('video.mark');
        if (n.type === 'video.save') expect(n.inputs.mark ?? '', name).toBe('');
      }
    }
  });

  it('the host forced mark (services.mark) marks a save without any mark of its own', async () => {
    const forced = await host.executor.run(graph({ prefix: 'forced' }), {
      services: { mark: { text: 'AI', position: 'top-right', size: 0.3, opacity: 1, margin: 0 } },
    } as never);
    expect(forced.status, failures(forced)).toBe('success');
    const plain = await host.run(graph({ prefix: 'unforced' }));
    const [a, b] = await Promise.all(
      [plain, forced].map((r) => loadVideo(files(r)[0] as string, { maxFrames: 1 })),
    );
    const w = (a as Frames).width;
    expect(change(a as Frames, b as Frames, w / 2, 0, w, (a as Frames).height / 4)).toBeGreaterThan(8);
  });
});
