import { isLink, subgraphIdOf } from '@reelgraph/graph';
import { useState } from 'react';
import { saveComponent } from '../components';
import { editor, useEditor } from '../state';
import { openSubgraph } from './SubgraphBreadcrumb';

export interface NodeMenuState {
  id: string;
  x: number;
  y: number;
}

const COLORS = [undefined, '#7a3b3b', '#3b6b3b', '#3b4f7a', '#6b5a2b', '#5a3b6b'];

/** Right-click menu: the operations on the selection, plus per-input widget ⇄ socket conversion. */
export function NodeMenu({ menu, onClose }: { menu: NodeMenuState; onClose(): void }) {
  const item = useEditor((s) => s.items[menu.id]);
  const schema = useEditor((s) => (item?.kind === 'node' ? s.catalog?.nodes[item.type] : undefined));
  const [renaming, setRenaming] = useState(false);
  const [naming, setNaming] = useState(false);
  if (!item) return null;
  const s = editor.getState();
  const selected = () => s.flow.filter((f) => f.selected).map((f) => f.id);
  const act = (fn: () => void) => () => {
    fn();
    onClose();
  };
  const title =
    item.kind === 'note'
      ? 'Note'
      : item.kind === 'group'
        ? item.title
        : (item.title ?? schema?.title ?? item.type);
  return (
    <div className="rg-menu" style={{ left: menu.x, top: menu.y }} role="menu" onMouseLeave={onClose}>
      {renaming && item.kind !== 'note' ? (
        <input
          // biome-ignore lint/a11y/noAutofocus: the field appears because the user asked to rename
          autoFocus
          aria-label="title"
          defaultValue={title}
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              s.setTitle(menu.id, e.currentTarget.value);
              onClose();
            }
            if (e.key === 'Escape') onClose();
          }}
        />
      ) : (
        item.kind !== 'note' && (
          <button type="button" role="menuitem" onClick={() => setRenaming(true)}>
            Rename…
          </button>
        )
      )}
      {item.kind === 'node' && (
        <>
          <button type="button" role="menuitem" onClick={act(() => s.toggleCollapsed(selected()))}>
            {item.collapsed ? 'Expand' : 'Collapse'} <kbd>Alt+C</kbd>
          </button>
          <button type="button" role="menuitem" onClick={act(() => s.toggleMode(selected(), 'bypassed'))}>
            {item.mode === 'bypassed' ? 'Un-bypass' : 'Bypass'} <kbd>Ctrl+B</kbd>
          </button>
          <button type="button" role="menuitem" onClick={act(() => s.toggleMode(selected(), 'muted'))}>
            {item.mode === 'muted' ? 'Unmute' : 'Mute'} <kbd>Ctrl+M</kbd>
          </button>
          {schema &&
            Object.entries(schema.inputs)
              .filter(([, i]) => i.widget !== 'socket')
              .map(([name, i]) => {
                const asSocket = isLink(item.inputs[name]) || item.sockets?.includes(name);
                return (
                  <button
                    key={name}
                    type="button"
                    role="menuitem"
                    onClick={act(() =>
                      asSocket ? s.convertToWidget(menu.id, name) : s.convertToSocket(menu.id, name),
                    )}
                  >
                    Convert {i.label ?? name} to {asSocket ? 'widget' : 'input'}
                  </button>
                );
              })}
        </>
      )}
      <div className="rg-menu-colors">
        {COLORS.map((c) => (
          <button
            key={c ?? 'none'}
            type="button"
            aria-label={`colour ${c ?? 'none'}`}
            style={{ background: c ?? 'transparent' }}
            onClick={act(() => s.setColor(selected(), c))}
          />
        ))}
      </div>
      <button type="button" role="menuitem" onClick={act(() => s.duplicateSelection())}>
        Duplicate <kbd>Ctrl+D</kbd>
      </button>
      <button type="button" role="menuitem" onClick={act(() => s.groupSelection())}>
        Group selection <kbd>Ctrl+G</kbd>
      </button>
      {item.kind === 'node' && (
        <button type="button" role="menuitem" onClick={act(() => s.convertSelectionToSubgraph())}>
          Convert to subgraph
        </button>
      )}
      {item.kind === 'node' && subgraphIdOf(item.type) !== undefined && (
        <>
          <button type="button" role="menuitem" onClick={act(() => openSubgraph(menu.id))}>
            Open subgraph
          </button>
          <button type="button" role="menuitem" onClick={act(() => s.unpackSubgraph(menu.id))}>
            Unpack subgraph
          </button>
          {naming ? (
            <input
              // biome-ignore lint/a11y/noAutofocus: the field appears because the user asked to name it
              autoFocus
              aria-label="component name"
              defaultValue={title}
              onKeyDown={(e) => {
                if (e.key === 'Enter') {
                  void saveComponent(menu.id, e.currentTarget.value.trim());
                  onClose();
                }
                if (e.key === 'Escape') onClose();
              }}
            />
          ) : (
            <button type="button" role="menuitem" onClick={() => setNaming(true)}>
              Save as component…
            </button>
          )}
        </>
      )}
      <button type="button" role="menuitem" className="danger" onClick={act(() => s.deleteSelection())}>
        Delete <kbd>Del</kbd>
      </button>
    </div>
  );
}
