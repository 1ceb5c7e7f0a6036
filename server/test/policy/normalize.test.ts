import { describe, expect, it } from 'vitest';
import { matchText } from '../../src/policy/match';
import { tokenize } from '../../src/policy/normalize';
import { compilePolicy, parsePolicy, termKey } from '../../src/policy/rules';

const words = (s: string) => tokenize(s).map((t) => t.word);

describe('policy normalisation', () => {
  it('folds case, compatibility forms, confusables, accents and zero-width characters', () => {
    expect(words('KILL ｋｉｌｌ 𝐤𝐢𝐥𝐥 kіll kíll ki\u200bll')).toEqual(Array(6).fill(termKey('kill')));
  });

  it('folds digit and symbol swaps the same way in terms and in text', () => {
    expect(termKey('k1ll')).toBe(termKey('kill'));
    expect(termKey('$@rin')).toBe(termKey('sarin'));
    expect(words('kill! 2000')).toEqual([termKey('kill'), '2000']);
  });

  it('counts spaced-out and punctuated spellings as one word for distances', () => {
    expect(tokenize('a s e x y k i d').map((t) => t.index)).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    expect(tokenize('big s.e.x.y kid').map((t) => t.index)).toEqual([0, 1, 1, 1, 1, 2]);
  });

  it('matches whole words (and their endings), never inside a longer word', () => {
    const policy = compilePolicy(
      parsePolicy({
        version: 1,
        rules: [{ id: 'r', category: 'c', action: 'refuse', terms: ['grape', 'ass'] }],
      }),
    );
    expect(matchText('grapes and a donkey', policy)).toHaveLength(1);
    expect(matchText('an a s s', policy)).toHaveLength(1);
    expect(matchText('a class of assassins passing grapefruit', policy)).toHaveLength(0);
  });

  it('rejects a malformed policy naming the rule and field', () => {
    expect(() =>
      parsePolicy({ version: 1, rules: [{ id: 'x', category: 'c', action: 'block', terms: ['a'] }] }),
    ).toThrow(/rule x: action must be "refuse" or "warn"/);
    expect(() => parsePolicy({ version: 1, rules: [{ id: 'x', category: 'c', action: 'warn' }] })).toThrow(
      /needs terms, patterns or near/,
    );
  });
});
