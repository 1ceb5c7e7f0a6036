import { flattenGraph, type GraphDocument, type ValidationError } from '@reelgraph/graph';
import { describe, expect, it } from 'vitest';
import { fromDocument, toDocument } from '../src/store/document';
import { createEditorStore } from '../src/store/editorStore';
import { GROUP_WINDOW_MS } from '../src/store/history';
import { problemsInScope, runPrefixOf } from '../src/store/subgraphScope';
import type { NodeItem } from '../src/store/types';
import { catalog, sampleDoc } from './fixtures';

const store = (doc: GraphDocument = sampleDoc) => createEditorStore({ catalog, doc: structuredClone(doc) });
const node = (s: ReturnType<typeof store>, id: string) => s.getState().items[id] as NodeItem;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('graph ⇄ document', () => {
  it('round-trips every field: inputs, links, modes, meta, groups, notes, unknown node types', () => {
    const loaded = fromDocument(structuredClone(sampleDoc), catalog);
    expect(toDocument(loaded, loaded.meta)).toEqual(sampleDoc);
  });

  it('keeps the ComfyUI class a node was imported from, for export', () => {
    const doc = structuredClone(sampleDoc);
    const comfy = { class: 'EmptyLTXVLatentVideo', values: { batch_size: 1 }, via: {} };
    const first = Object.values(doc.nodes)[0] as NonNullable<(typeof doc.nodes)[string]>;
    first.meta = { ...first.meta, comfy };
    const loaded = fromDocument(structuredClone(doc), catalog);
    expect(toDocument(loaded, loaded.meta)).toEqual(doc);
  });

  it('round-trips through the store after edits are undone', () => {
    const s = store();
    s.getState().setInput('3', 'steps', 20);
    s.getState().toggleCollapsed(['3']);
    s.getState().undo();
    s.getState().undo();
    expect(s.getState().toDocument()).toEqual(sampleDoc);
  });

  it('builds one edge per link, coloured by the output type', () => {
    const l = fromDocument(sampleDoc, catalog);
    expect(l.edges.map((e) => [e.source, e.sourceHandle, e.target, e.targetHandle, e.data?.type])).toEqual([
      ['1', 'model', '3', 'model', 'DIT'],
      ['2', 'text', '3', 'prompt', 'STRING'],
      ['3', 'latent', '4', 'latent', 'LATENT'],
    ]);
  });

  it('places nodes without positions on a grid instead of piling them up', () => {
    const l = fromDocument(
      { version: 2, nodes: { a: { type: 'test.int', inputs: {} }, b: { type: 'test.int', inputs: {} } } },
      catalog,
    );
    expect(l.flow[0]!.position).not.toEqual(l.flow[1]!.position);
  });
});

describe('connection rules', () => {
  it('accepts matching and coercible types, refuses mismatches, self links and cycles', () => {
    const s = store();
    const { canConnect } = s.getState();
    const a = s.getState().addNode('test.int', { x: 0, y: 0 })!;
    const b = s.getState().addNode('test.add', { x: 0, y: 0 })!;
    expect(canConnect({ source: a, output: 'value', target: b, input: 'a' })).toBeNull(); // INT → FLOAT
    expect(canConnect({ source: '1', output: 'model', target: '4', input: 'latent' })?.code).toBe(
      'type_mismatch',
    );
    expect(canConnect({ source: b, output: 'sum', target: b, input: 'a' })?.code).toBe('self');
    const c = s.getState().addNode('test.add', { x: 0, y: 0 })!;
    expect(s.getState().connect({ source: b, output: 'sum', target: c, input: 'a' })).toBeNull();
    expect(canConnect({ source: c, output: 'sum', target: b, input: 'b' })?.code).toBe('cycle');
    expect(canConnect({ source: a, output: 'nope', target: b, input: 'a' })?.code).toBe('unknown_socket');
  });

  it('a refused connection changes nothing; a link replaces the widget value and unlinking restores it', () => {
    const s = store();
    const before = s.getState().items;
    expect(s.getState().connect({ source: '1', output: 'model', target: '4', input: 'latent' })?.code).toBe(
      'type_mismatch',
    );
    expect(s.getState().items).toBe(before);
    const p = s.getState().addNode('test.int', { x: 0, y: 0 })!;
    s.getState().connect({ source: p, output: 'value', target: '3', input: 'steps' });
    expect(node(s, '3').inputs.steps).toEqual([p, 'value']);
    expect(s.getState().edges.some((e) => e.target === '3' && e.targetHandle === 'steps')).toBe(true);
    s.getState().disconnect('3', 'steps');
    expect(node(s, '3').inputs.steps).toBe(8);
    expect(s.getState().edges.some((e) => e.target === '3' && e.targetHandle === 'steps')).toBe(false);
  });

  it('dragging a link end to another input moves it in one step; a refused move changes nothing', () => {
    const s = store();
    const a = s.getState().addNode('test.add', { x: 0, y: 0 })!;
    const b = s.getState().addNode('test.add', { x: 0, y: 0 })!;
    const i = s.getState().addNode('test.int', { x: 0, y: 0 })!;
    s.getState().connect({ source: i, output: 'value', target: a, input: 'a' });
    const steps = s.getState().history.past.length;
    expect(
      s
        .getState()
        .reconnect({ target: a, input: 'a' }, { source: i, output: 'value', target: b, input: 'b' }),
    ).toBeNull();
    expect(node(s, a).inputs.a).toBe(1);
    expect(node(s, b).inputs.b).toEqual([i, 'value']);
    expect(s.getState().history.past.length).toBe(steps + 1);
    expect(
      s
        .getState()
        .reconnect({ target: b, input: 'b' }, { source: '1', output: 'model', target: a, input: 'a' })?.code,
    ).toBe('type_mismatch');
    expect(node(s, b).inputs.b).toEqual([i, 'value']);
  });

  it('a new input link replaces the old one (an input takes one link)', () => {
    const s = store();
    const p = s.getState().addNode('test.prompt', { x: 0, y: 0 })!;
    s.getState().connect({ source: p, output: 'text', target: '3', input: 'prompt' });
    const into = s.getState().edges.filter((e) => e.target === '3' && e.targetHandle === 'prompt');
    expect(into.map((e) => e.source)).toEqual([p]);
  });

  it('adding a node from a dragged link wires its first compatible socket', () => {
    const s = store();
    const id = s
      .getState()
      .addNode('test.save', { x: 0, y: 0 }, { nodeId: '3', handleId: 'latent', side: 'source' })!;
    expect(node(s, id).inputs.latent).toEqual(['3', 'latent']);
    const src = s
      .getState()
      .addNode('test.loader', { x: 0, y: 0 }, { nodeId: '3', handleId: 'model', side: 'target' })!;
    expect(node(s, '3').inputs.model).toEqual([src, 'model']);
  });

  it('widgets convert to sockets and back; converting back drops the link', () => {
    const s = store();
    s.getState().convertToSocket('3', 'cfg');
    expect(node(s, '3').sockets).toEqual(['cfg']);
    const a = s.getState().addNode('test.add', { x: 0, y: 0 })!;
    s.getState().connect({ source: a, output: 'sum', target: '3', input: 'cfg' });
    s.getState().convertToWidget('3', 'cfg');
    expect(node(s, '3').inputs.cfg).toBe(4.5);
    expect(node(s, '3').sockets).toBeUndefined();
  });
});

describe('undo grouping', () => {
  it('a drag gesture is one undo step, selection is not recorded', () => {
    const s = store();
    const steps = s.getState().history.past.length;
    s.getState().onNodesChange([{ type: 'select', id: '1', selected: true }]);
    expect(s.getState().history.past.length).toBe(steps);
    for (let i = 1; i <= 10; i++) {
      s.getState().onNodesChange([
        { type: 'position', id: '1', position: { x: i * 10, y: 0 }, dragging: true },
      ]);
    }
    s.getState().onNodesChange([{ type: 'position', id: '1', position: { x: 100, y: 0 }, dragging: false }]);
    expect(s.getState().history.past.length).toBe(steps + 1);
    s.getState().undo();
    expect(s.getState().flow.find((f) => f.id === '1')!.position).toEqual({ x: 0, y: 0 });
    expect(s.getState().flow.find((f) => f.id === '1')!.selected).toBe(true);
    s.getState().redo();
    expect(s.getState().flow.find((f) => f.id === '1')!.position).toEqual({ x: 100, y: 0 });
  });

  it('dragging several nodes together is one step', () => {
    const s = store();
    const steps = s.getState().history.past.length;
    for (let i = 1; i <= 3; i++) {
      s.getState().onNodesChange([
        { type: 'position', id: '1', position: { x: i, y: 0 }, dragging: true },
        { type: 'position', id: '2', position: { x: i, y: 200 }, dragging: true },
      ]);
    }
    s.getState().onNodesChange([
      { type: 'position', id: '1', position: { x: 3, y: 0 }, dragging: false },
      { type: 'position', id: '2', position: { x: 3, y: 200 }, dragging: false },
    ]);
    expect(s.getState().history.past.length).toBe(steps + 1);
  });

  it('typing into one widget groups; another widget or a pause starts a new step', async () => {
    const s = store();
    for (const t of ['a', 'a ', 'a c', 'a ca', 'a cat']) s.getState().setInput('2', 'text', t);
    expect(s.getState().history.past.length).toBe(1);
    s.getState().setInput('3', 'steps', 9);
    expect(s.getState().history.past.length).toBe(2);
    s.getState().undo();
    s.getState().undo();
    expect(node(s, '2').inputs.text).toBe('a blue square');
    s.getState().redo();
    expect(node(s, '2').inputs.text).toBe('a cat');
    await sleep(GROUP_WINDOW_MS + 50);
    s.getState().setInput('2', 'text', 'a dog');
    expect(s.getState().history.past.length).toBe(2);
  }, 5000);

  it('dragging a frame moves the nodes inside it, as one step', () => {
    const s = store();
    const steps = s.getState().history.past.length;
    s.getState().onNodesChange([
      { type: 'position', id: '@g:g1', position: { x: -20, y: -60 }, dragging: true },
    ]);
    s.getState().onNodesChange([
      { type: 'position', id: '@g:g1', position: { x: 70, y: -60 }, dragging: true },
    ]);
    s.getState().onNodesChange([
      { type: 'position', id: '@g:g1', position: { x: 70, y: -60 }, dragging: false },
    ]);
    const pos = (id: string) => s.getState().flow.find((f) => f.id === id)!.position;
    // Node 1 (0,0, default size) and node 2 (0,200) lie inside the frame; node 3 (300,0) does not fit.
    expect(pos('1')).toEqual({ x: 100, y: 0 });
    expect(pos('2')).toEqual({ x: 100, y: 200 });
    expect(pos('3')).toEqual({ x: 300, y: 0 });
    expect(s.getState().history.past.length).toBe(steps + 1);
  });

  it('delete of nodes and their links is one step and undo restores links and inputs', () => {
    const s = store();
    s.getState().select(['3']);
    s.getState().deleteSelection();
    expect(s.getState().items['3']).toBeUndefined();
    expect(node(s, '4').inputs.latent).toBeUndefined();
    expect(s.getState().edges.some((e) => e.source === '3' || e.target === '3')).toBe(false);
    s.getState().undo();
    expect(s.getState().toDocument()).toEqual(sampleDoc);
  });

  it('selection changes clear nothing: redo survives a selection change', () => {
    const s = store();
    s.getState().setInput('3', 'steps', 12);
    s.getState().undo();
    s.getState().select(['1']);
    s.getState().redo();
    expect(node(s, '3').inputs.steps).toBe(12);
  });
});

describe('copy and paste', () => {
  it('paste is one undo step, keeps internal links, remaps ids, selects the copy', () => {
    const s = store();
    s.getState().select(['1', '3']);
    s.getState().copySelection();
    const steps = s.getState().history.past.length;
    const ids = s.getState().paste({ x: 1000, y: 1000 });
    expect(s.getState().history.past.length).toBe(steps + 1);
    expect(ids).toHaveLength(2);
    const [l, sm] = ids as [string, string];
    expect(node(s, sm).type).toBe('test.sampler');
    expect(node(s, sm).inputs.model).toEqual([l, 'model']); // internal link remapped
    expect(node(s, sm).inputs.prompt).toBe(''); // link from outside dropped → the widget default returns
    expect(
      s
        .getState()
        .flow.filter((f) => f.selected)
        .map((f) => f.id)
        .sort(),
    ).toEqual([...ids].sort());
    expect(s.getState().flow.find((f) => f.id === l)!.position).toEqual({ x: 1000, y: 1000 });
    s.getState().undo();
    expect(s.getState().items[sm]).toBeUndefined();
  });

  it('paste with input links keeps links from nodes outside the copy', () => {
    const s = store();
    s.getState().select(['3']);
    s.getState().copySelection();
    const [id] = s.getState().paste(undefined, { withInputLinks: true }) as [string];
    expect(node(s, id).inputs.model).toEqual(['1', 'model']);
    expect(node(s, id).inputs.prompt).toEqual(['2', 'text']);
    expect(s.getState().edges.filter((e) => e.target === id)).toHaveLength(2);
  });

  it('duplicate copies groups and notes with fresh document ids', () => {
    const s = store();
    s.getState().select(['@g:g1', '@n:n1']);
    const ids = s.getState().duplicateSelection();
    const doc = s.getState().toDocument();
    expect(doc.meta?.groups?.map((g) => g.id)).toEqual(['g1', 'group1']);
    expect(doc.meta?.notes?.map((n) => n.id)).toEqual(['n1', 'n2', 'note1']);
    expect(ids).toHaveLength(2);
  });

  it('pasted graphs stay valid documents that round-trip', () => {
    const s = store();
    s.getState().selectAll();
    s.getState().copySelection();
    s.getState().paste({ x: 0, y: 2000 });
    const doc = s.getState().toDocument();
    expect(Object.keys(doc.nodes)).toHaveLength(10);
    expect(toDocument(fromDocument(doc, catalog), doc.meta ?? {})).toEqual(doc);
  });
});

describe('node operations', () => {
  it('bypass and mute toggle; all-set toggles back to active', () => {
    const s = store();
    s.getState().toggleMode(['3'], 'bypassed');
    expect(node(s, '3').mode).toBe('bypassed');
    s.getState().toggleMode(['3'], 'bypassed');
    expect(node(s, '3').mode).toBeUndefined();
    s.getState().toggleMode(['3', '4'], 'muted');
    expect([node(s, '3').mode, node(s, '4').mode]).toEqual(['muted', 'muted']);
  });

  it('seed controls change the seed after a run; fixed leaves it', () => {
    const s = store();
    s.getState().setControl('3', 'seed', 'increment');
    s.getState().applySeedControls();
    expect(node(s, '3').inputs.seed).toBe(43);
    s.getState().setControl('3', 'seed', 'decrement');
    s.getState().applySeedControls();
    expect(node(s, '3').inputs.seed).toBe(42);
    s.getState().setControl('3', 'seed', 'randomize');
    s.getState().applySeedControls(() => 0.5);
    expect(node(s, '3').inputs.seed).not.toBe(42);
    const seed = node(s, '3').inputs.seed;
    s.getState().setControl('3', 'seed', 'fixed');
    s.getState().applySeedControls();
    expect(node(s, '3').inputs.seed).toBe(seed);
  });

  it('grouping the selection makes a frame around it', () => {
    const s = store();
    s.getState().select(['3', '4']);
    const id = s.getState().groupSelection('Sampling')!;
    const frame = s.getState().flow.find((f) => f.id === id)!;
    expect(frame.position.x).toBeLessThan(300);
    expect(frame.position.x + frame.width!).toBeGreaterThan(650);
    expect(s.getState().toDocument().meta?.groups?.at(-1)?.title).toBe('Sampling');
  });

  it('new nodes start with the catalog defaults and fresh numeric ids', () => {
    const s = store();
    const id = s.getState().addNode('test.sampler', { x: 5, y: 5 })!;
    expect(id).toBe('6');
    expect(node(s, id).inputs).toEqual({ prompt: '', seed: 0, steps: 8, cfg: 4, enabled: true, image: '' });
  });
});

describe('subgraphs', () => {
  it('converts the selection to one instance, unpacks it, and undoes each as one step', () => {
    const s = store();
    const before = s.getState().toDocument();
    s.getState().select(['2', '3']);
    const instance = s.getState().convertSelectionToSubgraph('Prompted sampler');
    expect(instance).toBe('prompted-sampler');
    const converted = s.getState().toDocument();
    const def = converted.definitions!.subgraphs!['prompted-sampler']!;
    expect(Object.keys(def.nodes)).toEqual(['2', '3']);
    expect(def.inputs).toEqual([{ name: 'model', type: 'DIT' }]);
    expect(converted.nodes['prompted-sampler']).toMatchObject({
      type: 'subgraph:prompted-sampler',
      inputs: { model: ['1', 'model'] },
    });
    expect(converted.nodes['4']!.inputs.latent).toEqual(['prompted-sampler', 'latent']);
    // The editor knows the instance's sockets, so its links draw with their types.
    expect(s.getState().catalog?.nodes['subgraph:prompted-sampler']?.outputs).toEqual({
      latent: { type: 'LATENT' },
    });

    s.getState().undo();
    expect(s.getState().toDocument()).toEqual(before);
    s.getState().redo();
    expect(s.getState().toDocument()).toEqual(converted);

    expect(s.getState().unpackSubgraph('prompted-sampler')).toEqual(['2', '3']);
    const unpacked = s.getState().toDocument();
    expect(unpacked.definitions).toBeUndefined();
    expect(unpacked.nodes['3']!.inputs).toEqual(before.nodes['3']!.inputs);
    expect(unpacked.nodes['4']!.inputs).toEqual(before.nodes['4']!.inputs);
    s.getState().undo();
    expect(s.getState().toDocument()).toEqual(converted);
  });

  it('opens a subgraph to edit inside: each edit one undo step, written to the definition, and back', () => {
    const s = store();
    s.getState().select(['2', '3']);
    const instance = s.getState().convertSelectionToSubgraph('Prompted sampler')!;
    const converted = s.getState().toDocument();
    expect(s.getState().openSubgraph('4')).toBe(false);
    expect(s.getState().openSubgraph(instance)).toBe(true);
    expect(s.getState().scopes?.map((x) => x.title)).toEqual(['Prompted sampler']);
    expect(Object.keys(s.getState().items).sort()).toEqual(['$inputs', '$outputs', '2', '3']);
    // The boundary nodes carry the subgraph's sockets, linked like any node.
    expect(s.getState().catalog?.nodes['@subgraph/inputs']?.outputs).toEqual({ model: { type: 'DIT' } });
    expect(
      s
        .getState()
        .edges.map((e) => e.id)
        .sort(),
    ).toEqual(['e:$outputs:latent', 'e:3:model', 'e:3:prompt']);

    s.getState().setInput('3', 'steps', 20);
    const edited = s.getState().toDocument();
    expect(edited.nodes).toEqual(converted.nodes);
    expect(edited.definitions!.subgraphs![instance]!.nodes['3']!.inputs.steps).toBe(20);
    const added = s.getState().addNode('test.prompt', { x: 0, y: 400 })!;
    expect(Object.keys(s.getState().toDocument().definitions!.subgraphs![instance]!.nodes)).toContain(added);
    // Boundary nodes cannot be deleted.
    s.getState().deleteItems(['$inputs', added]);
    expect(s.getState().items.$inputs).toBeDefined();
    s.getState().undo(); // the delete
    s.getState().undo(); // the added node
    expect(s.getState().toDocument()).toEqual(edited);
    expect(s.getState().scopes?.length).toBe(1);

    s.getState().leaveSubgraph(0);
    expect(s.getState().scopes).toBeUndefined();
    expect(Object.keys(s.getState().items)).toContain(instance);
    expect(s.getState().toDocument()).toEqual(edited);
    s.getState().undo(); // the widget change, made inside: undoing it goes back in
    expect(s.getState().scopes?.length).toBe(1);
    expect(s.getState().toDocument()).toEqual(converted);
  });

  it('opens a subgraph inside a subgraph; the breadcrumb goes back any number of levels', () => {
    const s = store();
    s.getState().select(['2', '3']);
    const outer = s.getState().convertSelectionToSubgraph('Outer')!;
    s.getState().openSubgraph(outer);
    s.getState().select(['2']);
    const inner = s.getState().convertSelectionToSubgraph('Inner')!;
    expect(s.getState().openSubgraph(inner)).toBe(true);
    expect(s.getState().scopes?.map((x) => x.title)).toEqual(['Outer', 'Inner']);
    s.getState().setInput('2', 'text', 'a red circle');
    s.getState().leaveSubgraph(0);
    const doc = s.getState().toDocument();
    expect(doc.definitions!.subgraphs!.inner!.nodes['2']!.inputs.text).toBe('a red circle');
    expect(doc.definitions!.subgraphs!.outer!.nodes[inner]!.type).toBe('subgraph:inner');
    expect(s.getState().items[outer]).toBeDefined();
  });

  it("inside a subgraph, a node's run events are those of its flattened id (what the executor runs)", () => {
    const s = store();
    expect(runPrefixOf(s.getState().scopes)).toBe('');
    s.getState().select(['2', '3']);
    const outer = s.getState().convertSelectionToSubgraph('Outer')!;
    s.getState().openSubgraph(outer);
    s.getState().select(['2']);
    const inner = s.getState().convertSelectionToSubgraph('Inner')!;
    s.getState().openSubgraph(inner);
    const prefix = runPrefixOf(s.getState().scopes);
    const shown = Object.keys(s.getState().items).filter((id) => !id.startsWith('$'));
    expect(shown).toContain('2');
    const flat = Object.keys(flattenGraph(s.getState().toDocument()).nodes);
    for (const id of shown) expect(flat).toContain(prefix + id);
  });
});

describe('problems inside a subgraph', () => {
  const scope = (instance: string) => ({
    subgraph: instance,
    instance,
    title: instance,
    parent: EMPTY_LEVEL,
  });
  const EMPTY_LEVEL = { items: {}, flow: [], edges: [] };
  const err = (inner: { nodeId: string; input?: string }, input?: string): ValidationError => ({
    nodeId: 'sg',
    code: 'above_max',
    message: 'bad',
    ...(input ? { input } : {}),
    inner,
  });

  it('puts an instance’s inner problem on the inner node and input shown inside', () => {
    const problems = { sg: [err({ nodeId: 'lat', input: 'width' }, 'w')], other: [err({ nodeId: 'x' })] };
    expect(problemsInScope(problems, undefined)).toBe(problems);
    expect(problemsInScope(problems, [scope('sg')])).toEqual({
      lat: [{ nodeId: 'lat', code: 'above_max', message: 'bad', input: 'width' }],
    });
    // Nested: on the nested instance one level up, on the node itself two levels down.
    const deep = { sg: [err({ nodeId: 'n/lat', input: 'width' })] };
    expect(problemsInScope(deep, [scope('sg')]).n).toEqual([
      { nodeId: 'n', code: 'above_max', message: 'bad', inner: { nodeId: 'lat', input: 'width' } },
    ]);
    expect(problemsInScope(deep, [scope('sg'), scope('n')]).lat?.[0]?.input).toBe('width');
    expect(problemsInScope(deep, [scope('sg'), scope('m')])).toEqual({});
  });
});
