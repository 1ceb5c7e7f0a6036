/**
 * The library sidebar's actions: the server's presets and the user's saved workflows (kept by the
 * server, `/api/workflows`), opened in a tab of their own; nodes and models added where the user looks.
 */
import type { GraphDocument, Point } from '@reelgraph/graph';
import type { WorkflowInfo } from '@reelgraph/protocol';
import { createStore } from 'zustand/vanilla';
import { currentDocument, loadDocument, message } from './actions';
import { api, editor } from './state';
import { ask, toast } from './store/uiStore';
import { markClean, newTab } from './workflows';

export const libraryStore = createStore<{ saved: WorkflowInfo[] | null; error?: string }>()(() => ({
  saved: null,
}));

export async function refreshLibrary(): Promise<void> {
  try {
    libraryStore.setState({ saved: await api.workflows(), error: undefined });
  } catch (err) {
    libraryStore.setState({ saved: [], error: message(err) });
  }
}

/**
 * Save the open graph to the server's library under `name` (its title becomes the name too). Saving over
 * another workflow of that name asks first; saving the workflow this graph came from again does not.
 */
export async function saveToLibrary(name: string): Promise<boolean> {
  const s = editor.getState();
  await refreshLibrary();
  const taken = libraryStore.getState().saved?.some((w) => w.name === name);
  if (
    taken &&
    s.docMeta.title !== name &&
    !(await ask(
      'Replace this workflow?',
      `Your library already has a workflow named “${name}”. Saving replaces it with this graph.`,
      'Replace',
    ))
  )
    return false;
  if (s.docMeta.title !== name) editor.setState({ docMeta: { ...s.docMeta, title: name } });
  try {
    const saved = await api.saveWorkflow(name, currentDocument());
    markClean();
    toast(saved.created ? `Saved “${name}” to the library` : `Updated “${name}” in the library`);
    await refreshLibrary();
    return true;
  } catch (err) {
    toast(`Could not save “${name}”: ${message(err)}`, 'error');
    return false;
  }
}

/** Open a graph in a new workflow tab, reporting what the server lacks. */
async function openInTab(doc: GraphDocument, source: string): Promise<void> {
  await newTab();
  if (loadDocument(doc, { quiet: true, source })) toast(`Opened ${source}`);
}

export async function openSaved(name: string): Promise<void> {
  try {
    await openInTab(await api.workflow(name), `“${name}”`);
  } catch (err) {
    toast(`Could not open “${name}”: ${message(err)}`, 'error');
  }
}

export async function openPresetInTab(name: string): Promise<void> {
  try {
    await openInTab(await api.preset(name), `preset ${name}`);
  } catch (err) {
    toast(`Could not open preset ${name}: ${message(err)}`, 'error');
  }
}

/** Rename a saved workflow; an open graph of that name takes the new one. Never over another workflow. */
export async function renameSaved(name: string, to: string): Promise<boolean> {
  if (to === name) return true;
  try {
    await api.renameWorkflow(name, to);
  } catch (err) {
    toast(`Could not rename “${name}”: ${message(err)}`, 'error');
    return false;
  }
  const s = editor.getState();
  if (s.docMeta.title === name) editor.setState({ docMeta: { ...s.docMeta, title: to } });
  toast(`Renamed “${name}” to “${to}”`);
  await refreshLibrary();
  return true;
}

export async function deleteSaved(name: string): Promise<void> {
  const ok = await ask(
    'Delete this workflow?',
    `“${name}” leaves your library on the server. Open tabs keep their copy.`,
    'Delete',
  );
  if (!ok) return;
  try {
    await api.deleteWorkflow(name);
    await refreshLibrary();
  } catch (err) {
    toast(`Could not delete “${name}”: ${message(err)}`, 'error');
  }
}

/** A loader node with its model combo set to `model`. */
export function addModelLoader(type: string, input: string, model: string, at: Point): string | null {
  return editor.getState().addNode(type, at, undefined, { [input]: model });
}
