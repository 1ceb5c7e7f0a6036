import { describe, expect, it } from 'vitest';
import { toJsonValue } from '../src/json-value';
import { formatTemplate } from '../src/text';

describe('formatTemplate', () => {
  it('fills slots, keeps escaped and unknown braces, and leaves unset slots empty', () => {
    expect(formatTemplate('a {a} on {b}', { a: 'red ball', b: 'grass' })).toBe('a red ball on grass');
    expect(formatTemplate('{a}+{a}={b}', { a: 2, b: 4 })).toBe('2+2=4');
    expect(formatTemplate('{{a}} {x} {c}!', { a: 'no' })).toBe('{a} {x} !');
  });
});

describe('toJsonValue', () => {
  it('passes JSON through and summarises what JSON cannot hold', () => {
    expect(toJsonValue({ a: [1, 'x', true, null] })).toEqual({ a: [1, 'x', true, null] });
    expect(toJsonValue(Number.NaN)).toBe('NaN');
    expect(toJsonValue(undefined)).toBeNull();
    expect(toJsonValue(10n)).toBe('10');
    expect(toJsonValue({ data: new Float32Array(16), dims: [1, 16] })).toEqual({
      data: '[Float32Array(16)]',
      dims: [1, 16],
    });
    expect(toJsonValue(new Map([['k', new Set([1])]]))).toEqual({ k: [1] });
    const long = toJsonValue(Array.from({ length: 1005 }, (_, i) => i)) as unknown[];
    expect(long).toHaveLength(1001);
    expect(long[1000]).toBe('… 5 more');
    const deep = toJsonValue({ a: { b: { c: { d: { e: { f: { g: 1 } } } } } } });
    expect(JSON.stringify(deep)).toContain('{…}');
  });
});
