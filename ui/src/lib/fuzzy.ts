import type { NodeSchema } from '@reelgraph/graph';

/**
 * Score `query` against `text`: every query character must appear in order (a subsequence). Runs of
 * consecutive characters, word starts and an early first match score higher. -1 when it does not match.
 */
export function fuzzyScore(query: string, text: string): number {
  const q = query.toLowerCase();
  const t = text.toLowerCase();
  if (!q) return 0;
  const direct = t.indexOf(q);
  if (direct >= 0) return 1000 - direct + (direct === 0 || /[\s._-]/.test(t[direct - 1] ?? '') ? 200 : 0);
  let score = 0;
  let ti = 0;
  let run = 0;
  for (const ch of q) {
    if (ch === ' ') continue;
    const found = t.indexOf(ch, ti);
    if (found < 0) return -1;
    run = found === ti ? run + 1 : 0;
    const wordStart = found === 0 || /[\s._-]/.test(t[found - 1] ?? '');
    score += 10 + run * 5 + (wordStart ? 15 : 0) - Math.min(found - ti, 10);
    ti = found + 1;
  }
  return score;
}

/**
 * How a word matched a node, best first: exact name, name prefix (of the title or a word of it), name
 * substring, fuzzy in the name, category, a word of the description. Fuzzy subsequences count in names
 * only: in a long description almost any word is a subsequence ("sampler" in "…subtract, multiply…").
 */
enum Tier {
  Exact,
  Prefix,
  Substring,
  Fuzzy,
  Category,
  Description,
}

const WORD_START = /(^|[\s._/-])/.source;

function startsWord(text: string, word: string): boolean {
  return new RegExp(`${WORD_START}${word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`, 'i').test(text);
}

function matchWord(word: string, n: NodeSchema): { tier: Tier; score: number } | undefined {
  const w = word.toLowerCase();
  const title = n.title.toLowerCase();
  const id = n.type.toLowerCase();
  const name = id.slice(id.lastIndexOf('.') + 1);
  if (title === w || name === w) return { tier: Tier.Exact, score: 0 };
  if (startsWord(n.title, w) || startsWord(name, w)) return { tier: Tier.Prefix, score: -title.length };
  if (title.includes(w) || id.includes(w)) return { tier: Tier.Substring, score: fuzzyScore(w, title) };
  const fuzzy = Math.max(fuzzyScore(w, n.title), fuzzyScore(w, n.type));
  if (fuzzy >= 0) return { tier: Tier.Fuzzy, score: fuzzy };
  if (n.category.toLowerCase().includes(w)) return { tier: Tier.Category, score: 0 };
  if (startsWord(n.description, w)) return { tier: Tier.Description, score: 0 };
  return undefined;
}

/**
 * Rank node types for the search palette: every word must match; a node ranks by its worst word's tier
 * (exact and prefix matches first), then by score. Nodes that match only through their description are
 * listed only when no node matches by name or category.
 */
export function searchNodes(nodes: NodeSchema[], query: string): NodeSchema[] {
  const q = query.trim();
  if (!q)
    return [...nodes].sort((a, b) => a.category.localeCompare(b.category) || a.title.localeCompare(b.title));
  const words = q.split(/\s+/);
  const scored: { n: NodeSchema; tier: Tier; score: number }[] = [];
  for (const n of nodes) {
    let tier = Tier.Exact;
    let score = 0;
    let ok = true;
    for (const word of words) {
      const m = matchWord(word, n);
      if (!m) {
        ok = false;
        break;
      }
      tier = Math.max(tier, m.tier);
      score += m.score;
    }
    if (ok) scored.push({ n, tier, score });
  }
  const byName = scored.some((x) => x.tier < Tier.Description);
  return scored
    .filter((x) => !byName || x.tier < Tier.Description)
    .sort((a, b) => a.tier - b.tier || b.score - a.score || a.n.title.localeCompare(b.n.title))
    .map((x) => x.n);
}
