import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonDepthExceeds } from '../src/json-depth';
import { measureJson } from '../src/json-size';
import { parseGraph } from '../src/parse';
import { MAX_DEPTH } from '../src/validate';
import { catalog } from './catalog';

describe('jsonDepthExceeds', () => {
  it('agrees with the depth of the parsed value, whatever the strings hold', () => {
    const text = fc.string({ unit: fc.constantFrom('[', ']', '{', '}', '"', '\\', 'a', 'é') });
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 8, stringUnit: 'binary' }), text, (value, s) => {
        const json = JSON.stringify([value, s, { [s]: s }]);
        for (const max of [1, 2, 4, 9, 12]) {
          expect(jsonDepthExceeds(json, max), `${json} @${max}`).toBe(
            measureJson(JSON.parse(json), Number.MAX_SAFE_INTEGER, max).tooDeep,
          );
        }
      }),
      { numRuns: 500 },
    );
  });

  it('counts brackets, not the text around them', () => {
    expect(jsonDepthExceeds('[[1]]', 2)).toBe(false);
    expect(jsonDepthExceeds('[[[1]]]', 2)).toBe(true);
    expect(jsonDepthExceeds('{"a":{"b":"[[[[{{{"}}', 2)).toBe(false);
    expect(jsonDepthExceeds('["\\"[[[["]', 1)).toBe(false);
    expect(jsonDepthExceeds('["\\\\",[[1]]]', 2)).toBe(true);
    // Unclosed strings and stray closers neither throw nor go below zero.
    expect(jsonDepthExceeds('"[[[[', 1)).toBe(false);
    expect(jsonDepthExceeds(']]]]][[', 1)).toBe(true);
  });

  it('reads a million levels in one pass, stopping at the limit', () => {
    const deep = `${'{"a":'.repeat(1_000_000)}1${'}'.repeat(1_000_000)}`;
    expect(jsonDepthExceeds(deep, 32)).toBe(true);
    expect(jsonDepthExceeds(deep, 2_000_000)).toBe(false);
  });
});

describe('parseGraph and deep documents', () => {
  it('refuses deep nesting before parsing, with the validator’s message', () => {
    const meta = `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`;
    const r = parseGraph(`{"version":1,"nodes":{},"meta":${meta}}`, catalog);
    expect(r.doc).toBeUndefined();
    expect(r.errors).toEqual([
      expect.objectContaining({ code: 'invalid_document', message: expect.stringContaining(`${MAX_DEPTH}`) }),
    ]);
  });
});
