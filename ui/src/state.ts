import { useStore } from 'zustand';
import { ApiClient } from './api/client';
import { createEditorStore, type EditorStore } from './store/editorStore';
import { type RunState, runStore } from './store/runStore';

/** The app's single editor store and API client. */
export const editor = createEditorStore();
export const api = new ApiClient();

export function useEditor<T>(selector: (s: EditorStore) => T): T {
  return useStore(editor, selector);
}

export function useRun<T>(selector: (s: RunState) => T): T {
  return useStore(runStore, selector);
}
