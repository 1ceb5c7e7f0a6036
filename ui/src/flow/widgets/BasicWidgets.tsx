import { promptWarnings, promptWords, type ResolvedModel } from '@reelgraph/graph';
import { memo, useMemo } from 'react';
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

export const TextWidget = memo(function TextWidget({
  label,
  schema,
  value,
  onChange,
  invalid,
  model,
}: WidgetProps) {
  const v = String(value ?? '');
  const cls = `w-text nodrag nowheel${invalid ? ' invalid' : ''}`;
  const prompt = model && schema.modelRule?.rule === 'prompt' ? model : undefined;
  if (schema.multiline) {
    return (
      <>
        <textarea
          className={cls}
          data-widget="text"
          aria-label={label}
          placeholder={label}
          value={v}
          rows={4}
          onChange={(e) => onChange(e.currentTarget.value)}
        />
        {prompt && <PromptWords text={v} model={prompt} />}
      </>
    );
  }
  return (
    <label className="w-line nodrag" data-widget="text">
      <span className="w-label">{label}</span>
      <input className={cls} aria-label={label} value={v} onChange={(e) => onChange(e.currentTarget.value)} />
    </label>
  );
});

/** The prompt as the model reads it: unknown words marked, cut words struck, and what that means. */
function PromptWords({ text, model }: { text: string; model: ResolvedModel }) {
  const words = useMemo(() => promptWords(text, model.constraints), [text, model]);
  const warnings = useMemo(() => promptWarnings(text, model), [text, model]);
  // All words known and kept: nothing to say.
  if (!warnings.length) return null;
  return (
    <div className="w-words" data-model={model.id}>
      <p className="w-word-list">
        {words.map((w, i) => (
          <span
            // biome-ignore lint/suspicious/noArrayIndexKey: words repeat; their order is their identity
            key={i}
            className={w.known ? (w.cut ? 'w-word cut' : 'w-word') : 'w-word unknown'}
            title={
              w.known
                ? w.cut
                  ? 'past the model’s text length'
                  : undefined
                : 'the model does not know this word'
            }
          >
            {w.word}
          </span>
        ))}
      </p>
      {warnings.map((w) => (
        <p key={w} className="w-warning" role="status">
          {w}
        </p>
      ))}
    </div>
  );
}

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
