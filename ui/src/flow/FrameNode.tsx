import { type NodeProps, NodeResizer } from '@xyflow/react';
import { memo, useState } from 'react';
import { editor, useItems } from '../state';
import type { FlowNode, GroupItem } from '../store/types';

/** A group frame; dragging it carries the nodes inside (see the store's drag handling). */
export const FrameNode = memo(function FrameNode({ id, selected }: NodeProps<FlowNode>) {
  const item = useItems((s) => s.items[id]) as GroupItem | undefined;
  const [editing, setEditing] = useState(false);
  if (!item) return null;
  return (
    <div
      className={`rg-frame${selected ? ' selected' : ''}`}
      style={{ '--frame-color': item.color ?? '#4a6fa5' } as React.CSSProperties}
    >
      <NodeResizer isVisible={Boolean(selected)} minWidth={120} minHeight={80} />
      {editing ? (
        <input
          className="rg-frame-title nodrag"
          // biome-ignore lint/a11y/noAutofocus: the field appears because the user asked to rename
          autoFocus
          defaultValue={item.title}
          aria-label="group title"
          onBlur={(e) => {
            editor.getState().setTitle(id, e.currentTarget.value);
            setEditing(false);
          }}
          onKeyDown={(e) => e.key === 'Enter' && e.currentTarget.blur()}
        />
      ) : (
        <button
          type="button"
          className="rg-frame-title"
          onDoubleClick={() => setEditing(true)}
          title="Double-click to rename"
        >
          {item.title}
        </button>
      )}
    </div>
  );
});
