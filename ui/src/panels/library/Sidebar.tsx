import { useStore } from 'zustand';
import { type SidebarTab, uiStore } from '../../store/uiStore';
import { ModelLibrary } from './ModelLibrary';
import { NodeLibrary } from './NodeLibrary';
import { WorkflowLibrary } from './WorkflowLibrary';

const TABS: { id: SidebarTab; label: string; key: string }[] = [
  { id: 'workflows', label: 'Workflows', key: 'W' },
  { id: 'nodes', label: 'Nodes', key: 'L' },
  { id: 'models', label: 'Models', key: 'M' },
];

/** The library: workflows (presets and the user's saved ones), the node tree, the models. */
export function Sidebar() {
  const tab = useStore(uiStore, (s) => s.sidebar);
  if (!tab) return null;
  return (
    <aside className="rg-sidebar" aria-label="Library">
      <div className="rg-sidebar-tabs" role="tablist" aria-label="Library lists">
        {TABS.map((t) => (
          <button
            key={t.id}
            type="button"
            role="tab"
            aria-selected={t.id === tab}
            title={`${t.label} (${t.key})`}
            onClick={() => uiStore.setState({ sidebar: t.id })}
          >
            {t.label}
          </button>
        ))}
        <button
          type="button"
          className="rg-sidebar-close"
          aria-label="Close the library"
          onClick={() => uiStore.setState({ sidebar: null })}
        >
          ×
        </button>
      </div>
      <div className="rg-sidebar-body" role="tabpanel">
        {tab === 'workflows' && <WorkflowLibrary />}
        {tab === 'nodes' && <NodeLibrary />}
        {tab === 'models' && <ModelLibrary />}
      </div>
    </aside>
  );
}
