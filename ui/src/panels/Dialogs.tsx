import type { PresetInfo } from '@reelgraph/protocol';
import { useEffect, useState } from 'react';
import { useStore } from 'zustand';
import { loadPreset, message, start } from '../actions';
import { api } from '../state';
import { toast, uiStore } from '../store/uiStore';
import { SHORTCUTS } from './shortcuts';

const close = () => uiStore.setState({ dialog: undefined });

function Modal({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: clicking outside closes; so does the close button
    <div className="rg-modal-backdrop" onMouseDown={close}>
      <div className="rg-modal" role="dialog" aria-label={title} onMouseDown={(e) => e.stopPropagation()}>
        <header>
          <h2>{title}</h2>
          <button type="button" aria-label="close" onClick={close}>
            ✕
          </button>
        </header>
        {children}
      </div>
    </div>
  );
}

export function Dialogs() {
  const dialog = useStore(uiStore, (s) => s.dialog);
  if (dialog === 'help') return <HelpDialog />;
  if (dialog === 'presets') return <PresetsDialog />;
  if (dialog === 'missing') return <MissingDialog />;
  if (dialog === 'login') return <LoginDialog />;
  return null;
}

function HelpDialog() {
  return (
    <Modal title="Keyboard shortcuts">
      <table className="rg-shortcuts">
        <tbody>
          {SHORTCUTS.map(([keys, what]) => (
            <tr key={keys}>
              <td>
                <kbd>{keys}</kbd>
              </td>
              <td>{what}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Modal>
  );
}

function PresetsDialog() {
  const [presets, setPresets] = useState<PresetInfo[] | null>(null);
  useEffect(() => {
    api
      .presets()
      .then(setPresets)
      .catch((err) => {
        toast(`Presets unavailable: ${message(err)}`, 'error');
        setPresets([]);
      });
  }, []);
  return (
    <Modal title="Presets">
      {!presets && <p>Loading…</p>}
      {presets && !presets.length && <p className="muted">The server has no presets.</p>}
      <ul className="rg-presets">
        {presets?.map((p) => (
          <li key={p.name}>
            <button type="button" data-preset={p.name} onClick={() => void loadPreset(p.name)}>
              <strong>{p.title || p.name}</strong> <span className="muted">{p.nodeCount} nodes</span>
              <div className="muted">{p.description}</div>
            </button>
          </li>
        ))}
      </ul>
    </Modal>
  );
}

function MissingDialog() {
  const missing = useStore(uiStore, (s) => s.missing);
  if (!missing) return null;
  const imported = missing.imported;
  const lacking = missing.nodes.length > 0 || missing.values.length > 0 || (missing.foreign?.length ?? 0) > 0;
  return (
    <Modal
      title={
        imported ? `Imported from ComfyUI: ${imported.source}` : 'This graph needs things the server lacks'
      }
    >
      {imported && (
        <section className="rg-import-report">
          <p>
            {imported.format === 'workflow' ? 'Workflow' : 'API prompt'}: {imported.mapped} node(s) became
            Reelgraph nodes, {imported.folded} folded into them
            {missing.foreign?.length ? '' : '; nothing was left behind'}.
          </p>
          {imported.warnings.length > 0 && (
            <ul className="rg-import-warnings">
              {imported.warnings.map((w) => (
                <li key={w}>{w}</li>
              ))}
            </ul>
          )}
        </section>
      )}
      {missing.foreign && missing.foreign.length > 0 && (
        <>
          <h3>ComfyUI nodes with no Reelgraph equivalent</h3>
          <p className="muted">
            Kept as they are (and written back on export); replace or remove them to run the graph.
          </p>
          <ul>
            {missing.foreign.map((f) => (
              <li key={f.class}>
                <code>{f.class}</code> <span className="muted">(nodes {f.ids.join(', ')})</span>
              </li>
            ))}
          </ul>
        </>
      )}
      {!lacking && imported && <p className="muted">Everything the graph needs is on this server.</p>}
      {missing.nodes.length > 0 && (
        <>
          <h3>Missing node types</h3>
          <p className="muted">
            Install the node pack that provides them; they are kept in the graph, drawn in red.
          </p>
          <ul>
            {missing.nodes.map((n) => (
              <li key={n.type}>
                <code>{n.type}</code> <span className="muted">(nodes {n.ids.join(', ')})</span>
              </li>
            ))}
          </ul>
        </>
      )}
      {missing.values.length > 0 && (
        <>
          <h3>Missing models and choices</h3>
          <p className="muted">
            Put the model in the server's models folder, or pick one that exists on the node.
          </p>
          <ul>
            {missing.values.map((v) => (
              <li key={`${v.nodeId}:${v.input}`}>
                node {v.nodeId} · {v.input}: <code>{v.value}</code>{' '}
                <span className="muted">(available: {v.options.join(', ') || 'none'})</span>
              </li>
            ))}
          </ul>
        </>
      )}
      <button type="button" onClick={close}>
        Keep editing
      </button>
    </Modal>
  );
}

function LoginDialog() {
  const [token, setToken] = useState('');
  return (
    <Modal title="Sign in">
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          try {
            await api.login(token);
            close();
            await start();
          } catch (err) {
            toast(`Sign-in failed: ${message(err)}`, 'error');
          }
        }}
      >
        <p>This server requires its access token.</p>
        <input
          type="password"
          aria-label="token"
          value={token}
          onChange={(e) => setToken(e.currentTarget.value)}
        />
        <button type="submit">Sign in</button>
      </form>
    </Modal>
  );
}

export function Toasts() {
  const toasts = useStore(uiStore, (s) => s.toasts);
  return (
    <div className="rg-toasts" aria-live="polite">
      {toasts.map((t) => (
        <div key={t.id} className={`rg-toast ${t.kind}`} role={t.kind === 'error' ? 'alert' : 'status'}>
          {t.text}
        </div>
      ))}
    </div>
  );
}
