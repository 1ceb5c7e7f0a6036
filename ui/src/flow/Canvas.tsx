import {
  Background,
  type Connection,
  ControlButton,
  Controls,
  type FinalConnectionState,
  MiniMap,
  ReactFlow,
  useReactFlow,
  useStoreApi,
} from '@xyflow/react';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useStore } from 'zustand';
import { openFile } from '../actions';
import { flow as perfFlow } from '../lib/perf';
import { NODE_DRAG_TYPE } from '../panels/library/drop-point';
import { editor, useEditor } from '../state';
import type { FlowEdge, FlowNode, NodeItem } from '../store/types';
import { toast, uiStore } from '../store/uiStore';
import { FarCanvas } from './FarCanvas';
import { FrameNode } from './FrameNode';
import { farNodeAt, farNodesInside, rememberHandles } from './farLayer';
import { fitEstimated, fitGraph } from './fitEstimate';
import { GenericNode } from './GenericNode';
import { addReroute } from './LinkMenu';
import { isFar, useFar } from './lod';
import { NodeMenu, type NodeMenuState } from './NodeMenu';
import { NoteNode } from './NoteNode';
import { openSubgraph, SubgraphBreadcrumb } from './SubgraphBreadcrumb';
import { TypedEdge } from './TypedEdge';

// Module constants: React Flow re-mounts everything when these objects change identity.
const nodeTypes = { rg: GenericNode, frame: FrameNode, note: NoteNode };
const edgeTypes = { typed: TypedEdge };
const defaultEdgeOptions = { type: 'typed' };
const proOptions = { hideAttribution: true };
const multiSelectKeys = ['Shift', 'Meta', 'Control'];
// Benchmark switches (?cull=0&minimap=0, and ?lod=0 in ./lod) to compare rendering strategies.
const flags = new URLSearchParams(location.search);
const CULL = flags.get('cull') !== '0';
const MINIMAP = flags.get('minimap') !== '0';

const asRequest = (c: Connection | FlowEdge) => ({
  source: c.source,
  output: c.sourceHandle ?? '',
  target: c.target,
  input: c.targetHandle ?? '',
});

const onNodesChange = editor.getState().onNodesChange;
// Double-click a subgraph instance (not one of its widgets): edit its inside.
const onNodeDoubleClick = (e: React.MouseEvent, node: FlowNode) => {
  if ((e.target as Element).closest('input, textarea, select, button')) return;
  openSubgraph(node.id);
};
const onEdgesChange = editor.getState().onEdgesChange;

/** Set when a dragged link end found a new socket; otherwise releasing it removes the link. */
let reconnected = false;
const onReconnectStart = () => {
  reconnected = false;
};
const onReconnect = (old: FlowEdge, c: Connection) => {
  const problem = editor
    .getState()
    .reconnect({ target: old.target, input: old.targetHandle ?? '' }, asRequest(c));
  if (problem) toast(problem.message, 'error');
  reconnected = true;
};
const onReconnectEnd = (_: unknown, edge: FlowEdge) => {
  if (!reconnected && edge.targetHandle) editor.getState().disconnect(edge.target, edge.targetHandle);
};

const isValidConnection = (c: Connection | FlowEdge) => editor.getState().canConnect(asRequest(c)) === null;

const onConnect = (c: Connection) => {
  const problem = editor.getState().connect(asRequest(c));
  if (problem) toast(problem.message, 'error');
};

const minimapColor = (n: FlowNode) => {
  const item = editor.getState().items[n.id];
  if (item?.kind === 'group') return 'rgba(74,111,165,0.25)';
  if (item?.kind === 'note') return '#d8c46a';
  return (item as NodeItem | undefined)?.color ?? '#5b6170';
};

const NONE: readonly string[] = [];
const same = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * Zoomed far out, the nodes React Flow draws itself: the one under the pointer, those selected, dragged or
 * inside the selection rectangle being drawn, frames (parents of their members), and the parents of any
 * of these. The rest are boxes on the canvas layer (`FarCanvas`).
 */
function realIds(flow: readonly FlowNode[], hover: string | undefined, picked: readonly string[]): string[] {
  const want = new Set(picked);
  if (hover) want.add(hover);
  const byId = new Map(flow.map((f) => [f.id, f]));
  const ids: string[] = [];
  for (const f of flow) {
    if (!(f.type === 'frame' || f.selected || f.dragging || want.has(f.id))) continue;
    ids.push(f.id);
    for (let p = f.parentId; p; p = byId.get(p)?.parentId) ids.push(p);
  }
  return ids;
}

export function Canvas() {
  const flow = useEditor((s) => s.flow);
  const edges = useEditor((s) => s.edges);
  const rf = useReactFlow();
  const [menu, setMenu] = useState<NodeMenuState | null>(null);
  const fit = useStore(uiStore, (s) => s.fit);
  const far = useFar();
  const flowStore = useStoreApi<FlowNode, FlowEdge>();
  const [hover, setHover] = useState<string>();
  const [picked, setPicked] = useState<readonly string[]>(NONE);
  useEffect(() => {
    perfFlow.rf = rf;
  }, [rf]);
  // A fit is asked for in the same task that loads the graph, before React renders it: set the view
  // from the node positions now, so the first render is at the fitted zoom (boxes when far out).
  useEffect(
    () =>
      uiStore.subscribe((s, prev) => {
        if (s.fit !== prev.fit) fitEstimated(rf, flowStore.getState(), editor.getState().flow);
      }),
    [rf, flowStore],
  );
  // Then the exact fit, once the nodes are measured (React Flow knows only the real ones when far out).
  useEffect(() => {
    if (fit && !isFar(flowStore.getState().transform[2])) void rf.fitView({ maxZoom: 1 });
  }, [fit, rf, flowStore]);
  const fitAll = useCallback(
    () => fitGraph(rf, flowStore.getState(), editor.getState().flow),
    [rf, flowStore],
  );

  // Far out, a selection rectangle makes the nodes inside it real, so React Flow selects them; the ones it
  // had no time to see by the release are selected here.
  useEffect(
    () =>
      flowStore.subscribe((s, p) => {
        if (s.userSelectionRect === p.userSelectionRect) return;
        if (s.userSelectionRect && isFar(s.transform[2])) {
          const ids = farNodesInside(s.userSelectionRect);
          setPicked((prev) => (same(prev, ids) ? prev : ids));
        } else if (!s.userSelectionRect && p.userSelectionRect) {
          const inside = farNodesInside(p.userSelectionRect);
          const e = editor.getState();
          if (inside.some((id) => !e.flow.find((f) => f.id === id)?.selected))
            e.select([...e.flow.filter((f) => f.selected).map((f) => f.id), ...inside]);
          setPicked(NONE);
        }
      }),
    [flowStore],
  );
  // Far out, the node under the pointer becomes real, so pressing on it drags, selects or connects it.
  const onPointerMove = useCallback(
    (e: React.PointerEvent) => {
      if (!far || (e.buttons && !flowStore.getState().connection.inProgress)) return;
      const id = farNodeAt(e.clientX, e.clientY);
      setHover((h) => (h === id ? h : id));
    },
    [far, flowStore],
  );

  const key = far ? realIds(flow, hover, picked).join('\n') : '';
  const real = useMemo(() => new Set(key ? key.split('\n') : []), [key]);
  const shown = useMemo(() => {
    if (!far) return flow;
    rememberHandles(flowStore.getState().nodeLookup);
    return flow.filter((f) => real.has(f.id));
  }, [far, flow, real, flowStore]);
  const shownEdges = useMemo(
    () => (far ? edges.filter((e) => real.has(e.source) && real.has(e.target)) : edges),
    [far, edges, real],
  );

  const openPalette = useCallback(
    (
      clientX: number,
      clientY: number,
      from?: NonNullable<ReturnType<typeof uiStore.getState>['palette']>['from'],
    ) => {
      const at = rf.screenToFlowPosition({ x: clientX, y: clientY });
      uiStore.setState({ palette: { at, screen: { x: clientX, y: clientY }, ...(from ? { from } : {}) } });
    },
    [rf],
  );

  const onConnectEnd = useCallback(
    (event: MouseEvent | TouchEvent, state: FinalConnectionState) => {
      if (state.isValid || !state.fromHandle?.id || !state.fromNode) return;
      if (state.toHandle) {
        // Released on a handle that refused the link: say why.
        const req =
          state.fromHandle.type === 'source'
            ? {
                source: state.fromNode.id,
                output: state.fromHandle.id,
                target: state.toHandle.nodeId,
                input: state.toHandle.id ?? '',
              }
            : {
                source: state.toHandle.nodeId,
                output: state.toHandle.id ?? '',
                target: state.fromNode.id,
                input: state.fromHandle.id,
              };
        const problem = editor.getState().canConnect(req);
        if (problem) toast(problem.message, 'error');
        return;
      }
      const target = event.target as Element | null;
      if (target?.closest('.react-flow__node, .react-flow__controls, .react-flow__minimap')) return;
      const s = editor.getState();
      const item = s.items[state.fromNode.id];
      if (item?.kind !== 'node') return;
      const schema = s.catalog?.nodes[item.type];
      const side = state.fromHandle.type;
      const type =
        side === 'source'
          ? schema?.outputs[state.fromHandle.id]?.type
          : schema?.inputs[state.fromHandle.id]?.type;
      if (!type) return;
      const point = 'changedTouches' in event ? event.changedTouches[0]! : event;
      openPalette(point.clientX, point.clientY, {
        nodeId: state.fromNode.id,
        handleId: state.fromHandle.id,
        side,
        type,
      });
    },
    [openPalette],
  );

  // Every prop handed to React Flow must keep its identity across renders: a new function here would
  // re-render all node wrappers on every store change (e.g. each frame of a drag).
  const onNodeContextMenu = useCallback((e: React.MouseEvent, node: FlowNode) => {
    e.preventDefault();
    if (!node.selected) editor.getState().select([node.id]);
    setMenu({ id: node.id, x: e.clientX, y: e.clientY });
  }, []);
  const closeMenu = useCallback(() => setMenu(null), []);
  // Double-click a link: a reroute point there (between the two nearest ends of the link's stretches).
  const onEdgeDoubleClick = useCallback(
    (e: React.MouseEvent, edge: FlowEdge) => {
      if (!edge.targetHandle) return;
      const at = rf.screenToFlowPosition({ x: e.clientX, y: e.clientY });
      const source = rf.getInternalNode(edge.source);
      const target = rf.getInternalNode(edge.target);
      const end = (n: typeof source, type: 'source' | 'target', id: string) => {
        const h = n?.internals.handleBounds?.[type]?.find((x) => x.id === id);
        const p = n?.internals.positionAbsolute;
        return h && p ? { x: p.x + h.x + h.width / 2, y: p.y + h.y + h.height / 2 } : at;
      };
      addReroute(
        edge.target,
        edge.targetHandle,
        end(source, 'source', edge.sourceHandle ?? ''),
        end(target, 'target', edge.targetHandle),
        at,
      );
    },
    [rf],
  );
  const onPaneContextMenu = useCallback(
    (e: React.MouseEvent | MouseEvent) => {
      e.preventDefault();
      openPalette(e.clientX, e.clientY);
    },
    [openPalette],
  );

  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: the canvas surface; Space and Ctrl+O are the keyboard ways in
    <div
      className={`rg-canvas${far ? ' lod' : ''}`}
      onPointerMove={onPointerMove}
      onPointerLeave={() => setHover(undefined)}
      onDoubleClick={(e) => {
        if ((e.target as Element).classList.contains('react-flow__pane')) openPalette(e.clientX, e.clientY);
      }}
      onDragOver={(e) => {
        const types = e.dataTransfer.types;
        if (types.includes('Files') || types.includes(NODE_DRAG_TYPE)) e.preventDefault();
      }}
      onDrop={(e) => {
        const type = e.dataTransfer.getData(NODE_DRAG_TYPE);
        if (type) {
          e.preventDefault();
          editor.getState().addNode(type, rf.screenToFlowPosition({ x: e.clientX, y: e.clientY }));
          return;
        }
        const file = e.dataTransfer.files[0];
        if (!file) return;
        e.preventDefault();
        void openFile(file);
      }}
    >
      <ReactFlow<FlowNode, FlowEdge>
        nodes={shown}
        edges={shownEdges}
        nodeTypes={nodeTypes}
        edgeTypes={edgeTypes}
        defaultEdgeOptions={defaultEdgeOptions}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onConnect={onConnect}
        onConnectEnd={onConnectEnd}
        isValidConnection={isValidConnection}
        onReconnectStart={onReconnectStart}
        onReconnect={onReconnect}
        onReconnectEnd={onReconnectEnd}
        onNodeContextMenu={onNodeContextMenu}
        onNodeDoubleClick={onNodeDoubleClick}
        onEdgeDoubleClick={onEdgeDoubleClick}
        onPaneClick={closeMenu}
        onPaneContextMenu={onPaneContextMenu}
        deleteKeyCode={null}
        selectionKeyCode="Shift"
        multiSelectionKeyCode={multiSelectKeys}
        zoomOnDoubleClick={false}
        minZoom={0.05}
        maxZoom={3}
        onlyRenderVisibleElements={CULL}
        proOptions={proOptions}
        colorMode="system"
      >
        <Background gap={20} />
        <FarCanvas on={far} real={real} />
        {/* React Flow's minimap knows only the real nodes, which far out are a few. */}
        {MINIMAP && !far && <MiniMap pannable zoomable nodeColor={minimapColor} />}
        <Controls showFitView={false}>
          <ControlButton
            className="react-flow__controls-fitview"
            onClick={fitAll}
            title="fit view"
            aria-label="fit view"
          >
            <FitIcon />
          </ControlButton>
        </Controls>
      </ReactFlow>
      {menu && <NodeMenu menu={menu} onClose={() => setMenu(null)} />}
      <SubgraphBreadcrumb />
      <div className={`rg-canvas-hint${flow.length === 0 ? ' empty' : ''}`} aria-hidden="true">
        Double-click the canvas or press Shift+A to add a node · ? lists every key
      </div>
    </div>
  );
}

/** React Flow's own fit-view icon (its button is replaced: its fit knows only the real nodes). */
function FitIcon() {
  return (
    <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 30" aria-hidden="true">
      <path d="M3.692 4.63c0-.53.4-.938.939-.938h5.215V0H4.708C2.13 0 0 2.054 0 4.63v5.216h3.692V4.631zM27.354 0h-5.2v3.692h5.17c.53 0 .984.4.984.939v5.215H32V4.631A4.624 4.624 0 0027.354 0zm.954 24.83c0 .532-.4.94-.939.94h-5.215v3.768h5.215c2.577 0 4.631-2.13 4.631-4.707v-5.139h-3.692v5.139zm-23.677.94c-.531 0-.939-.4-.939-.94v-5.138H0v5.139c0 2.577 2.13 4.707 4.708 4.707h5.138V25.77H4.631z" />
    </svg>
  );
}
