/** Every video preset runs on the fixture model (2 steps) and writes the clip it promises. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { extractGraph, probeVideo } from '@reelgraph/media';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveInputFile } from '../src/util';
import { FIXTURE_MODELS, failures, files, type Host, makeHost, preset, REPO } from './harness';

let host: Host;
beforeAll(async () => {
  host = await makeHost([FIXTURE_MODELS]);
});
afterAll(() => host?.close());

/** The preset with the fixture model and 2 sampler steps everywhere. */
function quick(name: string) {
  const doc = preset(name);
  for (const node of Object.values(doc.nodes)) {
    if (node.type === 'video.load_model') node.inputs.model = 'mini';
    if (node.type === 'video.sampler') node.inputs.steps = 2;
  }
  return doc;
}

describe('video presets', () => {
  const expected: [string, number, number][] = [
    ['text-to-video', 1, 17],
    ['image-to-video', 1, 17],
    ['video-to-video', 1, 17],
    ['variations', 4, 17],
    ['extend-video', 1, 65],
    ['stitch', 1, 29],
  ];
  for (const [name, count, frames] of expected) {
    it(`${name} writes ${count} MP4 file(s) of ${frames} frames carrying the graph`, async () => {
      const doc = quick(name);
      const r = await host.run(doc);
      expect(r.status, failures(r)).toBe('success');
      const out = files(r);
      expect(out).toHaveLength(count);
      for (const f of out) {
        expect(f).toMatch(new RegExp(`${name}_\\d{5}\\.mp4$`));
        expect(await probeVideo(f)).toMatchObject({
          codec: 'h264',
          pixFmt: 'yuv420p',
          frames,
          width: 64,
          height: 64,
        });
      }
      expect(await extractGraph(out[0] as string)).toEqual(doc);
    });
  }

  it('variations differ clip to clip', async () => {
    const r = await host.run(quick('variations'));
    const { readFileSync } = await import('node:fs');
    const bytes = files(r).map((f) => readFileSync(f).toString('base64'));
    expect(new Set(bytes).size).toBe(4);
  });
});

describe('input files', () => {
  const uploads = mkdtempSync(join(tmpdir(), 'rg-uploads-'));
  afterAll(() => rmSync(uploads, { recursive: true, force: true }));
  writeFileSync(join(uploads, 'mine.png'), 'x');
  const server = { services: { uploadDir: uploads } };

  it('reads uploads and preset assets, and nothing else, when the host has an upload folder', () => {
    expect(resolveInputFile('mine.png', server)).toMatch(/mine\.png$/);
    expect(resolveInputFile('start.png', server)).toBe(join(REPO, 'graphs/assets/start.png'));
    expect(resolveInputFile('graphs/assets/start.png', server)).toBe(join(REPO, 'graphs/assets/start.png'));
    for (const name of ['package.json', '../../etc/passwd', '/etc/passwd', join(REPO, 'package.json')])
      expect(() => resolveInputFile(name, server), name).toThrow(/not found among the uploads/);
  });

  it('answers the same for a file outside the allowed folders and one that does not exist', () => {
    const message = (name: string) => {
      try {
        resolveInputFile(name, server);
      } catch (err) {
        return (err as Error).message.replace(name, '<name>');
      }
      return 'read';
    };
    const expected = message('/no/such/file.png');
    expect(expected).toMatch(/not found/);
    for (const name of ['/etc/passwd', '/etc', '/no/such/dir/', '../../etc/hostname', 'nodes', 'missing.png'])
      expect(message(name), name).toBe(expected);
  });

  it('reads paths from the working folder or the repository when headless', () => {
    expect(resolveInputFile('graphs/assets/start.png', { services: {} })).toBe(
      join(REPO, 'graphs/assets/start.png'),
    );
    expect(() => resolveInputFile('graphs/assets/nope.png', { services: {} })).toThrow(/not found/);
  });
});
