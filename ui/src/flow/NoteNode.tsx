import { type NodeProps, NodeResizer } from '@xyflow/react';
import { memo } from 'react';
import { editor, useItems } from '../state';
import type { FlowNode, NoteItem } from '../store/types';

export const NoteNode = memo(function NoteNode({ id, selected }: NodeProps<FlowNode>) {
  const item = useItems((s) => s.items[id]) as NoteItem | undefined;
  if (!item) return null;
  return (
    <div
      className={`rg-note${selected ? ' selected' : ''}`}
      style={item.color ? { background: item.color } : undefined}
    >
      <NodeResizer isVisible={Boolean(selected)} minWidth={120} minHeight={60} />
      <textarea
        className="nodrag nowheel"
        aria-label="note"
        placeholder="Note…"
        value={item.text}
        onChange={(e) => editor.getState().setNoteText(id, e.currentTarget.value)}
      />
    </div>
  );
});
