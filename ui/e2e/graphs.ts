import type { GraphDocument, GraphNode } from '@reelgraph/graph';

/**
 * A large graph over the test catalog (`test/fixtures.ts`): `pipelines` copies of loader + prompt + steps
 * → sampler → save (5 nodes, 4 links each), laid out on a grid.
 */
export function bigGraph(pipelines = 100, perRow = 10): GraphDocument {
  const nodes: Record<string, GraphNode> = {};
  for (let p = 0; p < pipelines; p++) {
    const ox = (p % perRow) * 1150;
    const oy = Math.floor(p / perRow) * 620;
    const id = (k: number) => String(p * 5 + k + 1);
    nodes[id(0)] = { type: 'test.loader', inputs: { name: 'tiny' }, meta: { position: { x: ox, y: oy } } };
    nodes[id(1)] = {
      type: 'test.prompt',
      inputs: { text: `clip ${p}: a red ball bouncing` },
      meta: { position: { x: ox, y: oy + 120 } },
    };
    nodes[id(2)] = { type: 'test.int', inputs: { value: 8 }, meta: { position: { x: ox, y: oy + 330 } } };
    nodes[id(3)] = {
      type: 'test.sampler',
      inputs: {
        model: [id(0), 'model'],
        prompt: [id(1), 'text'],
        seed: p,
        steps: [id(2), 'value'],
        cfg: 4.5,
        enabled: true,
      },
      meta: { position: { x: ox + 320, y: oy } },
    };
    nodes[id(4)] = {
      type: 'test.save',
      inputs: { latent: [id(3), 'latent'], fps: 8 },
      meta: { position: { x: ox + 650, y: oy } },
    };
  }
  return { version: 1, nodes, meta: { title: `${pipelines * 5}-node benchmark graph` } };
}
