/**
 * Link accounting: which ComfyUI links the imported Reelgraph graph still carries. A link survives
 * when the Reelgraph nodes its origin became feed the Reelgraph nodes its target became; a folded node
 * (guider, scheduler, model patch …) stands for what feeds it on the origin side and for what it feeds
 * on the target side. A link out of a folded node that nothing feeds carries settings only, which the
 * consumer took in. Anything else is lost, and the importer keeps a node foreign until nothing is.
 */
import { type GraphDocument, isLink } from '@reelgraph/graph';
import { type ComfyGraph, isRef } from './format';

export interface ComfyLink {
  origin: string;
  slot: number;
  target: string;
  input: string;
}

/** What the import made of each ComfyUI node. */
export interface Outcome {
  /** ComfyUI id → the Reelgraph node ids it became (mapped and foreign nodes). */
  became: ReadonlyMap<string, readonly string[]>;
  folded: ReadonlySet<string>;
  /**
   * What consumers of output `"id#slot"` were given: the Reelgraph nodes its links come from ([] for
   * settings only); absent when they were given nothing (a muted node's output).
   */
  carried: ReadonlyMap<string, readonly string[]>;
}

/** Every link between two nodes of the graph (after reroutes; primitives' links are values by now). */
export function comfyLinks(g: ComfyGraph): ComfyLink[] {
  const ids = new Set(g.nodes.map((n) => n.id));
  return g.nodes.flatMap((n) =>
    Object.entries(n.inputs).flatMap(([input, v]) =>
      isRef(v) && ids.has(v.ref) ? [{ origin: v.ref, slot: v.slot, target: n.id, input }] : [],
    ),
  );
}

export function lostLinks(g: ComfyGraph, doc: GraphDocument, outcome: Outcome): ComfyLink[] {
  const links = comfyLinks(g);
  const feeds = new Set<string>();
  for (const [id, node] of Object.entries(doc.nodes))
    for (const v of Object.values(node.inputs)) if (isLink(v)) feeds.add(`${v[0]}>${id}`);
  const outOf = new Map<string, ComfyLink[]>();
  for (const l of links) outOf.set(l.origin, [...(outOf.get(l.origin) ?? []), l]);

  /**
   * Whether Reelgraph nodes `from` feed what ComfyUI node `target` became; through a folded target to
   * what it feeds, and through a target's outputs that pass the same flow on (WanImageToVideo's
   * conditioning) to what those feed.
   */
  const reaches = (from: readonly string[], target: string, seen: Set<string>): boolean => {
    if (seen.has(target)) return false;
    seen.add(target);
    const folded = outcome.folded.has(target);
    if (!folded && (outcome.became.get(target) ?? []).some((b) => from.some((a) => feeds.has(`${a}>${b}`))))
      return true;
    return (outOf.get(target) ?? []).some((l) => {
      const passed = outcome.carried.get(`${target}#${l.slot}`) ?? [];
      return (folded || passed.some((r) => from.includes(r))) && reaches(from, l.target, seen);
    });
  };
  const standsIn = (target: string, seen = new Set<string>()): boolean => {
    if (seen.has(target)) return false;
    seen.add(target);
    return !outcome.folded.has(target) || (outOf.get(target) ?? []).some((l) => standsIn(l.target, seen));
  };
  return links.filter((l) => {
    const from = outcome.carried.get(`${l.origin}#${l.slot}`);
    if (!from) return true;
    if (from.length === 0) return !standsIn(l.target); // settings, taken in by the consumer
    return !reaches(from, l.target, new Set());
  });
}
