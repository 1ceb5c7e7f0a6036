import { GRAPH_VERSION } from '@reelgraph/graph';
import { ReactFlowProvider } from '@xyflow/react';
import { useStore } from 'zustand';
import { exportComfyApi, layoutGraph, pickFile, runGraph, saveToFile } from './actions';
import { Canvas } from './flow/Canvas';
import { Dialogs, Toasts } from './panels/Dialogs';
import { Gallery } from './panels/Gallery';
import { Sidebar } from './panels/library/Sidebar';
import { Palette } from './panels/Palette';
import { QueuePanel } from './panels/QueuePanel';
import { WorkflowTabs } from './panels/WorkflowTabs';
import { editor, useEditor, useRun } from './state';
import { toggleSidebar, uiStore } from './store/uiStore';
import { useShortcuts } from './useShortcuts';

function Toolbar() {
  const canUndo = useEditor((s) => s.history.past.length > 0);
  const canRedo = useEditor((s) => s.history.future.length > 0);
  const connected = useRun((s) => s.connected);
  const active = useRun(
    (s) => Object.values(s.jobs).filter((j) => j.state === 'queued' || j.state === 'running').length,
  );
  const panel = useStore(uiStore, (s) => s.panel);
  const sidebar = useStore(uiStore, (s) => s.sidebar);
  const s = editor.getState();
  return (
    <nav className="rg-toolbar" aria-label="Toolbar">
      <button
        type="button"
        aria-pressed={sidebar !== null}
        onClick={() => toggleSidebar(sidebar ?? 'workflows')}
        title="Library: workflows (W), nodes (L), models (M)"
      >
        ☰ Library
      </button>
      <strong className="rg-brand">Reelgraph</strong>
      <button type="button" className="primary" onClick={() => void runGraph()} title="Ctrl+Enter">
        ▶ Run
      </button>
      <span className="muted" data-testid="active-jobs">
        {active ? `${active} in queue` : ''}
      </span>
      <span className="sep" />
      <button
        type="button"
        onClick={() => s.load({ version: GRAPH_VERSION, nodes: {} }, { keepHistory: true })}
      >
        New
      </button>
      <button type="button" onClick={pickFile} title="Ctrl+O">
        Open
      </button>
      <button type="button" onClick={saveToFile} title="Ctrl+S">
        Save
      </button>
      <button type="button" onClick={exportComfyApi} title="Download the graph as a ComfyUI API prompt">
        Export ComfyUI
      </button>
      <button type="button" onClick={() => uiStore.setState({ dialog: 'presets' })}>
        Presets
      </button>
      <span className="sep" />
      <button type="button" disabled={!canUndo} onClick={() => s.undo()} title="Ctrl+Z">
        Undo
      </button>
      <button type="button" disabled={!canRedo} onClick={() => s.redo()} title="Ctrl+Shift+Z">
        Redo
      </button>
      <button type="button" onClick={() => void layoutGraph()} title="Ctrl+Shift+L">
        Layout
      </button>
      <button type="button" onClick={() => s.groupSelection()} title="Ctrl+G">
        Group
      </button>
      <span className="sep" />
      <button
        type="button"
        aria-pressed={panel === 'queue'}
        onClick={() => uiStore.setState({ panel: panel === 'queue' ? null : 'queue' })}
      >
        Queue
      </button>
      <button
        type="button"
        aria-pressed={panel === 'gallery'}
        onClick={() => uiStore.setState({ panel: panel === 'gallery' ? null : 'gallery' })}
      >
        Outputs
      </button>
      <button type="button" onClick={() => uiStore.setState({ dialog: 'help' })} title="?">
        ?
      </button>
      <span
        className={`rg-conn ${connected ? 'on' : 'off'}`}
        title={connected ? 'connected' : 'disconnected'}
      />
    </nav>
  );
}

function Shell() {
  useShortcuts();
  const panel = useStore(uiStore, (s) => s.panel);
  return (
    <div className="rg-app">
      <Toolbar />
      <WorkflowTabs />
      <main className="rg-main">
        <Sidebar />
        <Canvas />
        {panel === 'queue' && <QueuePanel />}
        {panel === 'gallery' && <Gallery />}
      </main>
      <Palette />
      <Dialogs />
      <Toasts />
    </div>
  );
}

export function App() {
  return (
    <ReactFlowProvider>
      <Shell />
    </ReactFlowProvider>
  );
}
