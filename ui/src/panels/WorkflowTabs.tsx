import { useState } from 'react';
import { useStore } from 'zustand';
import { useEditor } from '../state';
import {
  closeTab,
  isDirty,
  newTab,
  renameActive,
  switchTab,
  tabsStore,
  type WorkflowTab,
} from '../workflows';

/** The open workflows: click to switch, double-click the active one to rename, × to close, + for a new one. */
export function WorkflowTabs() {
  const { tabs, active } = useStore(tabsStore);
  return (
    <div className="rg-tabs" role="tablist" aria-label="Workflows">
      {tabs.map((t) => (
        <Tab key={t.id} tab={t} active={t.id === active} closable={tabs.length > 1} />
      ))}
      <button
        type="button"
        className="rg-tab-new"
        aria-label="Add a workflow tab"
        onClick={() => void newTab()}
      >
        +
      </button>
    </div>
  );
}

function Tab({ tab, active, closable }: { tab: WorkflowTab; active: boolean; closable: boolean }) {
  // The active tab follows the editor: its title, and its history for the unsaved marker.
  const liveTitle = useEditor((s) => (active ? s.docMeta.title : undefined));
  useEditor((s) => (active ? s.history : undefined));
  const [renaming, setRenaming] = useState(false);
  const title = (active ? liveTitle : tab.title) || 'Untitled';
  const dirty = isDirty(tab, active);
  return (
    <div className={`rg-tab${active ? ' active' : ''}${dirty ? ' dirty' : ''}`} data-workflow={tab.id}>
      {renaming ? (
        <input
          className="rg-tab-rename"
          aria-label="Workflow name"
          defaultValue={liveTitle ?? ''}
          // biome-ignore lint/a11y/noAutofocus: the field appears because the user asked to rename
          autoFocus
          onBlur={(e) => {
            renameActive(e.currentTarget.value);
            setRenaming(false);
          }}
          onKeyDown={(e) => {
            if (e.key === 'Enter') e.currentTarget.blur();
            if (e.key === 'Escape') setRenaming(false);
          }}
        />
      ) : (
        <button
          type="button"
          role="tab"
          aria-selected={active}
          title={active ? 'Double-click to rename' : title}
          onClick={() => switchTab(tab.id)}
          onDoubleClick={() => active && setRenaming(true)}
        >
          {title}
          {dirty && (
            <span className="rg-tab-dirty" title="Unsaved changes">
              {' '}
              •
            </span>
          )}
        </button>
      )}
      {closable && (
        <button
          type="button"
          className="rg-tab-close"
          aria-label={`Close ${title}`}
          onClick={() => void closeTab(tab.id)}
        >
          ×
        </button>
      )}
    </div>
  );
}
