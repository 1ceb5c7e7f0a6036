import { useReactFlow, useStoreApi } from '@xyflow/react';
import { useEffect } from 'react';
import { fitGraph } from './flow/fitEstimate';
import { shortcutFor } from './keymap';
import { editor } from './state';
import { uiStore } from './store/uiStore';

const typing = (t: EventTarget | null) =>
  t instanceof HTMLElement && (t.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(t.tagName));

/** Global keys, as `keymap.ts` declares them. Keys typed into widgets stay theirs, except Ctrl+Enter. */
export function useShortcuts(): void {
  const rf = useReactFlow();
  const flowStore = useStoreApi();
  useEffect(() => {
    let mouse = { x: innerWidth / 2, y: innerHeight / 2 };
    const onMove = (e: MouseEvent) => {
      mouse = { x: e.clientX, y: e.clientY };
    };
    const onKey = (e: KeyboardEvent) => {
      const ui = uiStore.getState();
      const shortcut = shortcutFor(e, typing(e.target));
      if (!shortcut?.run) return;
      // Dialogs and the palette own the keyboard while open (Ctrl+Enter still runs).
      if ((ui.palette || ui.dialog) && !shortcut.bind?.some((b) => b.anywhere)) return;
      // Keys pressed on a focused button or link belong to it (Enter, Space); the table has neither.
      e.preventDefault();
      const s = editor.getState();
      shortcut.run(
        {
          s,
          mouse,
          at: () => rf.screenToFlowPosition(mouse),
          selected: () => s.flow.filter((f) => f.selected).map((f) => f.id),
          fitView: () => fitGraph(rf, flowStore.getState(), s.flow),
        },
        e,
      );
    };
    addEventListener('keydown', onKey);
    addEventListener('mousemove', onMove);
    return () => {
      removeEventListener('keydown', onKey);
      removeEventListener('mousemove', onMove);
    };
  }, [rf, flowStore]);
}
