import { memo, useEffect, useState } from 'react';
import { api } from '../../state';
import type { WidgetProps } from './types';

/** Names the server gives uploads (docs/protocol.md); other values are paths for headless runs. */
const UPLOAD_NAME = /^[0-9a-f]{32}\.(png|jpe?g|webp|gif)$/;
/** A preset's own image (`graphs/assets/start.png`), served by `/api/presets/assets/:name`. */
const PRESET_ASSET = /(?:^|\/)assets\/([A-Za-z0-9][A-Za-z0-9_.-]*\.(?:png|jpe?g|webp|gif))$/;

/** Where the editor can show the image a value names, and the name to show for it. */
export function imageSource(value: string): { url?: string; label: string } {
  if (UPLOAD_NAME.test(value)) return { url: `/api/uploads/${value}`, label: value.slice(0, 12) };
  const asset = PRESET_ASSET.exec(value)?.[1];
  if (asset) return { url: `/api/presets/assets/${asset}`, label: asset };
  return { label: value.split(/[\\/]/).pop() || value };
}

/** The file name an upload arrived with, asked of the server once per name. */
const originalNames = new Map<string, Promise<string | undefined>>();
function originalName(name: string): Promise<string | undefined> {
  let p = originalNames.get(name);
  if (!p) {
    p = api.uploadInfo(name).then(
      (info) => info.originalName,
      () => undefined,
    );
    originalNames.set(name, p);
  }
  return p;
}

/** Upload an image to the server; the value is the name it gave the file. Shows a thumbnail and the file's own name. */
export const ImageWidget = memo(function ImageWidget({ label, value, onChange, invalid }: WidgetProps) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const name = typeof value === 'string' ? value : '';
  const source = imageSource(name);
  const [shown, setShown] = useState<string | undefined>();
  useEffect(() => {
    setShown(undefined);
    if (!UPLOAD_NAME.test(name)) return;
    let live = true;
    void originalName(name).then((n) => live && setShown(n));
    return () => {
      live = false;
    };
  }, [name]);
  const display = shown ?? source.label;
  return (
    <div className={`w-image nodrag${invalid ? ' invalid' : ''}`} data-widget="image">
      <label className="w-image-pick">
        <span className="w-label">{label}</span>
        <span className="w-value" title={name} data-file-name={display}>
          {busy ? 'uploading…' : name ? display : 'choose image'}
        </span>
        <input
          type="file"
          accept="image/png,image/jpeg,image/webp,image/gif"
          aria-label={label}
          hidden
          onChange={async (e) => {
            const file = e.currentTarget.files?.[0];
            if (!file) return;
            setBusy(true);
            setError(null);
            try {
              const up = await api.upload(file, file.name);
              originalNames.set(up.name, Promise.resolve(up.originalName ?? file.name));
              onChange(up.name);
            } catch (err) {
              setError(err instanceof Error ? err.message : String(err));
            } finally {
              setBusy(false);
            }
          }}
        />
      </label>
      {source.url && <img className="w-thumb" src={source.url} alt={display} loading="lazy" />}
      {error && <div className="w-error">{error}</div>}
    </div>
  );
});
