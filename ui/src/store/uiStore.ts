import type { Point } from '@reelgraph/graph';
import { createStore } from 'zustand/vanilla';
import type { SocketEnd } from './connect';
import type { PendingLink } from './editorStore';

export interface Toast {
  id: number;
  kind: 'info' | 'error';
  text: string;
}

export interface Compared {
  url: string;
  label: string;
}

export interface MissingReport {
  nodes: { type: string; ids: string[] }[];
  /** The packs the missing node types come from, with what the graph says provided them. */
  packs: { name: string; types: string[]; version?: string; package?: string }[];
  values: { nodeId: string; input: string; value: string; options: string[] }[];
  /** Foreign nodes (ComfyUI classes with no Reelgraph equivalent) by class. */
  foreign?: { class: string; ids: string[] }[];
  /** When the graph came from a ComfyUI file: what the import did. */
  imported?: {
    source: string;
    format: 'workflow' | 'prompt';
    mapped: number;
    folded: number;
    warnings: string[];
  };
}

export type SidebarTab = 'workflows' | 'nodes' | 'models';

/** App chrome state: never part of the graph or its history. */
export interface UiState {
  palette?: {
    at: Point;
    screen: Point;
    from?: PendingLink & { type: string };
    /** "Insert a node" on a link: only nodes that take `from` and give `to`; the pick goes in between. */
    splice?: { target: string; input: string; from: string; to: string };
  };
  dialog?: 'help' | 'presets' | 'missing' | 'login' | 'confirm' | 'compare' | 'connect';
  /** The socket the keyboard's connect dialog links from. */
  connectFrom?: SocketEnd;
  /** Two videos the compare dialog plays side by side, in sync. */
  compare?: readonly [Compared, Compared];
  missing?: MissingReport;
  /** Whether the server installs missing packs (asked when the missing-nodes dialog opens). */
  canInstallPacks?: boolean;
  /** The question a `confirm` dialog asks; `answer` settles `ask`'s promise. */
  confirm?: { title: string; text: string; yes: string; answer(ok: boolean): void };
  panel: 'queue' | 'gallery' | null;
  /** The library sidebar on the left, and which of its lists shows. */
  sidebar: SidebarTab | null;
  toasts: Toast[];
  /** Bumped to ask the canvas to fit the view (after loading a graph). */
  fit: number;
}

export const uiStore = createStore<UiState>()(() => ({
  panel: 'queue',
  sidebar: null,
  toasts: [],
  fit: 0,
}));

/** Show a sidebar list, or hide the sidebar when that list already shows (its key, its button). */
export function toggleSidebar(tab: SidebarTab): void {
  uiStore.setState((s) => ({ sidebar: s.sidebar === tab ? null : tab }));
}

let nextToast = 1;
export function toast(text: string, kind: Toast['kind'] = 'info', ms = 5000): void {
  const id = nextToast++;
  uiStore.setState((s) => ({ toasts: [...s.toasts, { id, kind, text }] }));
  setTimeout(() => uiStore.setState((s) => ({ toasts: s.toasts.filter((t) => t.id !== id) })), ms);
}

/** Ask before something that cannot be undone; resolves false when the dialog is dismissed. */
export function ask(title: string, text: string, yes: string): Promise<boolean> {
  uiStore.getState().confirm?.answer(false);
  return new Promise((resolve) => {
    const answer = (ok: boolean) => {
      uiStore.setState({ dialog: undefined, confirm: undefined });
      resolve(ok);
    };
    uiStore.setState({ dialog: 'confirm', confirm: { title, text, yes, answer } });
  });
}
