import type { PresetInfo } from '@reelgraph/protocol';
import { useEffect, useRef, useState } from 'react';
import { useStore } from 'zustand';
import { installMissingPack, loadPreset, message, start } from '../actions';
import { SHORTCUTS } from '../keymap';
import { api } from '../state';
import { type MissingReport, toast, uiStore } from '../store/uiStore';
import { ConnectDialog } from './ConnectDialog';
import { close, Modal } from './Modal';

export function Dialogs() {
  const dialog = useStore(uiStore, (s) => s.dialog);
  if (dialog === 'help') return <HelpDialog />;
  if (dialog === 'presets') return <PresetsDialog />;
  if (dialog === 'missing') return <MissingDialog />;
  if (dialog === 'login') return <LoginDialog />;
  if (dialog === 'confirm') return <ConfirmDialog />;
  if (dialog === 'compare') return <CompareDialog />;
  if (dialog === 'connect') return <ConnectDialog />;
  return null;
}

/** Two videos side by side under one play button and one scrubber: the right one follows the left. */
function CompareDialog() {
  const pair = useStore(uiStore, (s) => s.compare);
  const left = useRef<HTMLVideoElement>(null);
  const right = useRef<HTMLVideoElement>(null);
  const [playing, setPlaying] = useState(false);
  const [time, setTime] = useState(0);
  const [duration, setDuration] = useState(0);
  if (!pair) return null;
  const both = () => [left.current, right.current].filter((v): v is HTMLVideoElement => v !== null);
  const seek = (t: number) => {
    for (const v of both()) v.currentTime = t;
    setTime(t);
  };
  const toggle = () => {
    const next = !playing;
    for (const v of both()) void (next ? v.play() : v.pause());
    setPlaying(next);
  };
  return (
    <Modal title="Compare">
      <div className="rg-compare">
        {pair.map((c, i) => (
          <figure key={c.url}>
            <video
              ref={i === 0 ? left : right}
              src={c.url}
              muted
              loop
              playsInline
              aria-label={c.label}
              onLoadedMetadata={(e) => i === 0 && setDuration(e.currentTarget.duration)}
              onTimeUpdate={(e) => {
                if (i !== 0) return;
                const t = e.currentTarget.currentTime;
                setTime(t);
                const r = right.current;
                if (r && Math.abs(r.currentTime - t) > 0.05) r.currentTime = t;
              }}
            />
            <figcaption>{c.label}</figcaption>
          </figure>
        ))}
      </div>
      <div className="rg-compare-controls">
        <button type="button" onClick={toggle}>
          {playing ? 'Pause' : 'Play'}
        </button>
        <input
          type="range"
          aria-label="Position"
          min={0}
          max={duration || 0}
          step={0.01}
          value={time}
          onChange={(e) => seek(Number(e.currentTarget.value))}
        />
      </div>
    </Modal>
  );
}

function ConfirmDialog() {
  const confirm = useStore(uiStore, (s) => s.confirm);
  if (!confirm) return null;
  return (
    <Modal title={confirm.title}>
      <p>{confirm.text}</p>
      <div className="rg-modal-actions">
        <button type="button" onClick={() => confirm.answer(false)}>
          Cancel
        </button>
        <button type="button" className="danger" onClick={() => confirm.answer(true)}>
          {confirm.yes}
        </button>
      </div>
    </Modal>
  );
}

function HelpDialog() {
  return (
    <Modal title="Keyboard shortcuts">
      <table className="rg-shortcuts">
        <tbody>
          {SHORTCUTS.map(({ keys, what }) => (
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

/** "needs fx ^1.2.0 — install": what the graph says provided the nodes, and the way to get it. */
function MissingPack({ pack, canInstall }: { pack: MissingReport['packs'][number]; canInstall: boolean }) {
  const [busy, setBusy] = useState(false);
  const range = pack.version ? `^${pack.version}` : undefined;
  const needs = `needs ${pack.name}${range ? ` ${range}` : ''}`;
  return (
    <li data-pack={pack.name}>
      <strong>{needs}</strong>
      {pack.package ? (
        canInstall ? (
          <>
            {' — '}
            <button
              type="button"
              disabled={busy}
              onClick={async () => {
                setBusy(true);
                await installMissingPack(pack.package!, range);
                setBusy(false);
              }}
            >
              {busy ? 'Installing…' : `Install ${pack.package}`}
            </button>
          </>
        ) : (
          <span className="muted">
            {' — '}install it:{' '}
            <code>
              reelgraph add {pack.package}
              {range ? `@${range}` : ''}
            </code>
          </span>
        )
      ) : (
        <span className="muted"> (not from the npm registry: get it from its author)</span>
      )}
    </li>
  );
}

function MissingDialog() {
  const missing = useStore(uiStore, (s) => s.missing);
  const canInstall = useStore(uiStore, (s) => s.canInstallPacks === true);
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
          <ul className="rg-missing-packs">
            {missing.packs.map((p) => (
              <MissingPack key={p.name} pack={p} canInstall={canInstall} />
            ))}
          </ul>
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
