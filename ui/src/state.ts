import type { Catalog, ValidationError } from '@reelgraph/graph';
import { useStore } from 'zustand';
import { createStore } from 'zustand/vanilla';
import { ApiClient } from './api/client';
import { createEditorStore, type EditorStore } from './store/editorStore';
import { type RunState, runStore } from './store/runStore';
import { problemsInScope, runPrefixOf } from './store/subgraphScope';
import type { Item } from './store/types';

/** The app's single editor store and API client. */
export const editor = createEditorStore();
export const api = new ApiClient();

export function useEditor<T>(selector: (s: EditorStore) => T): T {
  return useStore(editor, selector);
}

/**
 * What node components read (items and the catalog), republished only when those change. Positions and
 * selection change on every frame of a drag; node components must not even be asked then.
 */
export interface ItemsView {
  items: Record<string, Item>;
  catalog: Catalog | undefined;
  /** What the shown level's node ids are prefixed with in run events ('' at the root). */
  runPrefix: string;
}
export const itemsView = createStore<ItemsView>()(() => ({
  items: editor.getState().items,
  catalog: editor.getState().catalog,
  runPrefix: runPrefixOf(editor.getState().scopes),
}));
editor.subscribe((s, prev) => {
  if (s.items !== prev.items || s.catalog !== prev.catalog || s.scopes !== prev.scopes)
    itemsView.setState({ items: s.items, catalog: s.catalog, runPrefix: runPrefixOf(s.scopes) });
});

export function useItems<T>(selector: (s: ItemsView) => T): T {
  return useStore(itemsView, selector);
}

export function useRun<T>(selector: (s: RunState) => T): T {
  return useStore(runStore, selector);
}

/** Validation problems by the ids of the level the canvas shows (inside a subgraph: its inner nodes). */
const problemsView = createStore<{ problems: RunState['problems'] }>()(() => ({ problems: {} }));
const republishProblems = () =>
  problemsView.setState({
    problems: problemsInScope(runStore.getState().problems, editor.getState().scopes),
  });
runStore.subscribe((s, prev) => {
  if (s.problems !== prev.problems) republishProblems();
});
editor.subscribe((s, prev) => {
  if (s.scopes !== prev.scopes) republishProblems();
});

export function useProblems(id: string): ValidationError[] | undefined {
  return useStore(problemsView, (s) => s.problems[id]);
}
