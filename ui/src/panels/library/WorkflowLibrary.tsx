import type { PresetInfo } from '@reelgraph/protocol';
import { useEffect, useState } from 'react';
import { useStore } from 'zustand';
import { message } from '../../actions';
import {
  deleteSaved,
  libraryStore,
  openPresetInTab,
  openSaved,
  refreshLibrary,
  renameSaved,
  saveToLibrary,
} from '../../library';
import { api, useEditor } from '../../state';

/** Save the open graph under a name; open or delete saved ones; open a preset. Each opens in a new tab. */
export function WorkflowLibrary() {
  const { saved, error } = useStore(libraryStore);
  const title = useEditor((s) => s.docMeta.title);
  const [name, setName] = useState(title ?? '');
  const [presets, setPresets] = useState<PresetInfo[] | null>(null);
  const [presetError, setPresetError] = useState<string>();
  const [renaming, setRenaming] = useState<string>();
  useEffect(() => setName(title ?? ''), [title]);
  useEffect(() => {
    void refreshLibrary();
    api.presets().then(setPresets, (err) => {
      setPresets([]);
      setPresetError(message(err));
    });
  }, []);
  const trimmed = name.trim();
  return (
    <div className="rg-library">
      <form
        className="rg-library-save"
        onSubmit={(e) => {
          e.preventDefault();
          if (trimmed) void saveToLibrary(trimmed);
        }}
      >
        <input
          aria-label="Workflow name"
          placeholder="Name this workflow"
          maxLength={100}
          value={name}
          onChange={(e) => setName(e.currentTarget.value)}
        />
        <button type="submit" disabled={!trimmed}>
          Save to library
        </button>
      </form>
      <h3>My workflows</h3>
      {error && <p className="w-error">Library unavailable: {error}</p>}
      {saved && !saved.length && !error && <p className="muted">Nothing saved yet.</p>}
      <ul className="rg-library-list" aria-label="My workflows">
        {saved?.map((w) => (
          <li key={w.name} data-workflow-name={w.name}>
            {renaming === w.name ? (
              <RenameForm name={w.name} done={() => setRenaming(undefined)} />
            ) : (
              <>
                <button type="button" className="rg-library-open" onClick={() => void openSaved(w.name)}>
                  <span>{w.name}</span>
                  <span className="muted">
                    {w.nodeCount} nodes · {new Date(w.updatedAt).toLocaleString()}
                  </span>
                </button>
                <button type="button" aria-label={`Rename ${w.name}`} onClick={() => setRenaming(w.name)}>
                  Rename
                </button>
                <button
                  type="button"
                  aria-label={`Delete ${w.name}`}
                  onClick={() => void deleteSaved(w.name)}
                >
                  Delete
                </button>
              </>
            )}
          </li>
        ))}
      </ul>
      <h3>Presets</h3>
      {presetError && <p className="w-error">Presets unavailable: {presetError}</p>}
      <ul className="rg-library-list" aria-label="Presets">
        {presets?.map((p) => (
          <li key={p.name}>
            <button type="button" className="rg-library-open" onClick={() => void openPresetInTab(p.name)}>
              <span>{p.title ?? p.name}</span>
              <span className="muted">
                {p.nodeCount} nodes{p.description ? ` · ${p.description}` : ''}
              </span>
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** In place of a saved workflow's row: its new name; Enter renames, Escape leaves it as it was. */
function RenameForm({ name, done }: { name: string; done: () => void }) {
  const [to, setTo] = useState(name);
  const trimmed = to.trim();
  return (
    <form
      className="rg-library-rename"
      onSubmit={(e) => {
        e.preventDefault();
        if (trimmed) void renameSaved(name, trimmed).then((ok) => ok && done());
      }}
    >
      <input
        aria-label={`New name for ${name}`}
        maxLength={100}
        value={to}
        // biome-ignore lint/a11y/noAutofocus: the user just asked to type a new name here
        autoFocus
        onChange={(e) => setTo(e.currentTarget.value)}
        onKeyDown={(e) => {
          if (e.key !== 'Escape') return;
          e.stopPropagation();
          done();
        }}
      />
      <button type="submit" disabled={!trimmed}>
        Rename
      </button>
      <button type="button" onClick={done}>
        Cancel
      </button>
    </form>
  );
}
