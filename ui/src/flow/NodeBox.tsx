import type { NodeSchema } from '@reelgraph/graph';
import { Handle, type Handle as HandleBounds, Position, useStoreApi } from '@xyflow/react';
import { useMemo } from 'react';
import type { NodeItem } from '../store/types';
import { handlesOf } from './farLayer';

/**
 * A node zoomed far out: its header (title, state colour) and its sockets, no widget DOM. A node drawn
 * at full detail before keeps its measured size and its sockets exactly where they were, so the switch
 * neither moves a link end nor makes React Flow measure again; one never drawn in full lists its sockets.
 */
export function NodeBox({
  id,
  item,
  schema,
  header,
}: {
  id: string;
  item: NodeItem;
  schema: NodeSchema | undefined;
  header: React.ReactNode;
}) {
  const flow = useStoreApi();
  // Read once per switch to the box (not subscribed: a drag or a pan must not re-render it).
  const measured = useMemo(() => {
    const n = flow.getState().nodeLookup.get(id);
    // A node made real far out (under the pointer) is new to React Flow: its sockets from when it was.
    const bounds = n?.internals.handleBounds ?? handlesOf(id);
    const { width, height } = n?.measured ?? {};
    return width && height && bounds ? { width, height, bounds } : undefined;
  }, [flow, id]);

  if (measured) {
    const { source, target } = measured.bounds;
    return (
      <div className="rg-node-box" style={{ height: measured.height - boxChrome }}>
        {header}
        {(target ?? []).map((h) => placed(h, 'target'))}
        {(source ?? []).map((h) => placed(h, 'source'))}
      </div>
    );
  }
  const inputs = Object.keys(schema?.inputs ?? item.inputs);
  const outputs = Object.keys(schema?.outputs ?? {});
  return (
    <div className="rg-node-box">
      {header}
      {outputs.map((name) => (
        <div className="rg-box-row out" key={`o:${name}`}>
          <Handle type="source" position={Position.Right} id={name} className="rg-handle" />
        </div>
      ))}
      {inputs.map((name) => (
        <div className="rg-box-row" key={`i:${name}`}>
          <Handle type="target" position={Position.Left} id={name} className="rg-handle" />
        </div>
      ))}
    </div>
  );
}

/** The node's border (1 px each side): `measured.height` includes it, the box's height does not. */
const boxChrome = 2;

/** A socket at the place React Flow measured it (node-relative, unscaled): the wrapper is its offset parent. */
function placed(h: HandleBounds, type: 'source' | 'target') {
  return (
    <Handle
      key={`${type}:${h.id}`}
      type={type}
      position={h.position}
      id={h.id ?? null}
      className="rg-handle placed"
      style={{ left: h.x, top: h.y, width: h.width, height: h.height, transform: 'none' }}
    />
  );
}
