import { BaseEdge, type EdgeProps, getBezierPath } from '@xyflow/react';
import { memo } from 'react';
import { countEdgeRender } from '../lib/perf';
import { useItems } from '../state';
import { reroutedPath } from '../store/reroutes';
import type { FlowEdge } from '../store/types';
import { LinkMenu } from './LinkMenu';
import { ReroutePoint } from './ReroutePoint';

/** Edges take the colour of the socket type they carry, and pass through their reroute points. */
export const TypedEdge = memo(function TypedEdge(props: EdgeProps<FlowEdge>) {
  const color = useItems((s) => s.catalog?.types[props.data?.type ?? '']?.color);
  const input = props.targetHandleId ?? '';
  const points = useItems((s) => {
    const item = s.items[props.target];
    return item?.kind === 'node' ? item.reroutes?.[input] : undefined;
  });
  countEdgeRender(props.id);
  const from = { x: props.sourceX, y: props.sourceY };
  const to = { x: props.targetX, y: props.targetY };
  let path: string;
  let mid: { x: number; y: number };
  if (points?.length) ({ path, mid } = reroutedPath(from, to, points));
  else {
    const [p, x, y] = getBezierPath(props);
    path = p;
    mid = { x, y };
  }
  const stroke = color ?? '#888';
  return (
    <>
      <BaseEdge
        id={props.id}
        path={path}
        style={{ stroke, strokeWidth: props.selected ? 3 : 2, opacity: props.selected ? 1 : 0.85 }}
      />
      {points?.map((p, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: a point is its place in the chain
        <ReroutePoint key={i} target={props.target} input={input} index={i} at={p} color={stroke} />
      ))}
      {props.selected && <LinkMenu target={props.target} input={input} from={from} to={to} mid={mid} />}
    </>
  );
});
