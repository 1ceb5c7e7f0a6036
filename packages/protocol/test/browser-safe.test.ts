import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const src = new URL('../src/', import.meta.url);
const files = readdirSync(src).filter((f) => f.endsWith('.ts'));

describe('the protocol package runs in the browser', () => {
  it('imports no Node module, and only types from the Node-side packages', () => {
    expect(files.length).toBeGreaterThan(3);
    for (const f of files) {
      const text = readFileSync(new URL(f, src), 'utf8');
      const imports = [...text.matchAll(/^import (type )?[^;]*? from '([^']+)';/gms)];
      for (const [line, typeOnly, from] of imports) {
        expect(from, `${f}: ${line}`).not.toMatch(/^node:/);
        if (from?.startsWith('@reelgraph/')) expect(typeOnly, `${f}: ${line}`).toBe('type ');
        if (!from?.startsWith('.') && !from?.startsWith('@reelgraph/'))
          expect(from, `${f}: ${line}`).toBe('@sinclair/typebox');
      }
    }
  });
});
