import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { measureJson, utf8Bytes } from '../src/json-size';

describe('measureJson', () => {
  it('puts the limit exactly at the size JSON.stringify writes', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4, stringUnit: 'binary' }), (value) => {
        const size = utf8Bytes(JSON.stringify(value));
        expect(measureJson(value, size, 64).tooLarge).toBe(false);
        expect(measureJson(value, size - 1, 64).tooLarge).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('counts escapes, multi-byte characters and surrogate pairs', () => {
    for (const s of ['"\\\n\u0001', 'é節😀', '\ud800', 'plain']) {
      const size = utf8Bytes(JSON.stringify({ [s]: [s, 1.5e-300, -0, true, null] }));
      expect(measureJson({ [s]: [s, 1.5e-300, -0, true, null] }, size - 1, 8).tooLarge, s).toBe(true);
      expect(measureJson({ [s]: [s, 1.5e-300, -0, true, null] }, size, 8).tooLarge, s).toBe(false);
    }
  });

  it('stops at the depth limit', () => {
    expect(measureJson([[[1]]], 100, 3).tooDeep).toBe(false);
    expect(measureJson([[[[1]]]], 100, 3).tooDeep).toBe(true);
  });
});
