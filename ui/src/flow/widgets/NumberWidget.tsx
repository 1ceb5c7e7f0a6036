import { memo, useRef, useState } from 'react';
import { constrainNumber, formatNumber, stepOf } from './number';
import type { WidgetProps } from './types';

/** A number you can drag horizontally, step with the arrows, or click to type. */
export const NumberWidget = memo(function NumberWidget({
  label,
  schema,
  value,
  onChange,
  invalid,
  model,
}: WidgetProps) {
  const v = typeof value === 'number' ? value : Number(schema.default ?? 0);
  const [editing, setEditing] = useState(false);
  const [note, setNote] = useState<string>();
  const drag = useRef<{ x: number; start: number; moved: boolean } | null>(null);
  const step = stepOf(schema);
  /** Typed and stepped values that had to change say why; a drag just stops at the limit. */
  const set = (n: number, quiet = false) => {
    const { value: next, reason } = constrainNumber(schema, n, model);
    onChange(next);
    if (!quiet) setNote(reason && `${formatNumber(schema, n)} → ${formatNumber(schema, next)}: ${reason}`);
  };
  const hint = note ? (
    <div className="w-note" role="status">
      {note}
    </div>
  ) : null;

  if (editing) {
    return (
      <>
        <input
          className="w-input nodrag"
          type="number"
          // biome-ignore lint/a11y/noAutofocus: the field appears because the user clicked the number to type
          autoFocus
          defaultValue={v}
          step={step}
          aria-label={label}
          onBlur={(e) => {
            set(Number(e.currentTarget.value));
            setEditing(false);
          }}
          onKeyDown={(e) => {
            if (e.key === 'Enter') e.currentTarget.blur();
            if (e.key === 'Escape') setEditing(false);
          }}
        />
        {hint}
      </>
    );
  }
  return (
    <>
      <div className={`w-number nodrag${invalid ? ' invalid' : ''}`} data-widget="number">
        <button
          type="button"
          className="w-step"
          aria-label={`decrease ${label}`}
          onClick={() => set(v - step)}
        >
          ‹
        </button>
        <div
          className="w-number-body"
          role="spinbutton"
          aria-label={label}
          aria-valuenow={v}
          tabIndex={0}
          onPointerDown={(e) => {
            e.currentTarget.setPointerCapture(e.pointerId);
            drag.current = { x: e.clientX, start: v, moved: false };
          }}
          onPointerMove={(e) => {
            const d = drag.current;
            if (!d) return;
            const dx = e.clientX - d.x;
            if (Math.abs(dx) > 3) d.moved = true;
            if (d.moved) set(d.start + Math.round(dx / 6) * step, true);
          }}
          onPointerUp={() => {
            if (drag.current && !drag.current.moved) setEditing(true);
            drag.current = null;
          }}
          onKeyDown={(e) => {
            if (e.key === 'ArrowUp' || e.key === 'ArrowRight') set(v + step);
            if (e.key === 'ArrowDown' || e.key === 'ArrowLeft') set(v - step);
            if (e.key === 'Enter') setEditing(true);
          }}
        >
          <span className="w-label">{label}</span>
          <span className="w-value">{formatNumber(schema, v)}</span>
        </div>
        <button
          type="button"
          className="w-step"
          aria-label={`increase ${label}`}
          onClick={() => set(v + step)}
        >
          ›
        </button>
      </div>
      {hint}
    </>
  );
});

export const SliderWidget = memo(function SliderWidget({
  label,
  schema,
  value,
  onChange,
  model,
}: WidgetProps) {
  const v = typeof value === 'number' ? value : Number(schema.default ?? 0);
  return (
    <label className="w-slider nodrag" data-widget="slider">
      <span className="w-label">{label}</span>
      <input
        type="range"
        min={schema.min ?? 0}
        max={schema.max ?? 100}
        step={stepOf(schema)}
        value={v}
        aria-label={label}
        onChange={(e) => onChange(constrainNumber(schema, Number(e.currentTarget.value), model).value)}
      />
      <span className="w-value">{formatNumber(schema, v)}</span>
    </label>
  );
});
