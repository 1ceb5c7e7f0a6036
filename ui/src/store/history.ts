import type { GraphState } from './types';

export const HISTORY_LIMIT = 100;
/** Edits with the same group key closer together than this are one undo step (typing, dragging a number). */
export const GROUP_WINDOW_MS = 1000;

export interface History {
  past: GraphState[];
  future: GraphState[];
  /** The group the last recorded step belongs to. */
  last?: { key: string; at: number };
}

export const emptyHistory = (): History => ({ past: [], future: [] });

/**
 * Remember `current` as an undo step before a change. With a `key`, a change that continues the
 * previous group (same key, within the window) does not add a step, so the group undoes at once.
 */
export function record(h: History, current: GraphState, key?: string, now = Date.now()): History {
  if (key && h.last?.key === key && now - h.last.at < GROUP_WINDOW_MS) {
    return { ...h, future: [], last: { key, at: now } };
  }
  const past = h.past.length >= HISTORY_LIMIT ? h.past.slice(1) : h.past.slice();
  past.push(snapshot(current));
  return { past, future: [], ...(key ? { last: { key, at: now } } : {}) };
}

export function snapshot(s: GraphState): GraphState {
  return { items: s.items, flow: s.flow, edges: s.edges, definitions: s.definitions, scopes: s.scopes };
}
