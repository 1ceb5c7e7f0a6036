/**
 * Reusable components: a subgraph instance saved to the server's library (`/api/workflows`, kind
 * `component`) with the definitions it needs, listed in the node library and inserted from there.
 */
import { componentOf, type Point } from '@reelgraph/graph';
import type { WorkflowInfo } from '@reelgraph/protocol';
import { createStore } from 'zustand/vanilla';
import { message } from './actions';
import { api, editor } from './state';
import { toDocument } from './store/document';
import { toast } from './store/uiStore';

export const componentsStore = createStore<{ components: WorkflowInfo[] | null; error?: string }>()(() => ({
  components: null,
}));

export async function refreshComponents(): Promise<void> {
  try {
    componentsStore.setState({ components: await api.workflows('component'), error: undefined });
  } catch (err) {
    componentsStore.setState({ components: [], error: message(err) });
  }
}

/** Save the subgraph instance `id` (on the level shown) as the component `name`. */
export async function saveComponent(id: string, name: string): Promise<boolean> {
  const s = editor.getState();
  const component = componentOf(toDocument(s), id);
  if (!component) return false;
  component.meta = { ...component.meta, title: name };
  try {
    const saved = await api.saveWorkflow(name, component, 'component');
    toast(saved.created ? `Saved component “${name}”` : `Updated component “${name}”`);
    await refreshComponents();
    return true;
  } catch (err) {
    toast(`Could not save component “${name}”: ${message(err)}`, 'error');
    return false;
  }
}

/** Add an instance of the component `name` at `at`. */
export async function addComponent(name: string, at: Point): Promise<string | null> {
  try {
    const component = await api.workflow(name, 'component');
    const id = editor.getState().insertComponent(component, at);
    if (!id) toast(`“${name}” is not a component (it holds no single subgraph instance)`, 'error');
    return id;
  } catch (err) {
    toast(`Could not add component “${name}”: ${message(err)}`, 'error');
    return null;
  }
}
