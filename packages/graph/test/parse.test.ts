import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseGraph } from '../src';
import { findDuplicateKeys } from '../src/json-keys';
import { baseDoc, catalog } from './catalog';

const text = (v: unknown) => JSON.stringify(v, null, 2);

describe('parseGraph', () => {
  it('returns the document and no errors for a valid graph', () => {
    const { doc, errors } = parseGraph(text(baseDoc()), catalog);
    expect(errors).toEqual([]);
    expect(doc).toEqual(baseDoc());
  });

  it('reports broken JSON as invalid_json with line and column', () => {
    const broken = '{\n  "version": 1,\n  "nodes": {,}\n}';
    const { doc, errors } = parseGraph(broken, catalog);
    expect(doc).toBeUndefined();
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({
      code: 'invalid_json',
      nodeId: null,
      location: { line: 3, column: 13 },
    });
    expect(errors[0]!.message).toMatch(/^Invalid JSON at line 3, column 13: /);
  });

  it('reports truncated JSON at its end', () => {
    const { errors } = parseGraph('{"version": 1, "nodes": {', catalog);
    expect(errors).toMatchObject([{ code: 'invalid_json', location: { line: 1, column: 26 } }]);
  });

  it('checks the size before parsing', () => {
    // Not JSON at all: only the size check can have produced this error.
    const big = `{${'x'.repeat(2000)}`;
    expect(parseGraph(big, catalog, { maxBytes: 1000 })).toEqual({
      errors: [{ nodeId: null, code: 'document_too_large', message: expect.stringMatching(/1000 bytes/) }],
    });
  });

  it('counts UTF-8 bytes, not characters', () => {
    const doc = baseDoc();
    doc.meta!.description = 'é'.repeat(400); // 800 bytes, 400 characters
    const t = JSON.stringify(doc);
    expect(parseGraph(t, catalog, { maxBytes: t.length + 100 }).errors).toMatchObject([
      { code: 'document_too_large' },
    ]);
    expect(parseGraph(t, catalog, { maxBytes: t.length + 500 }).errors).toEqual([]);
  });

  it('finds duplicate node ids that JSON.parse would merge', () => {
    const t =
      '{"version":1,"nodes":{\n"a":{"type":"t.show","inputs":{}},\n"a":{"type":"t.int","inputs":{}}}}';
    const { errors } = parseGraph(t, catalog);
    expect(errors.find((e) => e.code === 'duplicate_id')).toMatchObject({
      nodeId: 'a',
      location: { line: 3, column: 1 },
      message: expect.stringMatching(/Node id "a" is used more than once/),
    });
  });

  it('sees through escapes in duplicate ids', () => {
    const t =
      '{"version":1,"nodes":{"ab":{"type":"t.int","inputs":{}},"a\\u0062":{"type":"t.int","inputs":{}}}}';
    expect(parseGraph(t, catalog).errors.filter((e) => e.code === 'duplicate_id')).toMatchObject([
      { nodeId: 'ab' },
    ]);
  });

  it('reports duplicate inputs and other duplicate keys as invalid_document', () => {
    const t =
      '{"version":1,"version":1,"nodes":{"s":{"type":"t.save","inputs":{"fps":24,"fps":25,"images":["d","images"]}},' +
      '"d":{"type":"t.decode","inputs":{"latent":["l","latent"]}},"l":{"type":"t.pass","inputs":{"value":["s","x"]}}}}';
    const errors = parseGraph(t, catalog).errors.filter((e) => e.code === 'invalid_document');
    expect(errors).toMatchObject([
      { nodeId: null, message: expect.stringMatching(/"version" appears more than once in the top level/) },
      { nodeId: 's', input: 'fps', message: expect.stringMatching(/input "fps" is given more than once/) },
    ]);
  });

  it('keeps a structurally sound document with semantic errors, so an editor can show them', () => {
    const doc = baseDoc();
    doc.nodes.dec!.type = 'missing.pack.decode';
    const r = parseGraph(text(doc), catalog);
    expect(r.errors).toMatchObject([{ code: 'unknown_node_type', nodeId: 'dec' }]);
    expect(r.doc?.nodes.dec?.type).toBe('missing.pack.decode');
  });

  it('drops the document when its structure is unsound', () => {
    const r = parseGraph('{"version":1,"nodes":{"a":{"type":"t.show","inputs":[]}}}', catalog);
    expect(r.doc).toBeUndefined();
    expect(r.errors.map((e) => e.code)).toContain('invalid_document');
    const future = parseGraph('{"version":7,"nodes":{}}', catalog);
    expect(future.doc).toBeUndefined();
    expect(future.errors).toMatchObject([{ code: 'unsupported_version' }]);
  });

  it('accepts a byte-order mark and keeps positions in the original text', () => {
    expect(parseGraph(`\uFEFF${text(baseDoc())}`, catalog).errors).toEqual([]);
    expect(parseGraph('\uFEFF{"a":', catalog).errors).toMatchObject([
      { code: 'invalid_json', location: { offset: 6 } },
    ]);
  });

  it('never throws on odd text', () => {
    for (const t of [
      '',
      ' ',
      'null',
      '[]',
      '"x"',
      '1e999',
      '{"__proto__":{"version":1}}',
      '['.repeat(100_000),
    ]) {
      const r = parseGraph(t, catalog);
      expect(r.errors.length, t.slice(0, 20)).toBeGreaterThan(0);
    }
    expect(parseGraph(42 as unknown as string, catalog).errors).toMatchObject([{ code: 'invalid_json' }]);
  });
});

describe('findDuplicateKeys', () => {
  it('tracks paths through arrays and nested objects', () => {
    const t = '{"meta":{"groups":[{"id":"g"},{"id":"h","id":"i"}]},"k":[{"x":1,"y":{"x":2}}]}';
    expect(findDuplicateKeys(t)).toEqual([{ path: ['meta', 'groups', '1'], key: 'id', offset: 40 }]);
  });

  it('reads keys with escaped quotes and trailing backslashes', () => {
    const t = JSON.stringify({ 'a"': 1, 'b\\': { c: 1 } }).replace('}}', '},"b\\\\":2,"a\\"":3}');
    expect(findDuplicateKeys(t).map((d) => d.key)).toEqual(['b\\', 'a"']);
  });

  it('agrees with JSON.parse on random JSON (no false duplicates)', () => {
    fc.assert(
      fc.property(fc.json(), (t) => {
        expect(findDuplicateKeys(t)).toEqual([]);
      }),
      { numRuns: 500 },
    );
  });

  it('is not fooled by braces, quotes and colons inside strings', () => {
    expect(findDuplicateKeys('{"a":"{\\"a\\":1}","b":"}","c":{"a":1}}')).toEqual([]);
  });
});
