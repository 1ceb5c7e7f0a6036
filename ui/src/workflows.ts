/**
 * Workflow tabs: several graphs open in one browser tab, each with its own undo history, unsaved marker,
 * name and autosave (`lib/autosave.ts`). The editor store shows the active tab; switching stashes its
 * graph and history in the tab and puts the other tab's back, so undo never crosses tabs.
 */
import { GRAPH_VERSION, type GraphDocument, migrateGraph } from '@reelgraph/graph';
import { createStore } from 'zustand/vanilla';
import {
  type Autosave,
  claimWorkflows,
  newWorkflow,
  readWorkflow,
  releaseWorkflow,
  rememberTabs,
  writeWorkflow,
} from './lib/autosave';
import { editor } from './state';
import type { EditorState } from './store/editorStore';
import type { History } from './store/history';
import { runStore, setProblems } from './store/runStore';
import { rootLevel } from './store/subgraphScope';
import { ask, toast, uiStore } from './store/uiStore';

/** What a tab keeps of the editor while another tab is shown. */
type Stash = Pick<EditorState, 'items' | 'flow' | 'edges' | 'definitions' | 'scopes' | 'docMeta' | 'history'>;

export interface WorkflowTab {
  id: string;
  /** The name shown while the tab is in the background (the active tab shows the editor's title). */
  title?: string;
  /** The undo step the graph was last opened or saved at: unsaved when the history's top differs. */
  clean?: History['past'][number];
  stash?: Stash;
}

export const tabsStore = createStore<{ tabs: WorkflowTab[]; active: string }>()(() => ({
  tabs: [],
  active: '',
}));

const top = (h: History) => h.past.at(-1);
/** The clean mark of a workflow restored with unsaved changes: no undo step is ever this one. */
const UNSAVED: History['past'][number] = { items: {}, flow: [], edges: [] };

/** Whether a tab changed since it was opened or saved (to a file). */
export function isDirty(tab: WorkflowTab, active: boolean): boolean {
  const history = active ? editor.getState().history : tab.stash?.history;
  return history ? top(history) !== tab.clean : false;
}

/** The current graph is what was opened or saved: no unsaved marker. */
export function markClean(): void {
  const { active } = tabsStore.getState();
  patch(active, { clean: top(editor.getState().history) });
}

function patch(id: string, change: Partial<WorkflowTab>): void {
  tabsStore.setState((s) => ({ tabs: s.tabs.map((t) => (t.id === id ? { ...t, ...change } : t)) }));
}

function remember(): void {
  const { tabs, active } = tabsStore.getState();
  rememberTabs({ ids: tabs.map((t) => t.id), active });
}

/** At start: the workflows this tab had open, the active one in the editor. False when it has no graph yet. */
export async function openWorkflows(): Promise<boolean> {
  const { ids, active } = await claimWorkflows();
  tabsStore.setState({
    tabs: ids.map((id) => ({ id, title: id === active ? undefined : readWorkflow(id)?.doc.meta?.title })),
    active,
  });
  const saved = readWorkflow(active);
  const ok = Boolean(saved && restore(saved));
  if (saved?.unsaved) patch(active, { clean: UNSAVED });
  // Fitted before the first render, so a large graph first renders far out (canvas boxes), not in full.
  if (ok) uiStore.setState((u) => ({ fit: u.fit + 1 }));
  return ok;
}

function restore(saved: Autosave): boolean {
  try {
    editor.getState().load(migrateGraph(saved.doc) as GraphDocument);
    const items = { ...editor.getState().items };
    for (const [id, extra] of Object.entries(saved.editor ?? {})) {
      const item = items[id];
      if (item?.kind === 'node') items[id] = { ...item, ...extra };
    }
    editor.setState({ items });
    return true;
  } catch {
    return false;
  }
}

/** Put the active tab's graph and history into its tab, before another tab is shown. */
function stashActive(): void {
  saveNow();
  const s = editor.getState();
  const { items, flow, edges, definitions, scopes, docMeta, history } = s;
  patch(tabsStore.getState().active, {
    stash: { items, flow, edges, definitions, scopes, docMeta, history },
    title: docMeta.title,
  });
}

/** Show a tab: its stash if it was open in this session, else its autosave, else an empty graph. */
function show(tab: WorkflowTab): void {
  tabsStore.setState({ active: tab.id });
  if (tab.stash) {
    editor.setState({ ...tab.stash, drag: undefined, resizing: undefined });
    // The catalog draws the tab's own subgraphs.
    const { baseCatalog, setCatalog } = editor.getState();
    if (baseCatalog) setCatalog(baseCatalog);
  } else {
    const saved = readWorkflow(tab.id);
    if (!(saved && restore(saved))) editor.getState().load({ version: GRAPH_VERSION, nodes: {} });
    patch(tab.id, { clean: saved?.unsaved ? UNSAVED : top(editor.getState().history) });
  }
  patch(tab.id, { stash: undefined });
  // The run state on the canvas belongs to the graph that was shown.
  setProblems([]);
  runStore.setState({ nodes: {}, activeJob: undefined });
  uiStore.setState((u) => ({ fit: u.fit + 1 }));
  remember();
}

export function switchTab(id: string): void {
  const { tabs, active } = tabsStore.getState();
  const tab = tabs.find((t) => t.id === id);
  if (!tab || id === active) return;
  stashActive();
  show(tabsStore.getState().tabs.find((t) => t.id === id) ?? tab);
}

/** A new tab with an empty graph (or `doc`), shown at once. */
export async function newTab(doc: GraphDocument = { version: GRAPH_VERSION, nodes: {} }): Promise<string> {
  const id = await newWorkflow();
  stashActive();
  tabsStore.setState((s) => ({ tabs: [...s.tabs, { id }] }));
  tabsStore.setState({ active: id });
  editor.getState().load(doc);
  markClean();
  setProblems([]);
  runStore.setState({ nodes: {}, activeJob: undefined });
  uiStore.setState((u) => ({ fit: u.fit + 1 }));
  saveNow();
  remember();
  return id;
}

/** Close a tab (asking first when it has unsaved changes); its autosave goes with it. The last tab stays. */
export async function closeTab(id: string): Promise<boolean> {
  const { tabs, active } = tabsStore.getState();
  const i = tabs.findIndex((t) => t.id === id);
  const tab = tabs[i];
  if (!tab || tabs.length < 2) return false;
  if (isDirty(tab, id === active)) {
    const name = (id === active ? editor.getState().docMeta.title : tab.title) ?? 'Untitled';
    const ok = await ask(
      'Close this workflow?',
      `“${name}” has changes that were not saved to a file.`,
      'Close',
    );
    if (!ok) return false;
  }
  const rest = tabsStore.getState().tabs.filter((t) => t.id !== id);
  tabsStore.setState({ tabs: rest });
  releaseWorkflow(id, true);
  if (id === active) show(rest[Math.min(i, rest.length - 1)] as WorkflowTab);
  else remember();
  return true;
}

/** Rename the active workflow (its document's `meta.title`). */
export function renameActive(title: string): void {
  const s = editor.getState();
  const t = title.trim();
  const { title: _old, ...rest } = s.docMeta;
  editor.setState({ docMeta: t ? { ...rest, title: t } : rest });
}

let autosaveTimer: ReturnType<typeof setTimeout> | undefined;
export function startAutosave(): void {
  editor.subscribe((s, prev) => {
    if (s.items === prev.items && s.flow === prev.flow && s.docMeta === prev.docMeta) return;
    clearTimeout(autosaveTimer);
    autosaveTimer = setTimeout(saveNow, 300);
  });
  addEventListener('beforeunload', saveNow);
}

/** Write the active workflow's autosave now (also used before a reload in tests). */
export function saveNow(): void {
  clearTimeout(autosaveTimer);
  const id = tabsStore.getState().active;
  if (!id) return;
  const s = editor.getState();
  const extra: Autosave['editor'] = {};
  // The root graph's nodes, also while a subgraph's inside is shown.
  for (const [nodeId, item] of Object.entries(rootLevel(s).items)) {
    if (item.kind !== 'node' || !(item.controls || item.sockets || item.stash)) continue;
    extra[nodeId] = {
      ...(item.controls ? { controls: item.controls } : {}),
      ...(item.sockets ? { sockets: item.sockets } : {}),
      ...(item.stash ? { stash: item.stash } : {}),
    };
  }
  try {
    const tab = tabsStore.getState().tabs.find((t) => t.id === id);
    const unsaved = tab ? isDirty(tab, true) : false;
    writeWorkflow(id, { doc: s.toDocument(), editor: extra, ...(unsaved ? { unsaved } : {}) });
  } catch (err) {
    toast(`Autosave failed: ${err instanceof Error ? err.message : String(err)}`, 'error');
  }
}
