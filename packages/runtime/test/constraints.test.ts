import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { modelConstraints } from '../src/constraints';
import { parseManifest } from '../src/manifest';

const manifest = parseManifest(
  JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures', 'mini', 'model.json'), 'utf8')),
);

describe('modelConstraints', () => {
  it('reads sizes, frames, text length and vocabulary from the manifest', () => {
    const c = modelConstraints(manifest);
    // The DiT's spatial axes are fixed at 8×8 latent pixels: one size, 64×64.
    expect(c.width).toEqual({ multiple: 8, min: 64, max: 64 });
    expect(c.height).toEqual({ multiple: 8, min: 64, max: 64 });
    // 16 latent frames at 4× temporal compression, causal first frame.
    expect(c.frames).toEqual({ multiple: 4, offset: 1, max: 61 });
    expect(c.text.maxWords).toBe(15);
    expect(c.text.vocab).toContain('circle');
    expect(c.text.vocab).not.toContain('<bos>');
  });

  it('offers any multiple of the compression when the DiT has free spatial axes', () => {
    const free = structuredClone(manifest);
    free.files.dit.inputs[0]!.shape = ['B', 33, 'T', 'H', 'W'];
    expect(modelConstraints(free).width).toEqual({ multiple: 8, min: 8, max: 4096 });
  });
});
