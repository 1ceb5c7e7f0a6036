import type { NodeSchema } from '@reelgraph/graph';
import { useMemo, useState } from 'react';
import { useStore } from 'zustand';
import { searchNodes } from '../lib/fuzzy';
import { editor, useEditor } from '../state';
import { firstCompatibleSocket } from '../store/connect';
import { uiStore } from '../store/uiStore';

/** Node search: fuzzy over title, type, category, description; restricted to compatible nodes for a dragged link. */
export function Palette() {
  const palette = useStore(uiStore, (s) => s.palette);
  const catalog = useEditor((s) => s.catalog);
  const [query, setQuery] = useState('');
  const [index, setIndex] = useState(0);

  const candidates = useMemo(() => {
    if (!catalog || !palette) return [];
    const all = Object.values(catalog.nodes);
    const { from, splice } = palette;
    if (splice)
      return all.filter(
        (n) =>
          firstCompatibleSocket(catalog, n.type, splice.from, 'source') !== null &&
          firstCompatibleSocket(catalog, n.type, splice.to, 'target') !== null,
      );
    if (!from) return all;
    return all.filter((n) => firstCompatibleSocket(catalog, n.type, from.type, from.side) !== null);
  }, [catalog, palette]);
  const results = useMemo(() => searchNodes(candidates, query).slice(0, 50), [candidates, query]);
  // The highlighted row can outlive a narrower result list (a hover from before the query changed).
  const active = Math.min(index, results.length - 1);

  if (!palette) return null;
  const close = () => {
    uiStore.setState({ palette: undefined });
    setQuery('');
    setIndex(0);
  };
  const pick = (n: NodeSchema | undefined) => {
    if (!n) return;
    const { splice } = palette;
    if (splice) editor.getState().insertOnLink(splice.target, splice.input, n.type, palette.at);
    else editor.getState().addNode(n.type, palette.at, palette.from);
    close();
  };
  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: clicking outside closes; Escape does too
    <div className="rg-palette-backdrop" onMouseDown={close}>
      <div
        className="rg-palette"
        role="dialog"
        aria-modal="true"
        aria-label="Add node"
        style={{
          left: Math.min(palette.screen.x, innerWidth - 380),
          top: Math.min(palette.screen.y, innerHeight - 420),
        }}
        onMouseDown={(e) => e.stopPropagation()}
        // Escape from anywhere inside (the list too, not only the search field). The search field is its
        // only stop (arrows drive the list): Tab stays there rather than leaving for the page behind.
        onKeyDown={(e) => {
          if (e.key === 'Escape') close();
          else if (e.key === 'Tab') e.preventDefault();
        }}
      >
        <input
          // biome-ignore lint/a11y/noAutofocus: the palette opens to be typed into
          autoFocus
          placeholder={
            palette.splice
              ? `Search nodes to put between ${palette.splice.from} and ${palette.splice.to}…`
              : palette.from
                ? `Search nodes that take/give ${palette.from.type}…`
                : 'Search nodes…'
          }
          aria-label="Search nodes"
          value={query}
          onChange={(e) => {
            setQuery(e.currentTarget.value);
            setIndex(0);
          }}
          onKeyDown={(e) => {
            if (e.key === 'ArrowDown') setIndex((i) => Math.min(i + 1, results.length - 1));
            else if (e.key === 'ArrowUp') setIndex((i) => Math.max(i - 1, 0));
            else if (e.key === 'Enter') pick(results[active]);
            else return;
            e.preventDefault();
          }}
        />
        <div role="listbox" className="rg-palette-list" aria-label="Nodes">
          {results.map((n, i) => (
            // biome-ignore lint/a11y/useKeyWithClickEvents: the search field drives the list (arrows, Enter)
            <div
              key={n.type}
              role="option"
              tabIndex={-1}
              aria-selected={i === active}
              className={i === active ? 'active' : ''}
              data-type={n.type}
              // Real pointer moves only: rows sliding under a still cursor while typing must not steal Enter.
              onMouseMove={(e) => {
                if (e.movementX || e.movementY) setIndex(i);
              }}
              onClick={() => pick(n)}
            >
              <div className="p-title">
                {n.title} <span className="p-cat">{n.category}</span>
              </div>
              <div className="p-desc">{n.description}</div>
              <div className="p-sockets">
                {Object.entries(n.outputs).map(([name, o]) => (
                  <span key={name} className="p-type" style={{ background: catalog?.types[o.type]?.color }}>
                    {o.type}
                  </span>
                ))}
              </div>
            </div>
          ))}
          {!results.length && <div className="empty">No matching nodes</div>}
        </div>
      </div>
    </div>
  );
}
