import { memo } from 'react';
import type { WidgetProps } from './types';

export const ComboWidget = memo(function ComboWidget({
  label,
  schema,
  value,
  onChange,
  invalid,
}: WidgetProps) {
  const options = schema.options ?? [];
  const v = String(value ?? '');
  return (
    <label className={`w-combo nodrag${invalid ? ' invalid' : ''}`} data-widget="combo">
      <span className="w-label">{label}</span>
      <select aria-label={label} value={v} onChange={(e) => onChange(e.currentTarget.value)}>
        {!options.includes(v) && <option value={v}>{v ? `${v} (missing)` : '—'}</option>}
        {options.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
    </label>
  );
});

export const TextWidget = memo(function TextWidget({ label, schema, value, onChange, invalid }: WidgetProps) {
  const v = String(value ?? '');
  const cls = `w-text nodrag nowheel${invalid ? ' invalid' : ''}`;
  if (schema.multiline) {
    return (
      <textarea
        className={cls}
        data-widget="text"
        aria-label={label}
        placeholder={label}
        value={v}
        rows={4}
        onChange={(e) => onChange(e.currentTarget.value)}
      />
    );
  }
  return (
    <label className="w-line nodrag" data-widget="text">
      <span className="w-label">{label}</span>
      <input className={cls} aria-label={label} value={v} onChange={(e) => onChange(e.currentTarget.value)} />
    </label>
  );
});

export const ToggleWidget = memo(function ToggleWidget({ label, value, onChange }: WidgetProps) {
  return (
    <label className="w-toggle nodrag" data-widget="toggle">
      <span className="w-label">{label}</span>
      <input
        type="checkbox"
        aria-label={label}
        checked={value === true}
        onChange={(e) => onChange(e.currentTarget.checked)}
      />
    </label>
  );
});

/** Must-link inputs have no widget: the row shows only the socket. */
export const SocketWidget = memo(function SocketWidget() {
  return null;
});
