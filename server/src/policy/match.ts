import { type Token, tokenize } from './normalize';
import type { CompiledPolicy, CompiledRule, PolicyRule } from './rules';

export interface PolicyHit {
  ruleId: string;
  category: string;
  action: PolicyRule['action'];
  /** The words of the input that matched, as written (at most 80 characters). */
  match: string;
}

/** Inflections a term matches too ("nude" → "nudes", "behead" → "beheading"). */
const SUFFIXES = ['s', 'es', 'd', 'ed', 'ing', 'er', 'ers'];

/** Candidate keys for a run of words: the run itself and its stems. */
function keys(run: string, out: string[]): string[] {
  out.length = 0;
  out.push(run);
  const last = run.charCodeAt(run.length - 1);
  // only s, d, g, r end a suffix: most runs skip the loop
  if (last === 115 || last === 100 || last === 103 || last === 114) {
    for (const s of SUFFIXES) {
      if (run.length - s.length >= 3 && run.endsWith(s)) out.push(run.slice(0, -s.length));
    }
  }
  return out;
}

/** Every rule of `policy` that `text` breaks, at most one hit per rule (the first). */
export function matchText(text: string, policy: CompiledPolicy): PolicyHit[] {
  const tokens = tokenize(text);
  const hits = new Map<CompiledRule, PolicyHit>();
  // near rules: folded key → word indexes where it starts
  const nearAt = new Map<string, number[]>();
  const excerpt = (from: Token, to: Token) => {
    const s = text.slice(from.start, to.end);
    return s.length > 80 ? `${s.slice(0, 77)}…` : s;
  };
  const hit = (c: CompiledRule, from: Token, to: Token) => {
    if (hits.has(c)) return;
    const { id, category, action } = c.rule;
    hits.set(c, { ruleId: id, category, action, match: excerpt(from, to) });
  };
  // Rejoin runs of words, so spaced or punctuated spellings ("s e l f - h a r m") find their term.
  const limit = policy.maxTermLength + 3;
  const candidates: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    let run = '';
    for (let j = i; j < tokens.length; j++) {
      run += (tokens[j] as Token).word;
      if (run.length > limit) break;
      for (const k of keys(run, candidates)) {
        for (const c of policy.terms.get(k) ?? []) hit(c, tokens[i] as Token, tokens[j] as Token);
        if (policy.nearTerms.has(k)) {
          const at = nearAt.get(k) ?? [];
          at.push((tokens[i] as Token).index);
          nearAt.set(k, at);
        }
      }
    }
  }
  let plain: string | undefined;
  for (const c of policy.rules) {
    if (hits.has(c)) continue;
    if (c.near) {
      const found = nearMatch(c.near, nearAt);
      if (found !== undefined) {
        const from = tokens.find((t) => t.index === found.from) as Token;
        const to = tokens.findLast((t) => t.index === found.to) as Token;
        hit(c, from, to);
        continue;
      }
    }
    if (c.patterns.length > 0) {
      plain ??= tokens.map((t) => t.plain).join(' ');
      for (const re of c.patterns) {
        const m = re.exec(plain);
        if (m) {
          const { id, category, action } = c.rule;
          hits.set(c, { ruleId: id, category, action, match: m[0].slice(0, 80) });
          break;
        }
      }
    }
  }
  return [...hits.values()];
}

/** Positions where a term of every set lies within `within` words of the first set's term. */
function nearMatch(
  near: NonNullable<CompiledRule['near']>,
  nearAt: Map<string, number[]>,
): { from: number; to: number } | undefined {
  const positions = near.sets.map((set) => [...set].flatMap((k) => nearAt.get(k) ?? []));
  if (positions.some((p) => p.length === 0)) return undefined;
  const [first, ...rest] = positions as [number[], ...number[][]];
  for (const p of first) {
    const partners = rest.map((ps) => ps.find((q) => Math.abs(q - p) <= near.within));
    if (partners.every((q) => q !== undefined)) {
      const all = [p, ...(partners as number[])];
      return { from: Math.min(...all), to: Math.max(...all) };
    }
  }
  return undefined;
}
