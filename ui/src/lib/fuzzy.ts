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

/** Rank node types for the search palette by title, type id, category and description (in that weight). */
export function searchNodes(nodes: NodeSchema[], query: string): NodeSchema[] {
  const q = query.trim();
  if (!q)
    return [...nodes].sort((a, b) => a.category.localeCompare(b.category) || a.title.localeCompare(b.title));
  const scored: { n: NodeSchema; s: number }[] = [];
  for (const n of nodes) {
    // Every word must match somewhere; the best field counts, weighted.
    let total = 0;
    let ok = true;
    for (const word of q.split(/\s+/)) {
      const s = Math.max(
        fuzzyScore(word, n.title) * 3,
        fuzzyScore(word, n.type) * 2,
        fuzzyScore(word, n.category) * 1.5,
        fuzzyScore(word, n.description),
      );
      if (s < 0) {
        ok = false;
        break;
      }
      total += s;
    }
    if (ok) scored.push({ n, s: total });
  }
  return scored.sort((a, b) => b.s - a.s || a.n.title.localeCompare(b.n.title)).map((x) => x.n);
}
