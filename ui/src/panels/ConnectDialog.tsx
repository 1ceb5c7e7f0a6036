import { useMemo, useState } from 'react';
import { useStore } from 'zustand';
import { editor, useEditor } from '../state';
import { type ConnectionRequest, connectTargets } from '../store/connect';
import type { Item } from '../store/types';
import { toast, uiStore } from '../store/uiStore';
import { close, Modal } from './Modal';

const titleOf = (items: Record<string, Item>, id: string, fallback: string) => {
  const item = items[id];
  return item?.kind === 'node' ? (item.title ?? fallback) : id;
};

/**
 * Connect by keyboard: from the focused socket (Enter on it), the compatible sockets on other nodes;
 * type to filter, arrows to move, Enter links. Escape (the modal's) leaves the graph as it was.
 */
export function ConnectDialog() {
  const from = useStore(uiStore, (s) => s.connectFrom);
  const catalog = useEditor((s) => s.catalog);
  const items = useEditor((s) => s.items);
  const [query, setQuery] = useState('');
  const [index, setIndex] = useState(0);
  const options = useMemo(() => {
    if (!catalog || !from) return [];
    const label = (node: string, socket: string) => {
      const item = items[node];
      const schema = item?.kind === 'node' ? catalog.nodes[item.type] : undefined;
      return `${titleOf(items, node, schema?.title ?? node)} · ${socket}`;
    };
    return connectTargets(catalog, items, from).map((c) => ({
      c,
      label: from.side === 'source' ? label(c.target, c.input) : label(c.source, c.output),
    }));
  }, [catalog, items, from]);
  const shown = options.filter((o) => o.label.toLowerCase().includes(query.trim().toLowerCase()));
  const active = Math.min(index, shown.length - 1);
  if (!from) return null;
  const pick = (c: ConnectionRequest | undefined) => {
    if (!c) return;
    const problem = editor.getState().connect(c);
    if (problem) toast(problem.message, 'error');
    else close();
  };
  const fromNode = items[from.node];
  const fromTitle =
    fromNode?.kind === 'node' ? titleOf(items, from.node, catalog?.nodes[fromNode.type]?.title ?? '') : '';
  return (
    <Modal title="Connect">
      <p className="muted">
        {from.side === 'source' ? 'From' : 'Into'} {fromTitle} · {from.socket}:{' '}
        {options.length ? 'pick the other end' : 'no socket on the canvas fits'}
      </p>
      <input
        data-autofocus
        aria-label="Filter sockets"
        placeholder="Filter sockets…"
        value={query}
        onChange={(e) => {
          setQuery(e.currentTarget.value);
          setIndex(0);
        }}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown') setIndex((i) => Math.min(i + 1, shown.length - 1));
          else if (e.key === 'ArrowUp') setIndex((i) => Math.max(i - 1, 0));
          else if (e.key === 'Enter') pick(shown[active]?.c);
          else return;
          e.preventDefault();
        }}
      />
      <div role="listbox" className="rg-connect-list" aria-label="Sockets">
        {shown.map((o, i) => (
          // biome-ignore lint/a11y/useKeyWithClickEvents: the filter field drives the list (arrows, Enter)
          <div
            key={`${o.c.source}.${o.c.output}>${o.c.target}.${o.c.input}`}
            role="option"
            tabIndex={-1}
            aria-selected={i === active}
            className={i === active ? 'active' : ''}
            onClick={() => pick(o.c)}
          >
            {o.label}
          </div>
        ))}
      </div>
    </Modal>
  );
}
