import { memo } from 'react';
import { editor, useItems } from '../../state';
import { SEED_CONTROLS, type SeedControl } from '../../store/types';
import { NumberWidget } from './NumberWidget';
import type { WidgetProps } from './types';

/** A seed: a number plus what happens to it after each queued run. Default `fixed` keeps runs reproducible. */
export const SeedWidget = memo(function SeedWidget(props: WidgetProps) {
  const { nodeId, name, schema, onChange } = props;
  const control = useItems((s) => {
    const item = s.items[nodeId];
    return (item?.kind === 'node' ? item.controls?.[name] : undefined) ?? 'fixed';
  });
  const max = Math.min(schema.max ?? 2 ** 32 - 1, 2 ** 32 - 1);
  return (
    <div className="w-seed" data-widget="seed">
      <NumberWidget {...props} />
      <div className="w-seed-row nodrag">
        <select
          aria-label={`${props.label} control after generate`}
          value={control}
          onChange={(e) => editor.getState().setControl(nodeId, name, e.currentTarget.value as SeedControl)}
        >
          {SEED_CONTROLS.map((c) => (
            <option key={c} value={c}>
              {c === 'fixed' ? 'fixed' : `${c} after run`}
            </option>
          ))}
        </select>
        <button
          type="button"
          title="New random seed"
          onClick={() => onChange((schema.min ?? 0) + Math.floor(Math.random() * (max - (schema.min ?? 0))))}
        >
          rand
        </button>
      </div>
    </div>
  );
});
