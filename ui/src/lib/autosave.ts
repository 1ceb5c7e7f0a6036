/**
 * Autosave per workflow, not per origin. Each workflow is saved under its own key; a browser tab keeps the
 * ids of its workflow tabs in sessionStorage (a reload finds them again) and holds a Web Lock per workflow
 * while it edits it. A new browser tab takes the most recent saved workflow that no open tab holds, else a
 * fresh one, so two tabs never write the same key and a closed tab's work is picked up by the next tab.
 */
import type { GraphDocument } from '@reelgraph/graph';
import type { NodeItem } from '../store/types';

/** Editor-only state the document has no place for (seed controls, widgets shown as sockets). */
export interface Autosave {
  doc: GraphDocument;
  editor: Record<string, Pick<NodeItem, 'controls' | 'sockets' | 'stash'>>;
  savedAt?: number;
  /** Changed since last opened or saved to a file: the tab's unsaved marker outlives a reload. */
  unsaved?: boolean;
}

const PREFIX = 'reelgraph.workflow.';
/** `{ [id]: savedAt }`: the saved workflows without parsing each one. */
const INDEX_KEY = 'reelgraph.workflows';
const TABS_KEY = 'reelgraph.workflowTabs';
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

/** Locks this page holds, by workflow id: calling one lets the lock go. */
const held = new Map<string, () => void>();

/**
 * Take a workflow's lock for as long as this page edits it, if nobody holds it, waiting up to `waitMs`
 * (a reload's old page may not have let go yet). Without Web Locks (plain http off localhost), always yes.
 */
async function hold(id: string, waitMs = 0): Promise<boolean> {
  if (held.has(id)) return false;
  if (!navigator.locks) {
    held.set(id, () => {});
    return true;
  }
  return new Promise<boolean>((answer) => {
    const got = (lock: Lock | null) => {
      if (!lock) {
        answer(false);
        return undefined;
      }
      return new Promise<void>((release) => {
        held.set(id, release);
        answer(true);
      });
    };
    const name = keyOf(id);
    const asked = waitMs
      ? navigator.locks.request(name, { signal: AbortSignal.timeout(waitMs) }, got)
      : navigator.locks.request(name, { ifAvailable: true }, got);
    asked.catch(() => answer(false)); // timed out: another open tab has it
  });
}

/** A fresh workflow, held by this page. */
export async function newWorkflow(): Promise<string> {
  const id = newId();
  await hold(id);
  return id;
}

/** Stop editing a workflow here; `forget` also deletes its autosave (a tab the user closed). */
export function releaseWorkflow(id: string, forget = false): void {
  held.get(id)?.();
  held.delete(id);
  if (!forget) return;
  localStorage.removeItem(keyOf(id));
  const index = readIndex();
  delete index[id];
  writeIndex(index);
}

interface OpenTabs {
  ids: string[];
  active: string;
}

/** The workflow tabs this browser tab has open, for the next reload. */
export function rememberTabs(tabs: OpenTabs): void {
  sessionStorage.setItem(TABS_KEY, JSON.stringify(tabs));
}

function rememberedTabs(): OpenTabs | undefined {
  try {
    const t = JSON.parse(sessionStorage.getItem(TABS_KEY) ?? 'null') as OpenTabs | null;
    return t && Array.isArray(t.ids) ? t : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The workflows this tab edits: its own from before a reload, else the newest one no open tab holds,
 * else a new one.
 */
export async function claimWorkflows(): Promise<OpenTabs> {
  adoptLegacy();
  const before = rememberedTabs();
  const ids: string[] = [];
  for (const id of before?.ids ?? []) if (await hold(id, 1500)) ids.push(id);
  if (!ids.length) {
    for (const id of savedWorkflows()) {
      if (await hold(id)) {
        ids.push(id);
        break;
      }
    }
  }
  if (!ids.length) ids.push(await newWorkflow());
  const tabs = { ids, active: before && ids.includes(before.active) ? before.active : (ids[0] as string) };
  rememberTabs(tabs);
  prune(ids);
  return tabs;
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

function prune(open: string[]): void {
  const index = readIndex();
  const old = savedWorkflows()
    .slice(KEEP)
    .filter((id) => !open.includes(id));
  if (!old.length) return;
  for (const id of old) {
    localStorage.removeItem(keyOf(id));
    delete index[id];
  }
  writeIndex(index);
}
