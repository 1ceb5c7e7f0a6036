import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compilePack } from '../src/compile-pack';
import { importModule } from '../src/import-module';

const dir = mkdtempSync(path.join(os.tmpdir(), 'rg-import-'));
const entry = path.join(dir, 'src', 'index.ts');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const source = (word: string) => `type Word = { text: string };
const word: Word = { text: '${word}' };
export const say = () => word.text;
export function boom(): never {
  throw new Error(word.text);
}
`;

describe('importModule (packs compiled once, cached by their sources)', () => {
  it('imports TypeScript, evaluates afresh after an edit, and maps failures back to the source', async () => {
    await mkdir(path.dirname(entry), { recursive: true });
    writeFileSync(entry, source('first'));
    const first = await importModule(entry, { freshUnder: dir });
    expect((first.exports.say as () => string)()).toBe('first');
    expect(first.files).toContain(new URL(`file://${entry}`).href);

    writeFileSync(entry, source('second'));
    const second = await importModule(entry, { freshUnder: dir });
    expect((second.exports.say as () => string)()).toBe('second');

    let stack = '';
    try {
      (second.exports.boom as () => never)();
    } catch (err) {
      stack = (err as Error).stack ?? '';
    }
    expect(stack).toContain(`${entry}:5:9`);
  });

  it('compiles again when the cached build is gone (cleared, or replaced by another process)', async () => {
    rmSync((await compilePack(entry, dir)).module);
    const after = await importModule(entry, { freshUnder: dir });
    expect((after.exports.say as () => string)()).toBe('second');
  });
});
