/**
 * Autosave per workflow, not per origin. Each tab edits one workflow, saved under its own key; the tab
 * keeps its workflow id in sessionStorage (a reload finds it again) and holds a Web Lock named after it
 * while open. A new tab takes the most recent saved workflow that no open tab holds, else a fresh one,
 * so two tabs never write the same key and a closed tab's work is picked up by the next tab.
 */
import type { GraphDocument } from '@reelgraph/graph';
import type { NodeItem } from '../store/types';

/** Editor-only state the document has no place for (seed controls, widgets shown as sockets). */
export interface Autosave {
  doc: GraphDocument;
  editor: Record<string, Pick<NodeItem, 'controls' | 'sockets' | 'stash'>>;
  savedAt?: number;
}

const PREFIX = 'reelgraph.workflow.';
/** `{ [id]: savedAt }`: the saved workflows without parsing each one. */
const INDEX_KEY = 'reelgraph.workflows';
const TAB_KEY = 'reelgraph.workflowId';
/** The single per-origin autosave of earlier versions; adopted once as a workflow. */
const LEGACY_KEY = 'reelgraph.autosave.v1';
/** Saved workflows kept; older ones go (localStorage holds ~5 MB per origin). */
const KEEP = 20;

const keyOf = (id: string) => PREFIX + id;
const newId = () => `wf-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;

export function readWorkflow(id: string): Autosave | undefined {
  try {
    const raw = localStorage.getItem(keyOf(id));
    return raw ? (JSON.parse(raw) as Autosave) : undefined;
  } catch {
    return undefined;
  }
}

export function writeWorkflow(id: string, save: Autosave): void {
  const savedAt = Date.now();
  localStorage.setItem(keyOf(id), JSON.stringify({ ...save, savedAt } satisfies Autosave));
  writeIndex({ ...readIndex(), [id]: savedAt });
}

function readIndex(): Record<string, number> {
  try {
    const index = JSON.parse(localStorage.getItem(INDEX_KEY) ?? '{}');
    return typeof index === 'object' && index !== null ? index : {};
  } catch {
    return {};
  }
}

function writeIndex(index: Record<string, number>): void {
  localStorage.setItem(INDEX_KEY, JSON.stringify(index));
}

/** Saved workflow ids, most recently saved first. */
export function savedWorkflows(): string[] {
  return Object.entries(readIndex())
    .sort((a, b) => b[1] - a[1])
    .map(([id]) => id);
}

/**
 * Take a lock for the life of the page if nobody holds it, waiting up to `waitMs` (a reload's old page
 * may not have let go yet). Without Web Locks (plain http off localhost), always yes.
 */
async function hold(id: string, waitMs = 0): Promise<boolean> {
  if (!navigator.locks) return true;
  return new Promise<boolean>((answer) => {
    const held = (lock: Lock | null) => {
      answer(lock !== null);
      return lock ? new Promise<never>(() => {}) : undefined; // held until the page goes
    };
    const name = keyOf(id);
    const asked = waitMs
      ? navigator.locks.request(name, { signal: AbortSignal.timeout(waitMs) }, held)
      : navigator.locks.request(name, { ifAvailable: true }, held);
    asked.catch(() => answer(false)); // timed out: another open tab has it
  });
}

/** The workflow this tab edits: its own from before a reload, else the newest one no tab holds, else a new one. */
export async function claimWorkflow(): Promise<{ id: string; saved?: Autosave }> {
  adoptLegacy();
  const mine = sessionStorage.getItem(TAB_KEY);
  const candidates = [...(mine ? [mine] : []), ...savedWorkflows().filter((id) => id !== mine)];
  let id: string | undefined;
  for (const c of candidates) {
    if (await hold(c, c === mine ? 1500 : 0)) {
      id = c;
      break;
    }
  }
  if (!id) {
    id = newId();
    await hold(id);
  }
  sessionStorage.setItem(TAB_KEY, id);
  prune(id);
  return { id, saved: readWorkflow(id) };
}

function adoptLegacy(): void {
  const raw = localStorage.getItem(LEGACY_KEY);
  if (raw === null) return;
  try {
    const id = newId();
    localStorage.setItem(keyOf(id), raw);
    writeIndex({ ...readIndex(), [id]: Date.now() });
    localStorage.removeItem(LEGACY_KEY);
  } catch {
    // keep it for the next start
  }
}

function prune(current: string): void {
  const index = readIndex();
  const old = savedWorkflows()
    .slice(KEEP)
    .filter((id) => id !== current);
  if (!old.length) return;
  for (const id of old) {
    localStorage.removeItem(keyOf(id));
    delete index[id];
  }
  writeIndex(index);
}
