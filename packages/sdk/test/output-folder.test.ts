import { existsSync, mkdirSync, mkdtempSync, readdirSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { outputTarget } from '../src/output-folder';

const tmp = realpathSync(mkdtempSync(join(tmpdir(), 'rg-output-folder-')));
const outputs = join(tmp, 'outputs');
const outside = join(tmp, 'outside');
mkdirSync(outputs);
mkdirSync(outside);
symlinkSync(outside, join(outputs, 'x'));
mkdirSync(join(outputs, 'real'));
symlinkSync(join(outputs, 'real'), join(outputs, 'alias'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('outputTarget', () => {
  it('makes the folders a prefix names, inside the real output folder', async () => {
    const t = await outputTarget(outputs, 'clips/day1/run');
    expect(t).toEqual({ root: outputs, dir: join(outputs, 'clips/day1'), base: 'run' });
    expect(existsSync(t.dir)).toBe(true);
    expect(await outputTarget(outputs, 'run')).toEqual({ root: outputs, dir: outputs, base: 'run' });
  });

  it('follows a link that stays inside the output folder', async () => {
    expect((await outputTarget(outputs, 'alias/run')).dir).toBe(join(outputs, 'real'));
  });

  it('refuses a folder linked to outside, and makes nothing there', async () => {
    await expect(outputTarget(outputs, 'x/name')).rejects.toThrow(/out of the output folder through a link/);
    await expect(outputTarget(outputs, 'x/deeper/name')).rejects.toThrow(/through a link/);
    expect(readdirSync(outside)).toEqual([]);
  });

  it('refuses prefixes that are not relative names', async () => {
    for (const prefix of ['../escape', '/etc/x', 'a/../../b', '.hidden', 'a//b', ''])
      await expect(outputTarget(outputs, prefix), prefix).rejects.toThrow(/must be a relative name/);
  });
});
