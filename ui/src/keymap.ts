/**
 * Every keyboard shortcut, declared once: `useShortcuts` dispatches through this table and the help
 * dialog lists it, so the list shown is the list handled. Rows without `run` are mouse gestures, listed only.
 */
import type { Point } from '@reelgraph/graph';
import { layoutGraph, pickFile, runGraph, saveToFile } from './actions';
import type { EditorStore } from './store/editorStore';
import { toggleSidebar, uiStore } from './store/uiStore';
import { closeTab, newTab, switchTab, tabsStore } from './workflows';

export interface KeyContext {
  s: EditorStore;
  /** The pointer's place on the canvas (flow coordinates), where pasted and added things go. */
  at(): Point;
  mouse: Point;
  selected(): string[];
  fitView(): void;
}

interface Key {
  ctrl?: boolean;
  shift?: boolean;
  alt?: boolean;
  /** `KeyboardEvent.key`, lower-cased for letters. */
  key: string;
  /** Also while typing into a widget (Ctrl+Enter). */
  anywhere?: boolean;
  /** Only when nothing has focus (Tab moves focus otherwise). */
  unfocused?: boolean;
}

export interface Shortcut {
  keys: string;
  what: string;
  bind?: Key[];
  run?(c: KeyContext, e: KeyboardEvent): void;
}

/** The next (`+1`) or previous (`-1`) workflow tab, wrapping. */
function cycleTab(step: number): void {
  const { tabs, active } = tabsStore.getState();
  const i = tabs.findIndex((t) => t.id === active);
  const next = tabs[(i + step + tabs.length) % tabs.length];
  if (next) switchTab(next.id);
}

const openPalette = (c: KeyContext) => uiStore.setState({ palette: { at: c.at(), screen: c.mouse } });
const togglePanel = (panel: 'queue' | 'gallery') =>
  uiStore.setState((u) => ({ panel: u.panel === panel ? null : panel }));

export const SHORTCUTS: Shortcut[] = [
  {
    keys: 'Ctrl+Enter',
    what: 'Run the graph',
    bind: [{ ctrl: true, key: 'Enter', anywhere: true }],
    run: () => void runGraph(),
  },
  {
    keys: 'Shift+A, or Tab on the canvas',
    what: 'Search nodes to add (also: double-click or right-click the canvas)',
    bind: [
      { shift: true, key: 'a' },
      { key: 'Tab', unfocused: true },
    ],
    run: openPalette,
  },
  {
    keys: 'C',
    what: 'Connect the selected nodes, left to right (first free input that fits)',
    bind: [{ key: 'c' }],
    run: (c) => c.s.connectSelection(),
  },
  { keys: 'Space+drag, or drag the canvas', what: 'Pan (wheel zooms)' },
  { keys: 'Drag a link into empty space', what: 'Add a compatible node, already connected' },
  { keys: "Drag a link's end to another input / off", what: 'Move it / remove it' },
  {
    keys: 'Click a link, then its ⋯ (or Tab to it, Enter)',
    what: 'Link menu: reroute point, insert a node, delete',
  },
  {
    keys: 'Double-click a link / a reroute point',
    what: 'Add / remove a reroute point (arrows move a focused one)',
  },
  { keys: 'Right-click a node', what: 'Rename, colour, bypass, mute, widget ⇄ input' },
  { keys: 'Tab / Shift+Tab, Enter', what: 'Move between controls, nodes and links; select the focused one' },
  { keys: 'Arrow keys', what: 'Move the selected nodes' },
  { keys: 'Ctrl+Z', what: 'Undo', bind: [{ ctrl: true, key: 'z' }], run: (c) => c.s.undo() },
  {
    keys: 'Ctrl+Shift+Z / Ctrl+Y',
    what: 'Redo',
    bind: [
      { ctrl: true, shift: true, key: 'z' },
      { ctrl: true, key: 'y' },
    ],
    run: (c) => c.s.redo(),
  },
  { keys: 'Ctrl+C', what: 'Copy', bind: [{ ctrl: true, key: 'c' }], run: (c) => void c.s.copySelection() },
  { keys: 'Ctrl+V', what: 'Paste', bind: [{ ctrl: true, key: 'v' }], run: (c) => void c.s.paste(c.at()) },
  {
    keys: 'Ctrl+Shift+V',
    what: 'Paste, keeping incoming links',
    bind: [{ ctrl: true, shift: true, key: 'v' }],
    run: (c) => void c.s.paste(c.at(), { withInputLinks: true }),
  },
  {
    keys: 'Ctrl+D',
    what: 'Duplicate selection',
    bind: [{ ctrl: true, key: 'd' }],
    run: (c) => void c.s.duplicateSelection(),
  },
  {
    keys: 'Delete / Backspace',
    what: 'Delete selection',
    bind: [{ key: 'Delete' }, { key: 'Backspace' }],
    run: (c) => c.s.deleteSelection(),
  },
  { keys: 'Ctrl+A', what: 'Select all', bind: [{ ctrl: true, key: 'a' }], run: (c) => c.s.selectAll() },
  { keys: 'Shift+drag / Shift+click', what: 'Box select / add to selection' },
  {
    keys: 'Ctrl+G',
    what: 'Group selection in a frame',
    bind: [{ ctrl: true, key: 'g' }],
    run: (c) => void c.s.groupSelection(),
  },
  {
    keys: 'Ctrl+B',
    what: 'Bypass selected nodes',
    bind: [{ ctrl: true, key: 'b' }],
    run: (c) => c.s.toggleMode(c.selected(), 'bypassed'),
  },
  {
    keys: 'Ctrl+M',
    what: 'Mute selected nodes',
    bind: [{ ctrl: true, key: 'm' }],
    run: (c) => c.s.toggleMode(c.selected(), 'muted'),
  },
  {
    keys: 'Alt+C',
    what: 'Collapse / expand selected nodes',
    bind: [{ alt: true, key: 'c' }],
    run: (c) => c.s.toggleCollapsed(c.selected()),
  },
  { keys: 'N', what: 'Add a note', bind: [{ key: 'n' }], run: (c) => void c.s.addNote(c.at()) },
  {
    keys: 'Ctrl+Shift+L',
    what: 'Auto-layout',
    bind: [{ ctrl: true, shift: true, key: 'l' }],
    run: () => void layoutGraph(),
  },
  { keys: 'F', what: 'Fit the graph in view', bind: [{ key: 'f' }], run: (c) => c.fitView() },
  { keys: 'Ctrl+S', what: 'Save graph JSON', bind: [{ ctrl: true, key: 's' }], run: saveToFile },
  { keys: 'Ctrl+O', what: 'Open graph JSON or media', bind: [{ ctrl: true, key: 'o' }], run: pickFile },
  {
    keys: 'W',
    what: 'Library: workflows and presets',
    bind: [{ key: 'w' }],
    run: () => toggleSidebar('workflows'),
  },
  { keys: 'L', what: 'Library: nodes by category', bind: [{ key: 'l' }], run: () => toggleSidebar('nodes') },
  { keys: 'M', what: 'Library: models', bind: [{ key: 'm' }], run: () => toggleSidebar('models') },
  { keys: 'Q', what: 'Queue panel', bind: [{ key: 'q' }], run: () => togglePanel('queue') },
  { keys: 'O', what: 'Outputs panel', bind: [{ key: 'o' }], run: () => togglePanel('gallery') },
  {
    keys: 'Alt+. / Alt+,',
    what: 'Next / previous workflow tab',
    bind: [
      { alt: true, key: '.' },
      { alt: true, key: ',' },
    ],
    run: (_, e) => cycleTab(e.key === ',' ? -1 : 1),
  },
  { keys: 'Alt+T', what: 'New workflow tab', bind: [{ alt: true, key: 't' }], run: () => void newTab() },
  {
    keys: 'Alt+W',
    what: 'Close this workflow tab',
    bind: [{ alt: true, key: 'w' }],
    run: () => void closeTab(tabsStore.getState().active),
  },
  { keys: '?', what: 'This help', bind: [{ key: '?' }], run: () => uiStore.setState({ dialog: 'help' }) },
  {
    keys: 'Escape',
    what: 'Close a dialog or menu; else clear the selection',
    bind: [{ key: 'Escape' }],
    run: (c) => c.s.select([]),
  },
];

/** The shortcut a key press means, if any. `typing`: the press went to a text field. */
export function shortcutFor(e: KeyboardEvent, typing: boolean): Shortcut | undefined {
  const ctrl = e.ctrlKey || e.metaKey;
  const key = e.key.length === 1 ? e.key.toLowerCase() : e.key;
  const focused = e.target instanceof HTMLElement && e.target !== document.body;
  return SHORTCUTS.find((s) =>
    s.bind?.some(
      (b) =>
        (b.anywhere || !typing) &&
        (!b.unfocused || !focused) &&
        Boolean(b.ctrl) === ctrl &&
        Boolean(b.alt) === e.altKey &&
        // Shift matters for letters and Tab; '?' needs it on most layouts, so it is not compared there.
        (b.key === '?' || Boolean(b.shift) === e.shiftKey) &&
        b.key === key,
    ),
  );
}
