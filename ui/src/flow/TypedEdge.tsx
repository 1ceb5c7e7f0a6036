import { BaseEdge, type EdgeProps, getBezierPath } from '@xyflow/react';
import { memo } from 'react';
import { countEdgeRender } from '../lib/perf';
import { useItems } from '../state';
import type { FlowEdge } from '../store/types';

/** Edges take the colour of the socket type they carry. */
export const TypedEdge = memo(function TypedEdge(props: EdgeProps<FlowEdge>) {
  const color = useItems((s) => s.catalog?.types[props.data?.type ?? '']?.color);
  countEdgeRender(props.id);
  const [path] = getBezierPath(props);
  return (
    <BaseEdge
      id={props.id}
      path={path}
      style={{
        stroke: color ?? '#888',
        strokeWidth: props.selected ? 3 : 2,
        opacity: props.selected ? 1 : 0.85,
      }}
    />
  );
});
