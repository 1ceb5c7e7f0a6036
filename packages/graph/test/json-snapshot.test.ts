import { describe, expect, it } from 'vitest';
import { sameJson, snapshotJson } from '../src/json-snapshot';

describe('JSON snapshots', () => {
  it('finds a value equal to its snapshot until it changes in place', () => {
    const value = { type: 'x', inputs: { a: ['n1', 'out'], b: 2, c: 'text', d: true, e: null } };
    const snap = snapshotJson(value, 0, 32)!;
    expect(sameJson(value, snap.snapshot)).toBe(true);
    expect(sameJson(structuredClone(value), snap.snapshot)).toBe(true);
    value.inputs.b = 3;
    expect(sameJson(value, snap.snapshot)).toBe(false);
  });

  it('tells apart key order, added keys, -0 and array length', () => {
    const snap = snapshotJson({ a: 1, b: [0, 1] }, 0, 32)!.snapshot;
    expect(sameJson({ b: [0, 1], a: 1 }, snap)).toBe(false);
    expect(sameJson({ a: 1, b: [0, 1], c: 2 }, snap)).toBe(false);
    expect(sameJson({ a: 1, b: [-0, 1] }, snap)).toBe(false);
    expect(sameJson({ a: 1, b: [0, 1, 2] }, snap)).toBe(false);
    expect(sameJson({ a: 1, b: { 0: 0, 1: 1 } }, snap)).toBe(false);
  });

  it('refuses values their JSON text does not show exactly, and ones too deep', () => {
    for (const v of [undefined, Number.NaN, new Date(0), new Map(), () => 1, { a: undefined }, [1n]]) {
      expect(snapshotJson({ v }, 0, 32)).toBeUndefined();
    }
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    expect(snapshotJson(circular, 0, 32)).toBeUndefined();
    expect(snapshotJson({ a: { b: 1 } }, 0, 1)).toBeUndefined();
    expect(snapshotJson({ a: { b: 1 } }, 0, 2)).toBeDefined();
  });

  it('bounds the JSON size from above', () => {
    const value = { id: 'é"\n', list: [1.2345678901234567e-308, true, null], s: '😀' };
    expect(snapshotJson(value, 0, 32)!.upper).toBeGreaterThanOrEqual(
      new TextEncoder().encode(JSON.stringify(value)).length,
    );
  });
});
