import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { matchText } from '../../src/policy/match';
import { loadPolicy } from '../../src/policy/rules';

const here = path.dirname(new URL(import.meta.url).pathname);
const policy = loadPolicy(path.join(here, '..', '..', '..', 'policies', 'example.json'));
const lines = (file: string) =>
  readFileSync(path.join(here, file), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.startsWith('#'));

const LEET: Record<string, string> = { a: '4', e: '3', i: '1', o: '0', s: '5', t: '7' };
const CYRILLIC: Record<string, string> = { a: 'а', e: 'е', o: 'о', p: 'р', c: 'с', x: 'х', y: 'у' };

/** Mechanical evasions of a prompt, each applied to every word longer than two letters. */
const EVASIONS: Record<string, (s: string) => string> = {
  leet: (s) => s.replace(/[aeiost]/g, (c) => LEET[c] ?? c),
  spaced: (s) => s.replace(/\b\w{3,}\b/g, (w) => [...w].join(' ')),
  dotted: (s) => s.replace(/\b\w{3,}\b/g, (w) => [...w].join('.')),
  zeroWidth: (s) => s.replace(/\b\w{3,}\b/g, (w) => [...w].join('\u200b')),
  cyrillic: (s) => s.replace(/[aeopcxy]/g, (c) => CYRILLIC[c] ?? c),
  fullwidth: (s) => s.replace(/[a-z]/gi, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0)),
  upper: (s) => s.toUpperCase(),
  accents: (s) => s.replace(/[aeiou]/g, (c) => `${c}\u0301`),
};

const refused = (text: string) => matchText(text, policy).some((h) => h.action === 'refuse');

describe('example policy corpus', () => {
  const mustRefuse = lines('refuse.txt');
  const mustPass = lines('pass.txt');

  it('ships at least 200 prompts of each kind', () => {
    expect(mustRefuse.length * (1 + Object.keys(EVASIONS).length)).toBeGreaterThanOrEqual(200);
    expect(mustRefuse.length).toBeGreaterThanOrEqual(150);
    expect(mustPass.length).toBeGreaterThanOrEqual(200);
  });

  it('refuses at least 99 % of the must-refuse prompts and their evasion variants', () => {
    const cases = mustRefuse.flatMap((p) => [
      { p, how: 'as written' },
      ...Object.entries(EVASIONS).map(([how, f]) => ({ p: f(p), how })),
    ]);
    const missed = cases.filter((c) => !refused(c.p));
    // the misses are listed so a drop below the bar says what slipped through
    expect(missed.length / cases.length, JSON.stringify(missed.slice(0, 20), null, 1)).toBeLessThanOrEqual(
      0.01,
    );
  });

  it('lets at least 99 % of the must-pass prompts through', () => {
    const wrong = mustPass
      .map((p) => ({ p, hits: matchText(p, policy).filter((h) => h.action === 'refuse') }))
      .filter((c) => c.hits.length > 0);
    expect(wrong.length / mustPass.length, JSON.stringify(wrong, null, 1)).toBeLessThanOrEqual(0.01);
  });

  it('warns without refusing on the warn-only rules', () => {
    const hits = matchText('Suicide Squad style movie poster', policy);
    expect(hits).toEqual([expect.objectContaining({ ruleId: 'self-harm.mention', action: 'warn' })]);
  });
});
