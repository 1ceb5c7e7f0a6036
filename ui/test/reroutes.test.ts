import type { GraphDocument } from '@reelgraph/graph';
import { describe, expect, it } from 'vitest';
import { createEditorStore } from '../src/store/editorStore';
import { insertionIndex, reroutedPath, shiftReroutes, withReroutes } from '../src/store/reroutes';
import type { NodeItem } from '../src/store/types';
import { catalog, sampleDoc } from './fixtures';

const store = (doc: GraphDocument = sampleDoc) => createEditorStore({ catalog, doc: structuredClone(doc) });
const node = (s: ReturnType<typeof store>, id: string) => s.getState().items[id] as NodeItem;

describe('reroute points (pure)', () => {
  const item: NodeItem = { kind: 'node', type: 't', inputs: { a: ['x', 'o'] } };

  it('set and clear the points of one input, leaving the key out when none are left', () => {
    const one = withReroutes(item, 'a', [{ x: 1, y: 2 }]);
    expect(one.reroutes).toEqual({ a: [{ x: 1, y: 2 }] });
    expect('reroutes' in withReroutes(one, 'a', [])).toBe(false);
  });

  it('put a new point on the nearest stretch of the chain', () => {
    const points = [{ x: 100, y: 0 }];
    expect(insertionIndex([], { x: 0, y: 0 }, { x: 200, y: 0 }, { x: 90, y: 5 })).toBe(0);
    expect(insertionIndex(points, { x: 0, y: 0 }, { x: 200, y: 100 }, { x: 40, y: 3 })).toBe(0);
    expect(insertionIndex(points, { x: 0, y: 0 }, { x: 200, y: 100 }, { x: 160, y: 60 })).toBe(1);
  });

  it('draw one curve per stretch, through every point, with the menu on the middle stretch', () => {
    const { path, mid } = reroutedPath({ x: 0, y: 0 }, { x: 200, y: 0 }, [{ x: 100, y: 50 }]);
    expect(path.match(/C /g)).toHaveLength(2);
    expect(path).toContain(' 100,50 C');
    expect(path.endsWith(' 200,0')).toBe(true);
    expect(mid.x).toBeGreaterThan(100);
    expect(mid.x).toBeLessThan(200);
  });

  it('move with pasted nodes and go with links the paste dropped', () => {
    const r = { a: [{ x: 1, y: 1 }], gone: [{ x: 5, y: 5 }] };
    expect(shiftReroutes(r, { a: ['x', 'o'], gone: 3 }, 10, 20)).toEqual({ a: [{ x: 11, y: 21 }] });
  });
});

describe('reroute points in the editor', () => {
  it('are stored in the document (meta.reroutes of the target) and load back', () => {
    const s = store();
    s.getState().setReroutes('3', 'model', [{ x: 150, y: -40 }]);
    const doc = s.getState().toDocument();
    expect(doc.nodes['3']!.meta!.reroutes).toEqual({ model: [{ x: 150, y: -40 }] });
    const again = store(doc);
    expect(node(again, '3').reroutes).toEqual({ model: [{ x: 150, y: -40 }] });
    expect(again.getState().toDocument()).toEqual(doc);
  });

  it('undo as one step per gesture, and go with their link', () => {
    const s = store();
    const key = 'reroute:3:model:0';
    s.getState().setReroutes('3', 'model', [{ x: 0, y: 0 }]);
    s.getState().setReroutes('3', 'model', [{ x: 10, y: 0 }], key);
    s.getState().setReroutes('3', 'model', [{ x: 20, y: 0 }], key);
    s.getState().undo();
    expect(node(s, '3').reroutes).toEqual({ model: [{ x: 0, y: 0 }] });
    s.getState().disconnect('3', 'model');
    expect(node(s, '3').reroutes).toBeUndefined();
    // Only linked inputs carry points.
    s.getState().setReroutes('3', 'model', [{ x: 1, y: 1 }]);
    expect(node(s, '3').reroutes).toBeUndefined();
  });

  it('insert a node on a link: source → new node → target, undone at once', () => {
    const doc: GraphDocument = {
      version: 1,
      nodes: {
        i: { type: 'test.int', inputs: { value: 2 }, meta: { position: { x: 0, y: 0 } } },
        x: { type: 'test.add', inputs: { a: ['i', 'value'], b: 1 }, meta: { position: { x: 400, y: 0 } } },
      },
    };
    const s = store(doc);
    const id = s.getState().insertOnLink('x', 'a', 'test.add', { x: 200, y: 0 });
    expect(id).not.toBeNull();
    const after = s.getState().toDocument();
    expect(after.nodes[id!]!.inputs.a).toEqual(['i', 'value']);
    expect(after.nodes.x!.inputs.a).toEqual([id, 'sum']);
    expect(s.getState().edges).toHaveLength(2);
    // A node that cannot take the link is refused.
    expect(s.getState().insertOnLink('x', 'a', 'test.save', { x: 0, y: 0 })).toBeNull();
    s.getState().undo();
    expect(s.getState().toDocument()).toEqual(store(doc).getState().toDocument());
  });
});
