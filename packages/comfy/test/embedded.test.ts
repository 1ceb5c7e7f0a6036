/**
 * Files written with ComfyUI's key layout: PNG tEXt `prompt`/`workflow`, animated-PNG `comf` chunks,
 * WebP EXIF Make/Model, MP4 and WebM container tags (core SaveVideo), and VideoHelperSuite's single
 * `comment` tag (FFMETADATA, prompt double-encoded).
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runFfmpeg } from '@reelgraph/media';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { extractComfy, importComfyFile } from '../src';
import { wan21T2v } from './fixtures/wan21-t2v';

const prompt = JSON.parse(readFileSync(new URL('./fixtures/ltxv.prompt.json', import.meta.url), 'utf8'));
const workflow = wan21T2v();
const dir = mkdtempSync(join(tmpdir(), 'comfy-embed-'));

const CRC = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  let c = 0xffffffff;
  for (const b of Buffer.concat([head.subarray(4), data])) c = (CRC[(c ^ b) & 0xff] as number) ^ (c >>> 8);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE((c ^ 0xffffffff) >>> 0, 0);
  return Buffer.concat([head, data, crc]);
}
/** Inserts chunks right before IEND, i.e. after the image data, as PIL does. */
const withChunks = (png: Buffer, chunks: Buffer[]) =>
  Buffer.concat([png.subarray(0, png.length - 12), ...chunks, png.subarray(png.length - 12)]);

const image = () => sharp({ create: { width: 16, height: 16, channels: 3, background: '#3060a0' } });

async function clip(ext: string, args: string[]): Promise<Uint8Array> {
  const file = join(dir, `clip.${ext}`);
  const codec = ext === 'webm' ? ['-c:v', 'libvpx-vp9'] : ['-c:v', 'libx264', '-pix_fmt', 'yuv420p'];
  await runFfmpeg(['-y', '-f', 'lavfi', '-i', 'color=c=blue:s=32x32:d=0.2', ...args, ...codec, file]);
  return readFileSync(file);
}

describe('ComfyUI metadata in media files', () => {
  it('PNG (SaveImage): tEXt prompt and workflow', async () => {
    const png = await image().png().toBuffer();
    const bytes = withChunks(png, [
      chunk('tEXt', Buffer.from(`prompt\0${JSON.stringify(prompt)}`, 'latin1')),
      chunk('tEXt', Buffer.from(`workflow\0${JSON.stringify(workflow)}`, 'latin1')),
    ]);
    expect(extractComfy(bytes)).toEqual({ prompt, workflow });
    const r = importComfyFile(bytes);
    expect(r.ok && r.report.format).toBe('workflow');
  });

  it('animated PNG (SaveAnimatedPNG): comf chunks after the image data', async () => {
    const png = await image().png().toBuffer();
    const bytes = withChunks(png, [
      chunk('comf', Buffer.from(`prompt\0${JSON.stringify(prompt)}`, 'latin1')),
      chunk('comf', Buffer.from(`workflow\0${JSON.stringify(workflow)}`, 'latin1')),
    ]);
    expect(extractComfy(bytes)).toEqual({ prompt, workflow });
  });

  it('WebP (SaveAnimatedWEBP): EXIF Make = "workflow:…", Model = "prompt:…"', async () => {
    const bytes = await image()
      .webp()
      .withExif({
        IFD0: { Make: `workflow:${JSON.stringify(workflow)}`, Model: `prompt:${JSON.stringify(prompt)}` },
      })
      .toBuffer();
    expect(extractComfy(bytes)).toEqual({ prompt, workflow });
  });

  it('MP4 (SaveVideo): container tags workflow and prompt, use_metadata_tags', async () => {
    const bytes = await clip('mp4', [
      '-metadata',
      `prompt=${JSON.stringify(prompt)}`,
      '-metadata',
      `workflow=${JSON.stringify(workflow)}`,
      '-movflags',
      'use_metadata_tags+faststart',
    ]);
    expect(extractComfy(bytes)).toEqual({ prompt, workflow });
  });

  it('WebM (SaveVideo / SaveWEBM): Matroska tags', async () => {
    const bytes = await clip('webm', [
      '-metadata',
      `prompt=${JSON.stringify(prompt)}`,
      '-metadata',
      `workflow=${JSON.stringify(workflow)}`,
    ]);
    expect(extractComfy(bytes)).toEqual({ prompt, workflow });
  });

  it('MP4 from VideoHelperSuite: one comment tag, prompt encoded twice', async () => {
    // VHS writes it through an FFMETADATA file; the ffmpeg bundled here (4.1) cuts FFMETADATA lines at
    // 1 KiB, so the same tag is given on the command line: the file comes out the same (an iTunes ©cmt).
    const comment = JSON.stringify({ prompt: JSON.stringify(prompt), workflow });
    const bytes = await clip('mp4', ['-metadata', `comment=${comment}`]);
    expect(extractComfy(bytes)).toEqual({ prompt, workflow });
    const r = importComfyFile(bytes);
    expect(r.ok && Object.keys(r.doc.nodes)).toContain('3.noise');
  });

  it('says so when a file holds no ComfyUI metadata', async () => {
    const png = await image().png().toBuffer();
    expect(importComfyFile(png)).toMatchObject({ ok: false, error: 'not_comfyui' });
  });
});
