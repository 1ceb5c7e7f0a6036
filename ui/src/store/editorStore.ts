import {
  type Catalog,
  type ConstantValue,
  convertToSubgraph,
  type GraphDocument,
  type InputValue,
  insertComponent,
  isBoundary,
  isLink,
  type NodeMode,
  type Point,
  unpackSubgraph,
} from '@reelgraph/graph';
import { applyEdgeChanges, applyNodeChanges, type EdgeChange, type NodeChange } from '@xyflow/react';
import { createStore, type StoreApi } from 'zustand/vanilla';
import { type Clip, copyItems, pasteClip } from './clipboard';
import {
  type ConnectionProblem,
  type ConnectionRequest,
  chainLinks,
  connectionProblem,
  firstCompatibleSocket,
} from './connect';
import { defaultInputs, widgetDefault } from './defaults';
import { type DocMeta, fromDocument, makeEdge, outputType, toDocument } from './document';
import { emptyHistory, type History, record, snapshot } from './history';
import { nextId } from './ids';
import { withReroutes } from './reroutes';
import { enter, leave, rootLevel, scopedCatalog, syncedDefinitions } from './subgraphScope';
import {
  edgeId,
  type FlowEdge,
  type FlowNode,
  GROUP_PREFIX,
  type GraphState,
  type Item,
  NOTE_PREFIX,
  type NodeItem,
  type SeedControl,
} from './types';

export const DEFAULT_NODE_SIZE = { width: 260, height: 140 };

export interface EditorState extends GraphState {
  /** What the canvas draws with: the server's catalog plus the document's subgraphs (and boundary). */
  catalog?: Catalog;
  /** The server's catalog, as given. */
  baseCatalog?: Catalog;
  docMeta: DocMeta;
  history: History;
  /** Ephemeral: a drag gesture in progress, and the nodes each dragged frame carries. */
  drag?: { members: Record<string, string[]> };
  resizing?: string;
  clipboard?: Clip;
}

export interface EditorActions {
  setCatalog(catalog: Catalog): void;
  load(doc: GraphDocument, opts?: { keepHistory?: boolean }): void;
  toDocument(): GraphDocument;
  onNodesChange(changes: NodeChange<FlowNode>[]): void;
  onEdgesChange(changes: EdgeChange<FlowEdge>[]): void;
  canConnect(c: ConnectionRequest): ConnectionProblem | null;
  connect(c: ConnectionRequest): ConnectionProblem | null;
  disconnect(target: string, input: string): void;
  /** Wire the selected nodes left to right (the keyboard's way to connect); the number of links made. */
  connectSelection(): number;
  /** Move the link into `from.input` to `c` (dragging a link's end), as one step. */
  reconnect(from: { target: string; input: string }, c: ConnectionRequest): ConnectionProblem | null;
  /** `values` override the schema's defaults (a model loader added from the model library). */
  addNode(
    type: string,
    position: Point,
    from?: PendingLink,
    values?: Record<string, ConstantValue>,
  ): string | null;
  setInput(id: string, input: string, value: ConstantValue): void;
  setControl(id: string, input: string, control: SeedControl): void;
  applySeedControls(random?: () => number): void;
  convertToSocket(id: string, input: string): void;
  convertToWidget(id: string, input: string): void;
  setMode(ids: string[], mode: NodeMode): void;
  toggleMode(ids: string[], mode: 'muted' | 'bypassed'): void;
  toggleCollapsed(ids: string[]): void;
  setTitle(id: string, title: string): void;
  setColor(ids: string[], color: string | undefined): void;
  setNoteText(id: string, text: string): void;
  addNote(position: Point, text?: string): string;
  groupSelection(title?: string): string | null;
  deleteSelection(): void;
  deleteItems(ids: string[]): void;
  copySelection(): Clip | null;
  paste(at?: Point, opts?: { withInputLinks?: boolean; clip?: Clip }): string[];
  duplicateSelection(): string[];
  selectAll(): void;
  select(ids: string[]): void;
  /** Move nodes; with `routes` (by edge id), the links' reroute points too, in the same step. */
  setPositions(positions: Record<string, Point>, routes?: Record<string, Point[]>): void;
  /** The reroute points of the link into `target.input`; a drag passes its `key` so it undoes at once. */
  setReroutes(target: string, input: string, points: Point[], key?: string): void;
  /** Put a new node of `type` on the link into `target.input`: source → node → target, one step. */
  insertOnLink(target: string, input: string, type: string, position: Point): string | null;
  /** Move the selected nodes into a new subgraph, one instance in their place (one undo step). */
  convertSelectionToSubgraph(name?: string): string | null;
  /** Put a subgraph instance's inner nodes back in its place (one undo step). */
  unpackSubgraph(id: string): string[];
  /** Show the inside of the subgraph `id` instances, to edit it (not an undo step); false if not one. */
  openSubgraph(id: string): boolean;
  /** Back to the level `depth` of the breadcrumb (0 = the root graph). */
  leaveSubgraph(depth: number): void;
  /** Add an instance of a saved component, its definitions copied in (one undo step); its id. */
  insertComponent(component: GraphDocument, at: Point): string | null;
  undo(): void;
  redo(): void;
}

export type EditorStore = EditorState & EditorActions;

/** A link being dragged when the user asks for a new node: the new node gets wired to it. */
export interface PendingLink {
  nodeId: string;
  handleId: string;
  /** 'source' when dragged from an output. */
  side: 'source' | 'target';
}

export function createEditorStore(initial?: {
  catalog?: Catalog;
  doc?: GraphDocument;
}): StoreApi<EditorStore> {
  return createStore<EditorStore>()((set, get) => {
    /**
     * Apply a graph change as one undo step (grouped by `key` when given). Inside a subgraph the
     * change is written to its definition too, and the catalog follows (its instances' sockets).
     */
    const commit = (change: (s: EditorStore) => Partial<GraphState> | null, key?: string) => {
      const s = get();
      const next = change(s);
      if (!next) return;
      const merged: GraphState = { ...s, ...next };
      const definitions = syncedDefinitions(merged);
      const derived =
        definitions !== s.definitions ? { definitions, catalog: derive({ ...merged, definitions }) } : {};
      set({ ...next, ...derived, history: record(s.history, s, key) });
    };

    const derive = (st: GraphState) => scopedCatalog(get().baseCatalog, st);

    /** Replace the shown level by an edited document as one undo step, the catalog knowing its subgraphs. */
    const commitDocument = (doc: GraphDocument) => {
      const s = get();
      // Inside a subgraph the level's document does not see every use of a definition: keep them all.
      const definitions = s.scopes?.length
        ? { ...doc.definitions, subgraphs: { ...s.definitions?.subgraphs, ...doc.definitions?.subgraphs } }
        : doc.definitions;
      const catalog = derive({ ...s, definitions });
      const l = fromDocument(doc, catalog);
      if (catalog) set({ catalog });
      commit(() => ({ items: l.items, flow: l.flow, edges: l.edges, definitions }));
    };

    /** After undo/redo: the catalog for the definitions and level restored, when they differ. */
    const restoredCatalog = (restored: GraphState, s: EditorStore): Partial<EditorState> =>
      restored.definitions === s.definitions && restored.scopes === s.scopes
        ? {}
        : { catalog: derive(restored) };

    const initialCatalog = initial?.catalog && scopedCatalog(initial.catalog, { ...EMPTY, ...initial.doc });
    const loaded = initial?.doc ? fromDocument(initial.doc, initialCatalog) : undefined;

    return {
      items: loaded?.items ?? {},
      flow: loaded?.flow ?? [],
      edges: loaded?.edges ?? [],
      definitions: loaded?.definitions,
      docMeta: loaded?.meta ?? {},
      ...(initialCatalog ? { catalog: initialCatalog, baseCatalog: initial?.catalog } : {}),
      history: emptyHistory(),

      setCatalog(base) {
        const s = get();
        const catalog = scopedCatalog(base, s)!;
        // Edge colours depend on output types, which only the catalog knows.
        const edges = s.edges.map((e) => {
          const type = outputType(catalog, s.items, e.source, e.sourceHandle ?? '');
          return e.data?.type === type ? e : { ...e, data: { type } };
        });
        set({ catalog, baseCatalog: base, edges });
      },

      load(doc, opts) {
        const s = get();
        const catalog = scopedCatalog(s.baseCatalog, { ...EMPTY, definitions: doc.definitions });
        const l = fromDocument(doc, catalog);
        set({
          ...(catalog ? { catalog } : {}),
          items: l.items,
          flow: l.flow,
          edges: l.edges,
          definitions: l.definitions,
          scopes: undefined,
          docMeta: l.meta,
          history: opts?.keepHistory ? record(s.history, s) : emptyHistory(),
        });
      },

      toDocument() {
        const s = get();
        return toDocument({ ...rootLevel(s), definitions: syncedDefinitions(s) }, s.docMeta);
      },

      onNodesChange(changes) {
        const s = get();
        let history = s.history;
        let drag = s.drag;
        let resizing = s.resizing;
        const extra: NodeChange<FlowNode>[] = [];
        const removed: string[] = [];
        const kept: NodeChange<FlowNode>[] = [];
        const positions = changes.filter((c) => c.type === 'position');
        if (positions.some((c) => c.dragging) && !drag) {
          history = record(history, s);
          drag = { members: frameMembers(s, changes) };
        } else if (drag && positions.length && positions.every((c) => !c.dragging)) {
          drag = undefined;
        } else if (!drag && positions.some((c) => c.dragging === undefined && c.position)) {
          history = record(history, s, 'move');
        }
        const members = s.drag?.members ?? drag?.members ?? {};
        const byId = Object.keys(members).length ? new Map(s.flow.map((f) => [f.id, f])) : undefined;
        for (const c of changes) {
          if (c.type === 'remove') {
            removed.push(c.id);
            continue;
          }
          kept.push(c);
          if (c.type === 'position') {
            const carried = members[c.id];
            const before = byId?.get(c.id);
            if (carried && c.position && before && byId) {
              const dx = c.position.x - before.position.x;
              const dy = c.position.y - before.position.y;
              for (const m of carried) {
                const mf = byId.get(m);
                if (mf)
                  extra.push({
                    type: 'position',
                    id: m,
                    position: { x: mf.position.x + dx, y: mf.position.y + dy },
                  });
              }
            }
          } else if (c.type === 'dimensions' && c.resizing !== undefined) {
            if (c.resizing && resizing !== c.id) {
              history = record(history, s);
              resizing = c.id;
            } else if (!c.resizing) resizing = undefined;
          }
        }
        const flow = applyNodeChanges([...kept, ...extra], s.flow);
        // Notes sized by the user keep their size in the document.
        const items = noteSizes(s.items, kept);
        set({ flow, history, drag, resizing, items });
        if (removed.length) get().deleteItems(removed);
      },

      onEdgesChange(changes) {
        const s = get();
        const removed = changes.filter((c) => c.type === 'remove');
        const rest = changes.filter((c) => c.type !== 'remove');
        if (rest.length) set({ edges: applyEdgeChanges(rest, s.edges) });
        if (removed.length) {
          commit((st) => {
            let g: GraphState = st;
            for (const r of removed) {
              const e = st.edges.find((x) => x.id === r.id);
              if (e?.targetHandle) g = unlink(g, e.target, e.targetHandle, st.catalog);
            }
            return g;
          });
        }
      },

      canConnect(c) {
        const s = get();
        return connectionProblem(s.catalog, s.items, c);
      },

      connect(c) {
        const s = get();
        const problem = connectionProblem(s.catalog, s.items, c);
        if (problem) return problem;
        commit((st) => link(st, c, st.catalog));
        return null;
      },

      disconnect(target, input) {
        commit((st) => {
          const item = st.items[target];
          if (item?.kind !== 'node' || !isLink(item.inputs[input])) return null;
          return unlink(st, target, input, st.catalog);
        });
      },

      connectSelection() {
        const s = get();
        if (!s.catalog) return 0;
        const ordered = s.flow
          .filter((f) => f.selected && f.type === 'rg')
          .sort((a, b) => a.position.x - b.position.x || a.position.y - b.position.y)
          .map((f) => f.id);
        const links = chainLinks(s.catalog, s.items, ordered);
        if (links.length) commit((st) => links.reduce((g, c) => link(g, c, st.catalog), st as GraphState));
        return links.length;
      },

      reconnect(from, c) {
        const s = get();
        const without = unlink(s, from.target, from.input, s.catalog);
        const problem = connectionProblem(s.catalog, without.items, c);
        if (problem) return problem;
        commit((st) => link(unlink(st, from.target, from.input, st.catalog), c, st.catalog));
        return null;
      },

      addNode(type, position, from, values) {
        const s = get();
        const schema = s.catalog?.nodes[type];
        if (!schema || !s.catalog) return null;
        const id = nextId(s.items);
        const item: NodeItem = { kind: 'node', type, inputs: { ...defaultInputs(schema), ...values } };
        commit((st) => {
          let g: GraphState = {
            items: { ...st.items, [id]: item },
            flow: [
              ...deselect(st.flow),
              { id, type: 'rg', position: { ...position }, data: {}, selected: true },
            ],
            edges: st.edges,
          };
          if (from && st.catalog) {
            const fromItem = st.items[from.nodeId];
            const fromSchema = fromItem?.kind === 'node' ? st.catalog.nodes[fromItem.type] : undefined;
            const fromType =
              from.side === 'source'
                ? fromSchema?.outputs[from.handleId]?.type
                : fromSchema?.inputs[from.handleId]?.type;
            const socket = fromType ? firstCompatibleSocket(st.catalog, type, fromType, from.side) : null;
            if (socket) {
              const c =
                from.side === 'source'
                  ? { source: from.nodeId, output: from.handleId, target: id, input: socket }
                  : { source: id, output: socket, target: from.nodeId, input: from.handleId };
              if (!connectionProblem(st.catalog, g.items, c)) g = link(g, c, st.catalog);
            }
          }
          return g;
        });
        return id;
      },

      setInput(id, input, value) {
        commit((st) => {
          const item = st.items[id];
          if (item?.kind !== 'node' || item.inputs[input] === value) return null;
          return { items: { ...st.items, [id]: { ...item, inputs: { ...item.inputs, [input]: value } } } };
        }, `input:${id}:${input}`);
      },

      setControl(id, input, control) {
        commit((st) => {
          const item = st.items[id];
          if (item?.kind !== 'node') return null;
          return {
            items: { ...st.items, [id]: { ...item, controls: { ...item.controls, [input]: control } } },
          };
        });
      },

      applySeedControls(random = Math.random) {
        // After a run is queued (ComfyUI's "control after generate"); not an undo step of its own.
        const s = get();
        let items: Record<string, Item> | null = null;
        for (const [id, item] of Object.entries(s.items)) {
          if (item.kind !== 'node' || !item.controls) continue;
          const schema = s.catalog?.nodes[item.type];
          let inputs: Record<string, InputValue> | null = null;
          for (const [name, control] of Object.entries(item.controls)) {
            const v = item.inputs[name];
            if (control === 'fixed' || typeof v !== 'number') continue;
            const min = schema?.inputs[name]?.min ?? 0;
            const max = Math.min(
              schema?.inputs[name]?.max ?? Number.MAX_SAFE_INTEGER,
              Number.MAX_SAFE_INTEGER,
            );
            let next = v;
            if (control === 'increment') next = v + 1 > max ? min : v + 1;
            else if (control === 'decrement') next = v - 1 < min ? max : v - 1;
            else next = min + Math.floor(random() * Math.min(max - min + 1, 2 ** 32));
            inputs = { ...(inputs ?? item.inputs), [name]: next };
          }
          if (inputs) {
            items ??= { ...s.items };
            items[id] = { ...item, inputs };
          }
        }
        if (items) set({ items });
      },

      convertToSocket(id, input) {
        commit((st) => {
          const item = st.items[id];
          if (item?.kind !== 'node' || item.sockets?.includes(input)) return null;
          return { items: { ...st.items, [id]: { ...item, sockets: [...(item.sockets ?? []), input] } } };
        });
      },

      convertToWidget(id, input) {
        commit((st) => {
          const item = st.items[id];
          if (item?.kind !== 'node') return null;
          let g: GraphState = st;
          if (isLink(item.inputs[input])) g = unlink(g, id, input, st.catalog);
          const it = g.items[id] as NodeItem;
          const sockets = (it.sockets ?? []).filter((x) => x !== input);
          const { sockets: _s, ...rest } = it;
          return { ...g, items: { ...g.items, [id]: sockets.length ? { ...rest, sockets } : rest } };
        });
      },

      setMode(ids, mode) {
        commit((st) =>
          mapNodes(st, ids, (n) => (mode === 'active' ? withoutKey(n, 'mode') : { ...n, mode })),
        );
      },

      toggleMode(ids, mode) {
        const s = get();
        const nodes = ids.map((id) => s.items[id]).filter((n): n is NodeItem => n?.kind === 'node');
        const allSet = nodes.length > 0 && nodes.every((n) => n.mode === mode);
        get().setMode(ids, allSet ? 'active' : mode);
      },

      toggleCollapsed(ids) {
        commit((st) =>
          mapNodes(st, ids, (n) => (n.collapsed ? withoutKey(n, 'collapsed') : { ...n, collapsed: true })),
        );
      },

      setTitle(id, title) {
        commit((st) => {
          const item = st.items[id];
          if (!item || item.kind === 'note') return null;
          if (item.kind === 'group') return { items: { ...st.items, [id]: { ...item, title } } };
          return { items: { ...st.items, [id]: title ? { ...item, title } : withoutKey(item, 'title') } };
        }, `title:${id}`);
      },

      setColor(ids, color) {
        commit((st) => {
          const items = { ...st.items };
          for (const id of ids) {
            const item = items[id];
            if (!item) continue;
            items[id] = color === undefined ? withoutKey(item, 'color') : { ...item, color };
          }
          return { items };
        });
      },

      setNoteText(id, text) {
        commit((st) => {
          const item = st.items[id];
          if (item?.kind !== 'note' || item.text === text) return null;
          return { items: { ...st.items, [id]: { ...item, text } } };
        }, `note:${id}`);
      },

      addNote(position, text = '') {
        const s = get();
        const docId = freshDocId(s.items, 'note');
        const id = NOTE_PREFIX + docId;
        commit((st) => ({
          items: { ...st.items, [id]: { kind: 'note', docId, text } },
          flow: [
            ...deselect(st.flow),
            { id, type: 'note', position: { ...position }, data: {}, selected: true },
          ],
        }));
        return id;
      },

      groupSelection(title = 'Group') {
        const s = get();
        const sel = s.flow.filter((f) => f.selected && f.type !== 'frame');
        if (!sel.length) return null;
        const pad = 30;
        let x0 = Number.POSITIVE_INFINITY;
        let y0 = Number.POSITIVE_INFINITY;
        let x1 = Number.NEGATIVE_INFINITY;
        let y1 = Number.NEGATIVE_INFINITY;
        for (const f of sel) {
          const { width, height } = sizeOf(f);
          x0 = Math.min(x0, f.position.x);
          y0 = Math.min(y0, f.position.y);
          x1 = Math.max(x1, f.position.x + width);
          y1 = Math.max(y1, f.position.y + height);
        }
        const docId = freshDocId(s.items, 'group');
        const id = GROUP_PREFIX + docId;
        const frame: FlowNode = {
          id,
          type: 'frame',
          position: { x: x0 - pad, y: y0 - pad - 30 },
          width: x1 - x0 + 2 * pad,
          height: y1 - y0 + 2 * pad + 30,
          zIndex: -1,
          data: {},
        };
        commit((st) => ({
          items: { ...st.items, [id]: { kind: 'group', docId, title } },
          // Frames first so they draw beneath nodes.
          flow: [frame, ...st.flow],
        }));
        return id;
      },

      deleteSelection() {
        const s = get();
        const ids = s.flow.filter((f) => f.selected).map((f) => f.id);
        const edges = s.edges.filter((e) => e.selected);
        if (!ids.length && !edges.length) return;
        commit((st) => {
          let g: GraphState = st;
          for (const e of edges) if (e.targetHandle) g = unlink(g, e.target, e.targetHandle, st.catalog);
          return removeItems(g, new Set(ids), st.catalog);
        });
      },

      deleteItems(ids) {
        if (!ids.length) return;
        commit((st) => removeItems(st, new Set(ids), st.catalog));
      },

      copySelection() {
        const s = get();
        const ids = s.flow.filter((f) => f.selected).map((f) => f.id);
        if (!ids.length) return null;
        const clip = copyItems(s, ids);
        set({ clipboard: clip });
        return clip;
      },

      paste(at, opts) {
        const s = get();
        const clip = opts?.clip ?? s.clipboard;
        if (!clip) return [];
        let newIds: string[] = [];
        commit((st) => {
          const r = pasteClip(st, clip, {
            ...(at ? { at } : {}),
            withInputLinks: opts?.withInputLinks ?? false,
            ...(st.catalog ? { catalog: st.catalog } : {}),
          });
          newIds = r.ids;
          return r.state;
        });
        return newIds;
      },

      duplicateSelection() {
        const s = get();
        const ids = s.flow.filter((f) => f.selected).map((f) => f.id);
        if (!ids.length) return [];
        const clip = copyItems(s, ids);
        return get().paste(undefined, { clip, withInputLinks: true });
      },

      selectAll() {
        set({ flow: get().flow.map((f) => (f.selected ? f : { ...f, selected: true })) });
      },

      select(ids) {
        const want = new Set(ids);
        set({
          flow: get().flow.map((f) =>
            Boolean(f.selected) === want.has(f.id) ? f : { ...f, selected: want.has(f.id) },
          ),
        });
      },

      setPositions(positions, routes) {
        commit((st) => {
          let items = st.items;
          for (const e of st.edges) {
            const points = routes?.[e.id];
            const item = items[e.target];
            if (!points || item?.kind !== 'node' || !e.targetHandle) continue;
            items = { ...items, [e.target]: withReroutes(item, e.targetHandle, points) };
          }
          return {
            items,
            flow: st.flow.map((f) => {
              const p = positions[f.id];
              return p ? { ...f, position: { ...p } } : f;
            }),
          };
        });
      },

      setReroutes(target, input, points, key) {
        commit((st) => {
          const item = st.items[target];
          if (item?.kind !== 'node' || !isLink(item.inputs[input])) return null;
          return { items: { ...st.items, [target]: withReroutes(item, input, points) } };
        }, key);
      },

      insertOnLink(target, input, type, position) {
        const s = get();
        const item = s.items[target];
        const old = item?.kind === 'node' ? item.inputs[input] : undefined;
        if (!isLink(old) || !s.catalog?.nodes[type]) return null;
        const fromType = outputType(s.catalog, s.items, old[0], old[1]);
        const toType = s.catalog.nodes[(item as NodeItem).type]?.inputs[input]?.type;
        const into = firstCompatibleSocket(s.catalog, type, fromType, 'source');
        const out = toType ? firstCompatibleSocket(s.catalog, type, toType, 'target') : null;
        if (!into || !out) return null;
        const id = nextId(s.items);
        const node: NodeItem = { kind: 'node', type, inputs: defaultInputs(s.catalog.nodes[type]) };
        commit((st) => {
          let g: GraphState = {
            items: { ...st.items, [id]: node },
            flow: [
              ...deselect(st.flow),
              { id, type: 'rg', position: { ...position }, data: {}, selected: true },
            ],
            edges: st.edges,
          };
          g = unlink(g, target, input, st.catalog);
          g = link(g, { source: old[0], output: old[1], target: id, input: into }, st.catalog);
          return link(g, { source: id, output: out, target, input }, st.catalog);
        });
        return id;
      },

      convertSelectionToSubgraph(name) {
        const s = get();
        const ids = s.flow
          .filter((f) => f.selected && s.items[f.id]?.kind === 'node' && !isBoundary(f.id))
          .map((f) => f.id);
        if (!ids.length || !s.catalog) return null;
        const r = convertToSubgraph(toDocument(s, s.docMeta), ids, s.catalog, name);
        if (!r) return null;
        commitDocument(r.doc);
        return r.instance;
      },

      unpackSubgraph(id) {
        const s = get();
        const r = unpackSubgraph(toDocument(s, s.docMeta), id);
        if (!r) return [];
        commitDocument(r.doc);
        return r.nodes;
      },

      openSubgraph(id) {
        const s = get();
        const next = enter(s, id, s.catalog);
        if (!next) return false;
        set({ ...next, catalog: derive(next) });
        return true;
      },

      insertComponent(component, at) {
        const s = get();
        const r = insertComponent(toDocument(s, s.docMeta), component, at);
        if (!r) return null;
        commitDocument(r.doc);
        get().select([r.instance]);
        return r.instance;
      },

      leaveSubgraph(depth) {
        const s = get();
        const next = leave(s, depth, s.baseCatalog);
        if (next) set({ ...next, catalog: derive(next) });
      },

      undo() {
        const s = get();
        const prev = s.history.past.at(-1);
        if (!prev) return;
        const restored = reconcile(prev, s);
        set({
          ...restored,
          ...restoredCatalog(restored, s),
          history: { past: s.history.past.slice(0, -1), future: [...s.history.future, snapshot(s)] },
        });
      },

      redo() {
        const s = get();
        const next = s.history.future.at(-1);
        if (!next) return;
        const restored = reconcile(next, s);
        set({
          ...restored,
          ...restoredCatalog(restored, s),
          history: { past: [...s.history.past, snapshot(s)], future: s.history.future.slice(0, -1) },
        });
      },
    };
  });
}

const EMPTY: GraphState = { items: {}, flow: [], edges: [] };

// ---- pure helpers -------------------------------------------------------------------------------

export function sizeOf(f: FlowNode): { width: number; height: number } {
  return {
    width: f.measured?.width ?? f.width ?? DEFAULT_NODE_SIZE.width,
    height: f.measured?.height ?? f.height ?? DEFAULT_NODE_SIZE.height,
  };
}

/** Nodes and notes wholly inside each frame that starts moving (and is not itself carried). */
function frameMembers(s: GraphState, changes: NodeChange<FlowNode>[]): Record<string, string[]> {
  const moving = new Set(changes.filter((c) => c.type === 'position').map((c) => (c as { id: string }).id));
  const out: Record<string, string[]> = {};
  for (const frame of s.flow) {
    if (frame.type !== 'frame' || !moving.has(frame.id)) continue;
    const fx = frame.position.x;
    const fy = frame.position.y;
    const { width: fw, height: fh } = sizeOf(frame);
    out[frame.id] = s.flow
      .filter((f) => {
        if (f.id === frame.id || moving.has(f.id) || f.type === 'frame') return false;
        const { width, height } = sizeOf(f);
        return (
          f.position.x >= fx &&
          f.position.y >= fy &&
          f.position.x + width <= fx + fw &&
          f.position.y + height <= fy + fh
        );
      })
      .map((f) => f.id);
  }
  return out;
}

function noteSizes(items: Record<string, Item>, changes: NodeChange<FlowNode>[]): Record<string, Item> {
  let out = items;
  for (const c of changes) {
    if (c.type !== 'dimensions' || !c.resizing) continue;
    const item = out[c.id];
    if (item?.kind === 'note' && !item.sized) out = { ...out, [c.id]: { ...item, sized: true } };
  }
  return out;
}

function deselect(flow: FlowNode[]): FlowNode[] {
  return flow.map((f) => (f.selected ? { ...f, selected: false } : f));
}

function withoutKey<T extends object, K extends keyof T>(o: T, k: K): T {
  const { [k]: _, ...rest } = o;
  return rest as T;
}

function mapNodes(st: GraphState, ids: string[], fn: (n: NodeItem) => NodeItem): Partial<GraphState> | null {
  const items = { ...st.items };
  let changed = false;
  for (const id of ids) {
    const item = items[id];
    if (item?.kind !== 'node') continue;
    items[id] = fn(item);
    changed = true;
  }
  return changed ? { items } : null;
}

function freshDocId(items: Record<string, Item>, prefix: string): string {
  const used = new Set(
    Object.values(items).flatMap((i) => (i.kind === 'group' || i.kind === 'note' ? [i.docId] : [])),
  );
  let n = 1;
  while (used.has(`${prefix}${n}`)) n++;
  return `${prefix}${n}`;
}

/** Wire `c`; the target input's constant is stashed so unlinking brings it back. */
export function link(st: GraphState, c: ConnectionRequest, catalog?: Catalog): GraphState {
  const item = st.items[c.target];
  if (item?.kind !== 'node') return st;
  const prev = item.inputs[c.input];
  const stash = prev !== undefined && !isLink(prev) ? { ...item.stash, [c.input]: prev } : item.stash;
  // A new link into the input does not inherit the old link's reroute points.
  const next: NodeItem = {
    ...withReroutes(item, c.input, []),
    inputs: { ...item.inputs, [c.input]: [c.source, c.output] },
  };
  if (stash) next.stash = stash;
  const items = { ...st.items, [c.target]: next };
  const id = edgeId(c.target, c.input);
  const edge = makeEdge(
    c.source,
    c.output,
    c.target,
    c.input,
    outputType(catalog, items, c.source, c.output),
  );
  return { items, flow: st.flow, edges: [...st.edges.filter((e) => e.id !== id), edge] };
}

/** Remove the link into `target.input`, restoring its widget value (stashed, else the default). */
export function unlink(st: GraphState, target: string, input: string, catalog?: Catalog): GraphState {
  const item = st.items[target];
  const id = edgeId(target, input);
  const edges = st.edges.filter((e) => e.id !== id);
  if (item?.kind !== 'node' || !isLink(item.inputs[input])) return { ...st, edges };
  const inputs = { ...item.inputs };
  const stash = { ...item.stash };
  const schemaInput = catalog?.nodes[item.type]?.inputs[input];
  const restored = stash[input] ?? (schemaInput ? widgetDefault(schemaInput) : undefined);
  delete stash[input];
  if (restored === undefined) delete inputs[input];
  else inputs[input] = restored;
  const next: NodeItem = { ...withReroutes(item, input, []), inputs };
  if (Object.keys(stash).length) next.stash = stash;
  else delete next.stash;
  return { items: { ...st.items, [target]: next }, flow: st.flow, edges };
}

function removeItems(st: GraphState, wanted: Set<string>, catalog?: Catalog): GraphState {
  // A subgraph's boundary nodes stay while its inside is shown.
  const ids = new Set([...wanted].filter((id) => !isBoundary(id)));
  if (!ids.size) return st;
  let g: GraphState = st;
  // Unlink every input that reads from a removed node.
  for (const e of st.edges) {
    if (ids.has(e.source) && !ids.has(e.target) && e.targetHandle)
      g = unlink(g, e.target, e.targetHandle, catalog);
  }
  const items = { ...g.items };
  for (const id of ids) delete items[id];
  return {
    items,
    flow: g.flow.filter((f) => !ids.has(f.id)),
    edges: g.edges.filter((e) => !ids.has(e.source) && !ids.has(e.target)),
  };
}

/** Undo/redo restore the graph but keep the current selection and measurements (not history). */
function reconcile(target: GraphState, current: GraphState): GraphState {
  const now = new Map(current.flow.map((f) => [f.id, f]));
  const flow = target.flow.map((f) => {
    const c = now.get(f.id);
    const selected = Boolean(c?.selected);
    if (Boolean(f.selected) === selected && (!c?.measured || f.measured === c.measured)) return f;
    return { ...f, selected, ...(c?.measured ? { measured: c.measured } : {}) };
  });
  const selEdges = new Set(current.edges.filter((e) => e.selected).map((e) => e.id));
  const edges = target.edges.map((e) =>
    Boolean(e.selected) === selEdges.has(e.id) ? e : { ...e, selected: selEdges.has(e.id) },
  );
  return { items: target.items, flow, edges, definitions: target.definitions, scopes: target.scopes };
}
