import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ffmpegPath, locateFfmpeg } from '../src/ffmpeg';

const tmp = mkdtempSync(join(tmpdir(), 'rg-ffmpeg-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const none = () => undefined;
const version = (bin: string) => execFileSync(bin, ['-hide_banner', '-version'], { encoding: 'utf8' });

describe('finding ffmpeg', () => {
  it('uses the static build the installer package put there for this platform', () => {
    const bundled = locateFfmpeg({ env: {} });
    expect(bundled).toMatch(/@ffmpeg-installer[\\/][a-z0-9]+-[a-z0-9]+[\\/]ffmpeg(\.exe)?$/);
    expect(version(bundled)).toMatch(/^ffmpeg version/);
    expect(ffmpegPath()).toBe(process.env.REELGRAPH_FFMPEG || bundled);
  });

  it('falls back to an ffmpeg on the PATH when no platform package is installed', () => {
    // A "system" ffmpeg in a folder on the PATH: a link to a real binary, so the test needs no apt.
    const bin = join(tmp, 'bin');
    mkdirSync(bin);
    symlinkSync(locateFfmpeg({ env: {} }), join(bin, 'ffmpeg'));
    const found = locateFfmpeg({ env: { PATH: [join(tmp, 'empty'), bin].join(delimiter) }, bundled: none });
    expect(found).toBe(join(bin, 'ffmpeg'));
    expect(version(found)).toMatch(/^ffmpeg version/);
  });

  it('prefers REELGRAPH_FFMPEG, skips a folder or a file that cannot run, and names plain "ffmpeg" when none is found', () => {
    const custom = join(tmp, 'my-ffmpeg');
    writeFileSync(custom, '');
    expect(locateFfmpeg({ env: { REELGRAPH_FFMPEG: custom } })).toBe(custom);
    expect(locateFfmpeg({ env: { PATH: '' }, bundled: () => custom })).toBe('ffmpeg'); // not executable
    const dirs = join(tmp, 'dirs');
    mkdirSync(join(dirs, 'ffmpeg'), { recursive: true });
    expect(locateFfmpeg({ env: { PATH: dirs, REELGRAPH_FFMPEG: join(tmp, 'gone') }, bundled: none })).toBe(
      'ffmpeg',
    );
    expect(locateFfmpeg({ env: { Path: dirs }, platform: 'win32', bundled: none })).toBe('ffmpeg');
  });
});
