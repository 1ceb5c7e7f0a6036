import { useEffect, useRef } from 'react';
import { uiStore } from '../store/uiStore';

/** Close the open dialog; a pending question is answered "no". */
export const close = () => {
  const { confirm } = uiStore.getState();
  if (confirm) confirm.answer(false);
  else uiStore.setState({ dialog: undefined });
};

/**
 * A native modal `<dialog>`: the browser traps focus inside it, makes the page behind inert, and closes it
 * on Escape (the `cancel` event); a press on the backdrop (the dialog element itself) closes it too.
 */
export function Modal({ title, children }: { title: string; children: React.ReactNode }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
    // showModal focuses the first control (the ✕); a field the dialog opens to be typed into goes first.
    d?.querySelector<HTMLElement>('[data-autofocus]')?.focus();
    return () => d?.close();
  }, []);
  return (
    <dialog
      ref={ref}
      className="rg-modal"
      aria-label={title}
      onCancel={(e) => {
        e.preventDefault();
        close();
      }}
      onKeyDown={trapTab}
      onMouseDown={(e) => {
        // The backdrop belongs to the dialog element: a press outside its box is a press on the backdrop.
        const r = e.currentTarget.getBoundingClientRect();
        const inside =
          e.clientX >= r.left && e.clientX <= r.right && e.clientY >= r.top && e.clientY <= r.bottom;
        if (e.target === e.currentTarget && !inside) close();
      }}
    >
      <header>
        <h2>{title}</h2>
        <button type="button" aria-label="close" onClick={close}>
          ✕
        </button>
      </header>
      {children}
    </dialog>
  );
}

const FOCUSABLE = 'button, [href], input, select, textarea, [tabindex]:not([tabindex="-1"])';

/** The page behind is inert, but Tab past the last control would leave for the browser's own UI: wrap. */
function trapTab(e: React.KeyboardEvent<HTMLDialogElement>) {
  if (e.key !== 'Tab') return;
  const all = [...e.currentTarget.querySelectorAll<HTMLElement>(FOCUSABLE)].filter(
    (el) => !el.hasAttribute('disabled'),
  );
  const first = all[0];
  const last = all.at(-1);
  if (!first || !last) return;
  const at = document.activeElement;
  if (e.shiftKey ? at === first || !e.currentTarget.contains(at) : at === last) {
    e.preventDefault();
    (e.shiftKey ? last : first).focus();
  }
}
