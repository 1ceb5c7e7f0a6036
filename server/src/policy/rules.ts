import { readFileSync } from 'node:fs';
import { tokenize } from './normalize';

/**
 * A prompt policy (`serve --policy policy.json`, format in docs/security.md): rules that refuse a job,
 * or let it run with a warning, when any text input of any node matches.
 */
export interface PolicyRule {
  id: string;
  category: string;
  action: 'refuse' | 'warn';
  /** Words or phrases, matched as whole words after folding (normalize.ts); "s", "ed", "ing" … endings too. */
  terms?: string[];
  /** Co-occurrence: a term from every set within `within` words of each other. */
  near?: { sets: string[][]; within: number };
  /** Regular expressions (case-insensitive) over the folded text with words joined by single spaces. */
  patterns?: string[];
  /** Shown to the user on refusal; default: the category. */
  message?: string;
}

/** A pack's classifier node the policy runs (`defineClassifier`, contract in docs/plugins.md). */
export interface PolicyClassifier {
  /** The classifier's node type. */
  node: string;
  /** Refuse at or above this score; default: the classifier's own threshold. */
  threshold?: number;
}

export interface PolicyFile {
  version: 1;
  rules: PolicyRule[];
  classifiers?: PolicyClassifier[];
}

/** A rule ready to match: terms as folded keys. */
export interface CompiledRule {
  rule: PolicyRule;
  near?: { sets: Set<string>[]; within: number };
  patterns: RegExp[];
}

export interface CompiledPolicy {
  rules: CompiledRule[];
  /** Folded term (words concatenated) → the rules that list it. */
  terms: Map<string, CompiledRule[]>;
  /** Terms of `near` sets → their rules (matched in the same pass as terms). */
  nearTerms: Map<string, CompiledRule[]>;
  /** Longest folded term, bounding how many words the matcher rejoins. */
  maxTermLength: number;
  classifiers: PolicyClassifier[];
}

/** A term's key: its folded words concatenated, so "self harm", "self-harm" and "s e l f h a r m" meet. */
export function termKey(term: string): string {
  return tokenize(term)
    .map((t) => t.word)
    .join('');
}

const ID = /^[A-Za-z0-9._-]{1,64}$/;

function fail(where: string, message: string): never {
  throw new Error(`policy: ${where}: ${message}`);
}

function stringList(v: unknown, where: string): string[] {
  if (!Array.isArray(v) || v.some((s) => typeof s !== 'string' || s.trim() === '' || s.length > 200))
    fail(where, 'must be a list of non-empty strings (at most 200 characters each)');
  return v as string[];
}

/** Check a parsed policy document; throws with the rule and field at fault. */
export function parsePolicy(doc: unknown): PolicyFile {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) fail('file', 'must be a JSON object');
  const { version, rules, classifiers } = doc as Record<string, unknown>;
  if (version !== 1) fail('version', 'must be 1');
  for (const k of Object.keys(doc)) {
    if (!['version', 'rules', 'classifiers'].includes(k)) fail('file', `unknown field "${k}"`);
  }
  if (!Array.isArray(rules)) fail('rules', 'must be a list');
  const seen = new Set<string>();
  const out = rules.map((r, i): PolicyRule => {
    const where = `rules[${i}]`;
    if (typeof r !== 'object' || r === null) fail(where, 'must be an object');
    const o = r as Record<string, unknown>;
    for (const k of Object.keys(o)) {
      if (!['id', 'category', 'action', 'terms', 'near', 'patterns', 'message'].includes(k))
        fail(where, `unknown field "${k}"`);
    }
    if (typeof o.id !== 'string' || !ID.test(o.id)) fail(where, 'id must be 1–64 of A-Z a-z 0-9 . _ -');
    if (seen.has(o.id)) fail(where, `id "${o.id}" appears twice`);
    seen.add(o.id);
    const at = `rule ${o.id}`;
    if (typeof o.category !== 'string' || o.category === '') fail(at, 'category must be a non-empty string');
    if (o.action !== 'refuse' && o.action !== 'warn') fail(at, 'action must be "refuse" or "warn"');
    const rule: PolicyRule = { id: o.id, category: o.category, action: o.action };
    if (o.terms !== undefined) rule.terms = stringList(o.terms, `${at}.terms`);
    if (o.patterns !== undefined) {
      rule.patterns = stringList(o.patterns, `${at}.patterns`);
      for (const p of rule.patterns) {
        try {
          new RegExp(p, 'iu');
        } catch (err) {
          fail(`${at}.patterns`, `"${p}" is not a valid regular expression: ${(err as Error).message}`);
        }
      }
    }
    if (o.near !== undefined) {
      const n = o.near as Record<string, unknown>;
      if (typeof n !== 'object' || n === null || !Array.isArray(n.sets) || n.sets.length < 2)
        fail(`${at}.near`, 'must be { sets: [[…], […]], within: n } with at least two sets');
      const within = n.within;
      if (!Number.isInteger(within) || (within as number) < 1 || (within as number) > 100)
        fail(`${at}.near.within`, 'must be an integer from 1 to 100');
      rule.near = {
        sets: n.sets.map((s, j) => stringList(s, `${at}.near.sets[${j}]`)),
        within: within as number,
      };
    }
    if (o.message !== undefined) {
      if (typeof o.message !== 'string') fail(at, 'message must be a string');
      rule.message = o.message;
    }
    if (!rule.terms?.length && !rule.patterns?.length && !rule.near)
      fail(at, 'needs terms, patterns or near');
    return rule;
  });
  return {
    version: 1,
    rules: out,
    ...(classifiers !== undefined ? { classifiers: parseClassifiers(classifiers) } : {}),
  };
}

function parseClassifiers(v: unknown): PolicyClassifier[] {
  if (!Array.isArray(v)) fail('classifiers', 'must be a list');
  return v.map((c, i): PolicyClassifier => {
    const where = `classifiers[${i}]`;
    if (typeof c !== 'object' || c === null) fail(where, 'must be an object');
    const { node, threshold, ...rest } = c as Record<string, unknown>;
    const extra = Object.keys(rest)[0];
    if (extra !== undefined) fail(where, `unknown field "${extra}"`);
    if (typeof node !== 'string' || node === '') fail(where, 'node must be a node type');
    if (threshold === undefined) return { node };
    if (typeof threshold !== 'number' || !(threshold > 0 && threshold <= 1))
      fail(where, 'threshold must be a number in (0, 1]');
    return { node, threshold };
  });
}

export function compilePolicy(policy: PolicyFile): CompiledPolicy {
  const terms = new Map<string, CompiledRule[]>();
  const nearTerms = new Map<string, CompiledRule[]>();
  let maxTermLength = 1;
  const add = (map: Map<string, CompiledRule[]>, term: string, c: CompiledRule) => {
    const key = termKey(term);
    if (!key) return '';
    maxTermLength = Math.max(maxTermLength, key.length);
    const list = map.get(key) ?? [];
    if (!list.includes(c)) list.push(c);
    map.set(key, list);
    return key;
  };
  const rules = policy.rules.map((rule) => {
    const c: CompiledRule = { rule, patterns: (rule.patterns ?? []).map((p) => new RegExp(p, 'iu')) };
    for (const t of rule.terms ?? []) add(terms, t, c);
    if (rule.near) {
      c.near = {
        within: rule.near.within,
        sets: rule.near.sets.map((set) => new Set(set.map((t) => add(nearTerms, t, c)).filter(Boolean))),
      };
    }
    return c;
  });
  return { rules, terms, nearTerms, maxTermLength, classifiers: policy.classifiers ?? [] };
}

export function loadPolicy(file: string): CompiledPolicy {
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`policy: cannot read ${file}: ${(err as Error).message}`);
  }
  return compilePolicy(parsePolicy(doc));
}
