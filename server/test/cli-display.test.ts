import { Writable } from 'node:stream';
import type { EngineEvent } from '@reelgraph/executor';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LiveDisplay, PlainDisplay } from '../src/commands/run-display';

/** A terminal-sized sink that keeps what was written. */
function terminal(rows = 24, columns = 80) {
  let text = '';
  const out = Object.assign(
    new Writable({
      write(chunk, _enc, cb) {
        text += chunk;
        cb();
      },
    }),
    { rows, columns, isTTY: true },
  );
  return { out, text: () => text };
}

const base = { jobId: 'j1', at: 0 };
const node = (nodeId: string, nodeType = 'core.math') => ({ ...base, nodeId, nodeType });
const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;?]*[A-Za-z]`, 'g');
const plain = (s: string) => s.replace(ANSI, '');

describe('LiveDisplay', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('draws a line per planned node and redraws them in place as events arrive', () => {
    const { out, text } = terminal();
    const d = new LiveDisplay(
      out,
      (id) => id,
      () => 'core.math',
    );
    const events: EngineEvent[] = [
      { ...base, type: 'job:started', planned: ['a', 'b', 'c', 'd'] },
      { ...node('a'), type: 'node:started' },
      { ...node('a'), type: 'node:done', durationMs: 12, artifacts: [] },
      { ...node('b'), type: 'node:started' },
      { ...node('b'), type: 'node:progress', step: 5, total: 10 },
      {
        ...node('c'),
        type: 'node:failed',
        durationMs: 1,
        error: { message: 'division by zero', name: 'Error' },
      },
      { ...node('d'), type: 'node:skipped', blockedBy: 'c' },
    ];
    for (const e of events) {
      d.handle(e);
      vi.advanceTimersByTime(100); // a frame between events
    }
    d.finish();
    const raw = text();
    expect(raw).toContain('\x1b[?25l'); // cursor hidden while drawing …
    expect(raw.endsWith('\x1b[?25h')).toBe(true); // … and shown again
    // The last frame, after the last "cursor up N lines, clear below".
    const last = plain(raw.slice(raw.lastIndexOf('\x1b[J') + 3))
      .trimEnd()
      .split('\n');
    expect(last).toHaveLength(4);
    expect(last[0]).toMatch(/^✓ a\s+core\.math\s+12 ms$/);
    expect(last[1]).toMatch(/^. b\s+core\.math\s+\[█{10}░{10}\] 5\/10/);
    expect(last[2]).toMatch(/^✗ c\s+core\.math\s+division by zero$/);
    expect(last[3]).toMatch(/^– d\s+core\.math\s+skipped \(needs c\)$/);
    expect(raw).toContain('\x1b[4F\x1b[J');
  });

  it('shows a count line and only active nodes when the plan is taller than the terminal', () => {
    const { out, text } = terminal(6);
    const d = new LiveDisplay(
      out,
      (id) => id,
      () => 'core.int',
    );
    const planned = Array.from({ length: 50 }, (_, i) => `n${i}`);
    d.handle({ ...base, type: 'job:started', planned });
    for (const id of planned.slice(0, 40)) d.handle({ ...node(id), type: 'node:cached', artifacts: [] });
    d.handle({ ...node('n40'), type: 'node:started' });
    vi.advanceTimersByTime(100);
    d.finish();
    const last = plain(text().slice(text().lastIndexOf('\x1b[J') + 3))
      .trimEnd()
      .split('\n');
    expect(last[0]).toBe('40/50 done (40 cached), 1 running, 0 failed, 0 skipped');
    expect(last.slice(1)).toEqual([expect.stringMatching(/^. n40 .*running/)]);
  });
});

describe('PlainDisplay', () => {
  it('writes one line per event and thins out progress', () => {
    const { out, text } = terminal();
    const d = new PlainDisplay(out, (id) => (id === 'a' ? 'Area' : id));
    d.handle({ ...base, type: 'job:started', planned: ['a'] });
    d.handle({ ...node('a'), type: 'node:started' });
    for (let step = 1; step <= 10; step++) d.handle({ ...node('a'), type: 'node:progress', step, total: 10 });
    d.handle({ ...node('a'), type: 'node:done', durationMs: 1500, artifacts: [] });
    expect(text().trimEnd().split('\n')).toEqual([
      'job j1 started: 1 node to run',
      '[Area] core.math started',
      '[Area] core.math 1/10',
      '[Area] core.math 10/10',
      '[Area] core.math done in 1.50 s',
    ]);
  });
});
