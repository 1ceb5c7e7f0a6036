import { type GraphDocument, type GraphNode, isLink } from '@reelgraph/graph';

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
  return { version: 2, nodes, meta: { title: `${pipelines * 5}-node benchmark graph` } };
}

/** `copies` copies of `doc` on a grid, ids suffixed `~k` and links rewired: a big graph over any catalog. */
export function tiled(doc: GraphDocument, copies: number, perRow = 6, dx = 1400, dy = 900): GraphDocument {
  const nodes: Record<string, GraphNode> = {};
  for (let k = 0; k < copies; k++) {
    const ox = (k % perRow) * dx;
    const oy = Math.floor(k / perRow) * dy;
    for (const [id, n] of Object.entries(doc.nodes)) {
      const inputs = Object.fromEntries(
        Object.entries(n.inputs).map(([name, v]) => [
          name,
          isLink(v) && v[0] in doc.nodes ? [`${v[0]}~${k}`, v[1]] : v,
        ]),
      ) as GraphNode['inputs'];
      const at = n.meta?.position ?? { x: 0, y: 0 };
      nodes[`${id}~${k}`] = { ...n, inputs, meta: { ...n.meta, position: { x: at.x + ox, y: at.y + oy } } };
    }
  }
  return { version: 2, nodes, meta: { title: `${Object.keys(nodes).length}-node tiled graph` } };
}

/** The e2e pack's moving-bar clip saved as a video with the graph embedded (history, gallery, playback). */
export function clipToVideo(o: {
  title: string;
  format: 'mp4' | 'webp';
  prefix: string;
  frames: number;
  steps: number;
  delayMs: number;
}): GraphDocument {
  return {
    version: 2,
    nodes: {
      clip: {
        type: 'e2e.clip',
        inputs: { frames: o.frames, steps: o.steps, delay_ms: o.delayMs },
        meta: { position: { x: 0, y: 0 } },
      },
      save: {
        type: 'video.save',
        inputs: {
          images: ['clip', 'images'],
          fps: 8,
          format: o.format,
          prefix: o.prefix,
          quality: 0,
          audio: '',
          embed_graph: true,
        },
        meta: { position: { x: 360, y: 0 } },
      },
    },
    meta: { title: o.title },
  };
}
