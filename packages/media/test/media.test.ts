import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import {
  avcCodec,
  concatFrames,
  encodeAnimated,
  encodeH264,
  extractGraph,
  type Frames,
  fromPlanar,
  loadAnimated,
  loadImage,
  loadVideo,
  makeFrames,
  mp4File,
  probeVideo,
  psnr,
  resizeFrames,
  runFfmpeg,
  sliceFrames,
  toPlanar,
  writeVideo,
} from '../src/index';

const tmp = mkdtempSync(join(tmpdir(), 'rg-media-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A square moving right over a gradient: content a codec has to actually encode. */
function movingSquare(count: number, w = 64, h = 64): Frames {
  const f = makeFrames(w, h, count);
  for (let i = 0; i < count; i++)
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) {
        const o = ((i * h + y) * w + x) * 3;
        const inside = x >= 4 + 2 * i && x < 20 + 2 * i && y >= 24 && y < 40;
        f.data[o] = inside ? 230 : 20 + 2 * y;
        f.data[o + 1] = inside ? 40 : 60;
        f.data[o + 2] = inside ? 30 : 200 - 2 * x;
      }
  return f;
}

// Unicode, quotes, '=' ';' '#' '\' and newlines in strings: everything an escaper can get wrong.
const graph = {
  version: 1,
  nodes: {
    p: {
      type: 'video.text_encode',
      inputs: { text: 'a red circle = "ok"; #1 \\ ünïcødé 🎬\nline 2 <b>&amp;</b>' },
    },
  },
};
const graphText = JSON.stringify(graph);

/** Types of the top-level boxes of an MP4, in file order. */
function topLevelBoxes(mp4: Uint8Array): string[] {
  const dv = new DataView(mp4.buffer, mp4.byteOffset, mp4.byteLength);
  const types: string[] = [];
  for (let at = 0; at + 8 <= mp4.length; at += dv.getUint32(at))
    types.push(String.fromCharCode(...mp4.subarray(at + 4, at + 8)));
  return types;
}

describe('media', () => {
  it('writes MP4 that ffprobe-style checks accept: h264, yuv420p, frame count, size, embedded graph', async () => {
    const path = join(tmp, 'a.mp4');
    await writeVideo(movingSquare(17), path, { format: 'mp4', fps: 8, graph: graphText });
    const info = await probeVideo(path);
    expect(info).toMatchObject({
      codec: 'h264',
      pixFmt: 'yuv420p',
      width: 64,
      height: 64,
      frames: 17,
      fps: 8,
    });
    expect(await extractGraph(path)).toEqual(graph);
    expect(await extractGraph(readFileSync(path))).toEqual(graph);
    const back = await loadVideo(path);
    expect(back.count).toBe(17);
    expect(psnr(back.data, movingSquare(17).data)).toBeGreaterThan(30);
    expect((await loadVideo(path, { maxFrames: 5, skipFrames: 2 })).count).toBe(5);
    await expect(loadVideo(path, { maxBytes: 64 * 64 * 3 * 10 })).rejects.toThrow(/limit is/);
  });

  it('re-muxes one H.264 encode at another frame rate: same coded frames, new clock', async () => {
    const stream = await encodeH264(movingSquare(17));
    expect(stream.frames).toHaveLength(17);
    expect(stream.frames[0]?.key).toBe(true);
    expect(stream.codec).toMatch(/^avc1\.[0-9a-f]{6}$/);
    const at8 = join(tmp, 'r8.mp4');
    const at12 = join(tmp, 'r12.mp4');
    writeFileSync(at8, mp4File(stream, 8, graphText));
    writeFileSync(at12, mp4File(stream, 12, graphText));
    const info = await probeVideo(at12);
    expect(info).toMatchObject({ codec: 'h264', pixFmt: 'yuv420p', frames: 17, fps: 12 });
    expect(info.durationSec).toBeCloseTo(17 / 12, 1);
    expect((await probeVideo(at8)).fps).toBe(8);
    expect(await extractGraph(at12)).toEqual(graph);
    expect((await loadVideo(at12)).data).toEqual((await loadVideo(at8)).data);
    // fast start, with and without a graph: moov comes before mdat
    for (const file of [readFileSync(at8), mp4File(stream, 8)]) {
      const order = topLevelBoxes(file);
      expect(order.indexOf('moov'), order.join()).toBeLessThan(order.indexOf('mdat'));
    }
  });

  it('muxes exact clocks for fractional frame rates, and refuses frames it cannot place', async () => {
    const stream = await encodeH264(movingSquare(9));
    for (const fps of [30000 / 1001, 12.5, 0.5]) {
      const path = join(tmp, `rate-${fps}.mp4`);
      writeFileSync(path, mp4File(stream, fps, graphText));
      const info = await probeVideo(path);
      expect(info).toMatchObject({ codec: 'h264', pixFmt: 'yuv420p', frames: 9, width: 64, height: 64 });
      expect(info.fps).toBeCloseTo(fps, 2);
      expect(info.durationSec).toBeCloseTo(9 / fps, 1);
      expect(await extractGraph(path)).toEqual(graph);
      expect(psnr((await loadVideo(path)).data, movingSquare(9).data)).toBeGreaterThan(30);
    }
    const reordered = {
      ...stream,
      frames: [stream.frames[1]!, stream.frames[0]!, ...stream.frames.slice(2)],
    };
    expect(() => mp4File(reordered, 8)).toThrow(/presentation order/);
    expect(() => mp4File({ ...stream, frames: [] }, 8)).toThrow(/no frames/);
  });

  it('names the H.264 level that fits the frame size, and refuses what it cannot code', () => {
    expect(avcCodec(64, 64)).toBe('avc1.64000a'); // level 1.0: up to 99 macroblocks
    expect(avcCodec(1280, 720)).toBe('avc1.64001f'); // 3.1
    expect(avcCodec(1920, 1080)).toBe('avc1.640028'); // 4.0
    expect(() => avcCodec(16384, 16384)).toThrow(/cannot code/);
    return expect(encodeH264(makeFrames(64, 64, 0))).rejects.toThrow(/no frames/);
  });

  it('encodes each clip on its own (warm encoder or not, the same frames give the same bytes); pads odd sizes', async () => {
    const a = await encodeH264(movingSquare(9));
    await encodeH264(movingSquare(17)); // the same warm encoder codes another clip in between
    const b = await encodeH264(movingSquare(9));
    expect(b.frames.map((f) => f.data)).toEqual(a.frames.map((f) => f.data));
    expect(b.frames.map((f) => f.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    const odd = await encodeH264(movingSquare(5, 33, 47));
    expect(odd).toMatchObject({ width: 34, height: 48 });
    const path = join(tmp, 'odd.mp4');
    writeFileSync(path, mp4File(odd, 8));
    expect(await probeVideo(path)).toMatchObject({ codec: 'h264', pixFmt: 'yuv420p', frames: 5, width: 34 });
  });

  it('a cancelled encode rejects with the reason, and the next encode still works', async () => {
    const ac = new AbortController();
    const pending = encodeH264(movingSquare(17), { signal: ac.signal });
    ac.abort(new Error('cancelled by the user'));
    await expect(pending).rejects.toThrow('cancelled by the user');
    expect((await encodeH264(movingSquare(17))).frames).toHaveLength(17);
  });

  it('embeds a graph larger than one command-line argument may be', async () => {
    const big = { version: 1, nodes: {} as Record<string, unknown> };
    for (let i = 0; i < 3000; i++)
      big.nodes[`n${i}`] = { type: 'core.int', inputs: { value: i, note: 'x'.repeat(40) } };
    expect(JSON.stringify(big).length).toBeGreaterThan(200_000);
    const path = join(tmp, 'big.mp4');
    await writeVideo(movingSquare(5), path, { format: 'mp4', fps: 8, graph: JSON.stringify(big) });
    expect(await extractGraph(path)).toEqual(big);
  });

  it('writes WebM (VP9) that decodes, with the graph', async () => {
    const path = join(tmp, 'a.webm');
    await writeVideo(movingSquare(9), path, { format: 'webm', fps: 12, graph: graphText });
    const info = await probeVideo(path);
    expect(info).toMatchObject({ codec: 'vp9', width: 64, height: 64, frames: 9 });
    expect(await extractGraph(path)).toEqual(graph);
    expect((await loadVideo(path)).count).toBe(9);
  });

  it('writes animated WebP and GIF that decode with sharp and ffmpeg, with the graph', async () => {
    for (const format of ['webp', 'gif'] as const) {
      const path = join(tmp, `a.${format}`);
      await writeVideo(movingSquare(17), path, { format, fps: 8, graph: graphText });
      const meta = await sharp(path, { animated: true }).metadata();
      expect(meta).toMatchObject({ format, width: 64, pages: 17, pageHeight: 64 });
      expect(Math.abs((meta.delay?.[0] ?? 0) - 125)).toBeLessThanOrEqual(5); // GIF counts centiseconds
      expect(await extractGraph(path)).toEqual(graph);
      const frames = await loadAnimated(path);
      expect(frames.count).toBe(17);
      expect(psnr(frames.data, movingSquare(17).data)).toBeGreaterThan(format === 'gif' ? 20 : 28);
    }
    const { code } = await runFfmpeg(['-i', join(tmp, 'a.gif'), '-f', 'null', '-'], { allowFail: true });
    expect(code).toBe(0);
  });

  it('encodes small upscaled previews frame by frame', async () => {
    const tiny = makeFrames(8, 8, 5);
    tiny.data.forEach((_, i) => {
      tiny.data[i] = (i * 37) % 255;
    });
    const out = await encodeAnimated(tiny, { format: 'webp', fps: 2, scale: 8, fast: true });
    const meta = await sharp(out, { animated: true }).metadata();
    expect(meta).toMatchObject({ width: 64, pages: 5, pageHeight: 64 });
    const back = await loadAnimated(out);
    expect(back.data[0]).toBe(tiny.data[0]); // lossless
  });

  it('muxes an audio track, cut to the video, with the graph', async () => {
    const wav = join(tmp, 'tone.wav');
    await runFfmpeg(['-y', '-loglevel', 'error', '-f', 'lavfi', '-i', 'sine=frequency=440:duration=5', wav]);
    const path = join(tmp, 'audio.mp4');
    await writeVideo(movingSquare(17), path, { format: 'mp4', fps: 8, audioPath: wav, graph: graphText });
    const info = await probeVideo(path);
    expect(info.hasAudio).toBe(true);
    expect(info.audioCodec).toBe('aac');
    expect(info).toMatchObject({ codec: 'h264', frames: 17 });
    expect(info.durationSec).toBeLessThan(2.5);
    expect(await extractGraph(path)).toEqual(graph); // the tag pass over ffmpeg's file
    const order = topLevelBoxes(readFileSync(path));
    expect(order.indexOf('moov'), order.join()).toBeLessThan(order.indexOf('mdat'));
  });

  it('pads odd sizes for yuv420p', async () => {
    const path = join(tmp, 'odd.mp4');
    await writeVideo(movingSquare(5, 33, 21), path, { format: 'mp4', fps: 8 });
    expect(await probeVideo(path)).toMatchObject({ width: 34, height: 22, pixFmt: 'yuv420p', frames: 5 });
  });

  it('returns undefined for files without a graph and fails clearly on non-videos', async () => {
    const plain = join(tmp, 'plain.mp4');
    await writeVideo(movingSquare(5), plain, { format: 'mp4', fps: 8 });
    expect(await extractGraph(plain)).toBeUndefined();
    expect(await extractGraph(new Uint8Array([1, 2, 3]))).toBeUndefined();
    const junk = join(tmp, 'junk.mp4');
    writeFileSync(junk, 'not a video');
    await expect(probeVideo(junk)).rejects.toThrow(/Not a readable video/);
  });

  it('loads images flattened to RGB and round-trips planar floats', async () => {
    const png = await sharp({
      create: { width: 8, height: 4, channels: 4, background: { r: 255, g: 0, b: 0, alpha: 1 } },
    })
      .png()
      .toBuffer();
    const img = await loadImage(png);
    expect(img).toMatchObject({ width: 8, height: 4, count: 1 });
    expect(Array.from(img.data.subarray(0, 3))).toEqual([255, 0, 0]);
    const clip = movingSquare(3);
    const planar = toPlanar(clip);
    expect(planar[0]).toBeCloseTo(20 / 127.5 - 1, 6);
    expect(fromPlanar(planar, 1, 3, 64, 64).data).toEqual(clip.data);
  });

  it('slices, joins and resizes clips', async () => {
    const a = movingSquare(5);
    const joined = concatFrames([a, sliceFrames(a, 1)]);
    expect(joined.count).toBe(9);
    expect(joined.data.subarray(5 * 64 * 64 * 3)).toEqual(sliceFrames(a, 1).data);
    const big = await resizeFrames(a, 128, 96, 'pad');
    expect(big).toMatchObject({ width: 128, height: 96, count: 5 });
    expect(() => concatFrames([a, big])).toThrow(/resize first/);
  });
});
