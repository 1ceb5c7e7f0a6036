import { memo, useState } from 'react';
import { api } from '../../state';
import type { WidgetProps } from './types';

/** Names the server gives uploads (docs/protocol.md); other values are paths for headless runs. */
const UPLOAD_NAME = /^[0-9a-f]{32}\.(png|jpe?g|webp|gif)$/;

/** Upload an image to the server; the value is the name it gave the file. Shows a thumbnail. */
export const ImageWidget = memo(function ImageWidget({ label, value, onChange, invalid }: WidgetProps) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const name = typeof value === 'string' ? value : '';
  return (
    <div className={`w-image nodrag${invalid ? ' invalid' : ''}`} data-widget="image">
      <label className="w-image-pick">
        <span className="w-label">{label}</span>
        <span className="w-value">{busy ? 'uploading…' : name ? name.slice(0, 12) : 'choose image'}</span>
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
              onChange(up.name);
            } catch (err) {
              setError(err instanceof Error ? err.message : String(err));
            } finally {
              setBusy(false);
            }
          }}
        />
      </label>
      {UPLOAD_NAME.test(name) && <img className="w-thumb" src={`/api/uploads/${name}`} alt={label} />}
      {error && <div className="w-error">{error}</div>}
    </div>
  );
});
