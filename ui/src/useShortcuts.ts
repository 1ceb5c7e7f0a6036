import { useReactFlow } from '@xyflow/react';
import { useEffect } from 'react';
import { layoutGraph, pickFile, runGraph, saveToFile } from './actions';
import { editor } from './state';
import { uiStore } from './store/uiStore';

const typing = (t: EventTarget | null) =>
  t instanceof HTMLElement && (t.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(t.tagName));

/** Global keys (see `panels/shortcuts.ts`). Keys typed into widgets stay theirs, except Ctrl+Enter. */
export function useShortcuts(): void {
  const rf = useReactFlow();
  useEffect(() => {
    let mouse = { x: innerWidth / 2, y: innerHeight / 2 };
    const onMove = (e: MouseEvent) => {
      mouse = { x: e.clientX, y: e.clientY };
    };
    const onKey = (e: KeyboardEvent) => {
      const ctrl = e.ctrlKey || e.metaKey;
      const s = editor.getState();
      const selected = () => s.flow.filter((f) => f.selected).map((f) => f.id);
      const k = e.key.toLowerCase();
      if (ctrl && e.key === 'Enter') {
        e.preventDefault();
        void runGraph();
        return;
      }
      if (typing(e.target) || uiStore.getState().palette || uiStore.getState().dialog) return;
      const at = () => rf.screenToFlowPosition(mouse);
      let handled = true;
      if (ctrl && k === 'z' && !e.shiftKey) s.undo();
      else if (ctrl && ((k === 'z' && e.shiftKey) || k === 'y')) s.redo();
      else if (ctrl && k === 'c') s.copySelection();
      else if (ctrl && k === 'v') s.paste(at(), { withInputLinks: e.shiftKey });
      else if (ctrl && k === 'd') s.duplicateSelection();
      else if (ctrl && k === 'a') s.selectAll();
      else if (ctrl && k === 'g') s.groupSelection();
      else if (ctrl && k === 'b') s.toggleMode(selected(), 'bypassed');
      else if (ctrl && k === 'm') s.toggleMode(selected(), 'muted');
      else if (ctrl && k === 's') saveToFile();
      else if (ctrl && k === 'o') pickFile();
      else if (ctrl && e.shiftKey && k === 'l') void layoutGraph();
      else if (e.altKey && k === 'c') s.toggleCollapsed(selected());
      else if (e.key === 'Delete' || e.key === 'Backspace') s.deleteSelection();
      else if (!ctrl && e.key === 'Tab') {
        uiStore.setState({ palette: { at: at(), screen: mouse } });
      } else if (!ctrl && k === 'n') s.addNote(at());
      else if (e.key === '?') uiStore.setState({ dialog: 'help' });
      else if (e.key === 'Escape') s.select([]);
      else handled = false;
      if (handled) e.preventDefault();
    };
    addEventListener('keydown', onKey);
    addEventListener('mousemove', onMove);
    return () => {
      removeEventListener('keydown', onKey);
      removeEventListener('mousemove', onMove);
    };
  }, [rf]);
}
