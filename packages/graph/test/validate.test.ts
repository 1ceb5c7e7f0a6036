import { describe, expect, it } from 'vitest';
import { type GraphDocument, VALIDATION_CODES, type ValidationCode, validateGraph } from '../src';
import { baseDoc, catalog } from './catalog';

type Doc = GraphDocument & Record<string, unknown>;
type Nodes = Record<
  string,
  { type: string; inputs: Record<string, unknown>; mode?: unknown; meta?: unknown; foreign?: unknown }
>;

/** A copy of the base document with `change` applied. */
function mutate(change: (doc: Doc, nodes: Nodes) => void): unknown {
  const doc = structuredClone(baseDoc()) as Doc;
  change(doc, doc.nodes as Nodes);
  return doc;
}

interface Case {
  code: ValidationCode;
  name: string;
  doc: unknown;
  nodeId: string | null;
  input?: string;
  options?: { maxBytes?: number; maxNodes?: number };
  /** A fragment the message must contain. */
  says?: RegExp;
}

// invalid_json only arises from text: it is covered in parse.test.ts.
const cases: Case[] = [
  {
    code: 'document_too_large',
    name: 'more bytes than maxBytes',
    doc: baseDoc(),
    options: { maxBytes: 200 },
    nodeId: null,
    says: /200 bytes/,
  },
  {
    code: 'document_too_large',
    name: 'more nodes than maxNodes',
    doc: baseDoc(),
    options: { maxNodes: 3 },
    nodeId: null,
    says: /5 nodes; the limit is 3/,
  },
  { code: 'invalid_document', name: 'not an object', doc: [], nodeId: null },
  {
    code: 'invalid_document',
    name: 'nodes is an array',
    doc: mutate((d) => {
      (d as Record<string, unknown>).nodes = [];
    }),
    nodeId: null,
    says: /"nodes" must be an object/,
  },
  {
    code: 'invalid_document',
    name: 'node without a string type',
    doc: mutate((_, n) => {
      (n.seed as Record<string, unknown>).type = 5;
    }),
    nodeId: 'seed',
    says: /needs a string "type", got 5/,
  },
  {
    code: 'invalid_document',
    name: 'inputs not an object',
    doc: mutate((_, n) => {
      (n.dec as Record<string, unknown>).inputs = 'latent';
    }),
    nodeId: 'dec',
  },
  {
    code: 'invalid_document',
    name: 'bad mode',
    doc: mutate((_, n) => {
      n.dec!.mode = 'paused';
    }),
    nodeId: 'dec',
    says: /"mode" must be one of active, muted, bypassed/,
  },
  {
    code: 'invalid_document',
    name: 'bad node meta',
    doc: mutate((_, n) => {
      n.dec!.meta = { position: { x: 'left', y: 0 } };
    }),
    nodeId: 'dec',
    says: /meta\.position\.x/,
  },
  {
    code: 'invalid_document',
    name: 'bad reroute point',
    doc: mutate((_, n) => {
      n.dec!.meta = {
        reroutes: {
          latent: [
            { x: 1, y: 2 },
            { x: 'up', y: 0 },
          ],
        },
      };
    }),
    nodeId: 'dec',
    says: /meta\.reroutes\."latent"\[1\] must be a point/,
  },
  {
    code: 'invalid_document',
    name: 'bad graph meta',
    doc: mutate((d) => {
      d.meta = { groups: [{ id: 'g', title: 'T', bounds: { x: 0, y: 0, width: -1, height: 1 } }] };
    }),
    nodeId: null,
    says: /meta\.groups\[0\]\.bounds\.width/,
  },
  {
    code: 'invalid_document',
    name: 'unknown top-level field',
    doc: mutate((d) => {
      d.extra = true;
    }),
    nodeId: null,
  },
  {
    code: 'invalid_document',
    name: 'reserved node id',
    doc: mutate((_, n) => {
      n['constructor' as string] = { type: 't.int', inputs: {} };
    }),
    nodeId: 'constructor',
  },
  {
    code: 'unsupported_version',
    name: 'newer version',
    doc: mutate((d) => {
      (d as Record<string, unknown>).version = 3;
    }),
    nodeId: null,
    says: /version 3 is newer/,
  },
  {
    code: 'duplicate_id',
    name: 'group id equal to a node id',
    doc: mutate((d) => {
      d.meta!.groups![0]!.id = 'lat';
    }),
    nodeId: 'lat',
    says: /group id "lat" is already used by a node/,
  },
  {
    code: 'duplicate_id',
    name: 'note id equal to a group id',
    doc: mutate((d) => {
      d.meta!.notes![0]!.id = 'g1';
    }),
    nodeId: null,
  },
  {
    code: 'unknown_node_type',
    name: 'type not in the catalog',
    doc: mutate((_, n) => {
      n.dec!.type = 't.decodez';
    }),
    nodeId: 'dec',
    says: /unknown type "t\.decodez"/,
  },
  {
    code: 'unknown_node_type',
    name: 'type naming an Object.prototype member',
    doc: mutate((_, n) => {
      n.dec!.type = 'toString';
    }),
    nodeId: 'dec',
  },
  {
    code: 'missing_input',
    name: 'required socket absent',
    doc: mutate((_, n) => {
      delete n.dec!.inputs.latent;
    }),
    nodeId: 'dec',
    input: 'latent',
    says: /missing required input "latent" \(a link from a LATENT output\)/,
  },
  {
    code: 'missing_input',
    name: 'widget without default absent',
    doc: mutate((_, n) => {
      n.add = { type: 't.add', inputs: { b: 1 } };
    }),
    nodeId: 'add',
    input: 'a',
  },
  {
    code: 'unknown_input',
    name: 'input the type does not declare',
    doc: mutate((_, n) => {
      n.save!.inputs.fsp = 24;
    }),
    nodeId: 'save',
    input: 'fsp',
    says: /has no input "fsp" \(it has "images", "fps"\)/,
  },
  {
    code: 'invalid_link',
    name: 'three-element array',
    doc: mutate((_, n) => {
      n.dec!.inputs.latent = ['s', 'latent', 0];
    }),
    nodeId: 'dec',
    input: 'latent',
  },
  {
    code: 'invalid_link',
    name: 'numeric node id',
    doc: mutate((_, n) => {
      n.dec!.inputs.latent = [3, 'latent'];
    }),
    nodeId: 'dec',
    input: 'latent',
  },
  {
    code: 'link_missing_node',
    name: 'link to an absent node',
    doc: mutate((_, n) => {
      n.dec!.inputs.latent = ['ghost', 'latent'];
    }),
    nodeId: 'dec',
    input: 'latent',
    says: /links to node "ghost", which does not exist/,
  },
  {
    code: 'link_missing_output',
    name: 'link to an absent output',
    doc: mutate((_, n) => {
      n.dec!.inputs.latent = ['s', 'samples'];
    }),
    nodeId: 'dec',
    input: 'latent',
    says: /output "samples" of node "s" \(t\.sample\), but it has "latent"/,
  },
  {
    code: 'link_required',
    name: 'constant given to a socket',
    doc: mutate((_, n) => {
      n.dec!.inputs.latent = 'latent.bin';
    }),
    nodeId: 'dec',
    input: 'latent',
  },
  {
    code: 'type_mismatch',
    name: 'LATENT into IMAGE',
    doc: mutate((_, n) => {
      n.save!.inputs.images = ['s', 'latent'];
    }),
    nodeId: 'save',
    input: 'images',
    says: /expects IMAGE, but output "latent" of node "s" \(t\.sample\) gives LATENT/,
  },
  {
    code: 'wrong_value_type',
    name: 'string for INT',
    doc: mutate((_, n) => {
      n.save!.inputs.fps = '24';
    }),
    nodeId: 'save',
    input: 'fps',
    says: /expected an integer, got the string "24"/,
  },
  {
    code: 'wrong_value_type',
    name: 'number for BOOLEAN',
    doc: mutate((_, n) => {
      n.s!.inputs.flag = 1;
    }),
    nodeId: 's',
    input: 'flag',
  },
  {
    code: 'wrong_value_type',
    name: 'non-finite number',
    doc: mutate((_, n) => {
      n.s!.inputs.denoise = Number.NaN;
    }),
    nodeId: 's',
    input: 'denoise',
  },
  {
    code: 'wrong_value_type',
    name: 'null value',
    doc: mutate((_, n) => {
      n.save!.inputs.fps = null;
    }),
    nodeId: 'save',
    input: 'fps',
  },
  {
    code: 'not_integer',
    name: 'fraction for INT',
    doc: mutate((_, n) => {
      n.save!.inputs.fps = 24.5;
    }),
    nodeId: 'save',
    input: 'fps',
  },
  {
    code: 'not_integer',
    name: 'integer beyond 2^53',
    doc: mutate((_, n) => {
      n.lat!.inputs.seed = 2 ** 60;
    }),
    nodeId: 'lat',
    input: 'seed',
    says: /safe integer/,
  },
  {
    code: 'below_min',
    name: 'under min',
    doc: mutate((_, n) => {
      n.save!.inputs.fps = 0;
    }),
    nodeId: 'save',
    input: 'fps',
    says: /0 is below the minimum 1/,
  },
  {
    code: 'above_max',
    name: 'over max',
    doc: mutate((_, n) => {
      n.lat!.inputs.width = 1024;
    }),
    nodeId: 'lat',
    input: 'width',
  },
  {
    code: 'off_step',
    name: 'INT off its grid from min',
    doc: mutate((_, n) => {
      n.lat!.inputs.frames = 8; // grid is 1, 5, 9 …
    }),
    nodeId: 'lat',
    input: 'frames',
    says: /8 is not a multiple of the step 4 from 1/,
  },
  {
    code: 'off_step',
    name: 'FLOAT off a 0.05 grid',
    doc: mutate((_, n) => {
      n.s!.inputs.denoise = 0.33;
    }),
    nodeId: 's',
    input: 'denoise',
  },
  {
    code: 'not_in_options',
    name: 'combo value not offered',
    doc: mutate((_, n) => {
      n.s!.inputs.sampler = 'dpm';
    }),
    nodeId: 's',
    input: 'sampler',
    says: /"dpm" is not one of: "euler", "heun"/,
  },
  {
    code: 'cycle',
    name: 'a loop through the chain',
    doc: mutate((_, n) => {
      n.lat!.inputs.seed = ['r', 'value'];
      n.r = { type: 't.round', inputs: { x: ['f', 'value'] } };
      n.f = { type: 't.pass', inputs: { value: ['lat', 'latent'] } };
    }),
    nodeId: 'lat',
    says: /^Cycle: "lat" → "f" → "r" → "lat"$/,
  },
  {
    code: 'foreign_node',
    name: 'a foreign node cannot run',
    doc: mutate((_, n) => {
      n.lora = {
        type: 'comfy/foreign',
        inputs: { strength: 1 },
        foreign: {
          class: 'LoraLoader',
          inputs: [{ name: 'model', type: 'MODEL' }],
          outputs: [{ name: 'MODEL', type: 'MODEL' }],
        },
      };
    }),
    nodeId: 'lora',
    says: /foreign node "LoraLoader".*replace or remove/,
  },
  {
    code: 'no_output_node',
    name: 'output node muted',
    doc: mutate((_, n) => {
      n.save!.mode = 'muted';
    }),
    nodeId: null,
    says: /"save" are muted/,
  },
];

describe('validateGraph: one case per error code', () => {
  it('the base document is valid', () => {
    expect(validateGraph(baseDoc(), catalog)).toEqual([]);
  });

  it.each(cases)('$code: $name', ({ code, doc, nodeId, input, options, says }) => {
    const errors = validateGraph(doc, catalog, options);
    const hit = errors.find((e) => e.code === code);
    expect(hit, JSON.stringify(errors, null, 1)).toBeDefined();
    expect(hit!.nodeId).toBe(nodeId);
    expect(hit!.input).toBe(input);
    if (says) expect(hit!.message).toMatch(says);
  });

  it('covers every code (invalid_json and raw duplicates in parse.test.ts, model_mismatch in model-rules.test.ts)', () => {
    const covered = new Set<string>([...cases.map((c) => c.code), 'invalid_json', 'model_mismatch']);
    expect(VALIDATION_CODES.filter((c) => !covered.has(c))).toEqual([]);
  });

  it('stops at a size error without looking further', () => {
    expect(validateGraph(baseDoc(), catalog, { maxNodes: 3 })).toHaveLength(1);
  });
});

describe('validateGraph: all problems at once', () => {
  it('reports every problem on every node in one pass', () => {
    const doc = mutate((d, n) => {
      n.dec!.type = 'nope';
      n.save!.inputs.fps = 500;
      n.save!.inputs.extra = 1;
      n.s!.inputs.sampler = 'dpm';
      n.s!.inputs.denoise = '0.5';
      delete n.s!.inputs.latent;
      n.lat!.inputs.seed = ['ghost', 'value'];
      d.meta!.notes![0]!.id = 'seed';
    });
    const got = validateGraph(doc, catalog).map((e) => [e.code, e.nodeId, e.input ?? null]);
    expect(got).toEqual(
      expect.arrayContaining([
        ['unknown_node_type', 'dec', null],
        ['above_max', 'save', 'fps'],
        ['unknown_input', 'save', 'extra'],
        ['not_in_options', 's', 'sampler'],
        ['wrong_value_type', 's', 'denoise'],
        ['missing_input', 's', 'latent'],
        ['link_missing_node', 'lat', 'seed'],
        ['duplicate_id', 'seed', null],
      ]),
    );
    expect(got).toHaveLength(8);
  });

  it('gives clear messages naming node, type and input', () => {
    const doc = mutate((_, n) => {
      n.save!.inputs.fps = 2.5;
    });
    expect(validateGraph(doc, catalog)).toEqual([
      {
        nodeId: 'save',
        input: 'fps',
        code: 'not_integer',
        message: 'Node "save" (t.save): input "fps": 2.5 is not an integer',
      },
    ]);
  });
});

describe('validateGraph: inputs and defaults', () => {
  it('lets widget inputs with a default and optional inputs be omitted', () => {
    const doc = mutate((_, n) => {
      n.lat!.inputs = {};
      n.s!.inputs = { latent: ['lat', 'latent'] };
      n.save!.inputs = { images: ['dec', 'images'] };
    });
    expect(validateGraph(doc, catalog)).toEqual([]);
  });

  it('accepts a link into a widget input (a widget turned into a socket)', () => {
    const doc = mutate((_, n) => {
      n.fps = { type: 't.int', inputs: { value: 30 } };
      n.save!.inputs.fps = ['fps', 'value'];
    });
    expect(validateGraph(doc, catalog)).toEqual([]);
  });

  it('honours FLOAT steps despite binary rounding (0.1 grids)', () => {
    for (const v of [0.3, 0.7, 0.1 * 3, 2.9, 9.9, 10]) {
      const doc = mutate((_, n) => {
        n.f = { type: 't.float', inputs: { value: v } };
      });
      expect(validateGraph(doc, catalog), String(v)).toEqual([]);
    }
    for (const v of [0.35, 0.01, 9.95]) {
      const doc = mutate((_, n) => {
        n.f = { type: 't.float', inputs: { value: v } };
      });
      expect(
        validateGraph(doc, catalog).map((e) => e.code),
        String(v),
      ).toEqual(['off_step']);
    }
  });

  it('reports range and step problems together', () => {
    const doc = mutate((_, n) => {
      n.lat!.inputs.width = 1000; // over 512 and not on the 16-grid
    });
    expect(validateGraph(doc, catalog).map((e) => e.code)).toEqual(['above_max', 'off_step']);
  });
});

describe('validateGraph: type rule', () => {
  const withLink = (from: [string, Record<string, unknown>], to: [string, Record<string, unknown>]) =>
    mutate((_, n) => {
      n.src = { type: from[0], inputs: from[1] };
      n.dst = { type: to[0], inputs: to[1] };
      n.out = { type: 't.show', inputs: { value: ['dst', Object.keys(catalog.nodes[to[0]]!.outputs)[0]!] } };
    });

  it('accepts the INT → FLOAT coercion', () => {
    const doc = withLink(['t.int', { value: 3 }], ['t.add', { a: ['src', 'value'] }]);
    expect(validateGraph(doc, catalog)).toEqual([]);
  });

  it('refuses FLOAT → INT', () => {
    const doc = withLink(['t.float', { value: 3 }], ['t.latent', { seed: ['src', 'value'] }]);
    expect(validateGraph(doc, catalog)).toMatchObject([
      { code: 'type_mismatch', nodeId: 'dst', input: 'seed' },
    ]);
  });

  it('lets `*` inputs take anything and `*` outputs feed anything', () => {
    const doc = mutate((_, n) => {
      n.any = { type: 't.pass', inputs: { value: ['s', 'latent'] } };
      n.show = { type: 't.show', inputs: { value: ['any', 'value'] } };
      n.dec!.inputs.latent = ['any', 'value'];
    });
    expect(validateGraph(doc, catalog)).toEqual([]);
  });
});

describe('validateGraph: cycles', () => {
  const chain = (links: Record<string, string>) => {
    const nodes: Record<string, unknown> = { show: { type: 't.show', inputs: { value: ['a', 'value'] } } };
    for (const [id, from] of Object.entries(links))
      nodes[id] = { type: 't.pass', inputs: { value: [from, 'value'] } };
    return { version: 1, nodes };
  };
  const cycles = (doc: unknown) => validateGraph(doc, catalog).filter((e) => e.code === 'cycle');

  it('names a 3-node cycle in data-flow order, on its first node', () => {
    // c feeds a, a feeds b, b feeds c
    expect(cycles(chain({ a: 'c', b: 'a', c: 'b' }))).toEqual([
      { nodeId: 'a', code: 'cycle', message: 'Cycle: "a" → "b" → "c" → "a"' },
    ]);
  });

  it('finds a self-loop', () => {
    expect(cycles(chain({ a: 'a' }))).toEqual([{ nodeId: 'a', code: 'cycle', message: 'Cycle: "a" → "a"' }]);
  });

  it('reports two separate cycles separately', () => {
    const got = cycles(chain({ a: 'b', b: 'a', x: 'y', y: 'z', z: 'x' }));
    expect(got.map((e) => [e.nodeId, e.message])).toEqual([
      ['a', 'Cycle: "a" → "b" → "a"'],
      ['x', 'Cycle: "x" → "z" → "y" → "x"'],
    ]);
  });

  it('is iterative: a 10,000-node loop neither overflows nor floods the message', () => {
    const links: Record<string, string> = {};
    for (let i = 0; i < 10_000; i++) links[`n${i}`] = `n${(i + 9_999) % 10_000}`;
    links.a = 'n0';
    const got = cycles(chain(links));
    expect(got).toHaveLength(1);
    expect(got[0]!.message).toMatch(
      /^Cycle: "n0" → "n1" → .* → … 9977 more … → "n9997" → "n9998" → "n9999" → "n0"$/,
    );
    expect(got[0]!.message.length).toBeLessThan(400);
  });

  it('validates a 10,000-node chain without errors', () => {
    const links: Record<string, string> = { a: 'n9999' };
    for (let i = 1; i < 10_000; i++) links[`n${i}`] = `n${i - 1}`;
    const doc = chain(links);
    (doc.nodes as Record<string, unknown>).n0 = { type: 't.int', inputs: { value: 1 } };
    expect(validateGraph(doc, catalog)).toEqual([]);
  });
});

describe('validateGraph: modes', () => {
  it('allows links from muted and bypassed nodes', () => {
    const doc = mutate((_, n) => {
      n.s!.mode = 'muted';
      n.lat!.mode = 'bypassed';
    });
    expect(validateGraph(doc, catalog)).toEqual([]);
  });

  it('does not count a bypassed output node, but does count an explicitly active one', () => {
    const bypassed = mutate((_, n) => {
      n.save!.mode = 'bypassed';
    });
    expect(validateGraph(bypassed, catalog).map((e) => e.code)).toEqual(['no_output_node']);
    const active = mutate((_, n) => {
      n.save!.mode = 'active';
    });
    expect(validateGraph(active, catalog)).toEqual([]);
  });

  it('does not claim "no output node" when an unknown type might be one', () => {
    const doc = mutate((_, n) => {
      n.save!.type = 'missing.pack.save';
    });
    expect(validateGraph(doc, catalog).map((e) => e.code)).toEqual(['unknown_node_type']);
  });

  it('does not pile "no output node" on top of shape errors', () => {
    expect(validateGraph({ version: 1, nodes: [] }, catalog).map((e) => e.code)).toEqual([
      'invalid_document',
    ]);
    const junk = mutate((_, n) => {
      (n as Record<string, unknown>).save = 42;
    });
    expect(validateGraph(junk, catalog).map((e) => e.code)).toEqual(['invalid_document']);
    const badMode = mutate((_, n) => {
      n.save!.mode = 'paused';
    });
    expect(validateGraph(badMode, catalog).map((e) => e.code)).toEqual(['invalid_document']);
  });

  it('reports an empty graph as having no output node', () => {
    expect(validateGraph({ version: 1, nodes: {} }, catalog)).toMatchObject([
      { code: 'no_output_node', nodeId: null },
    ]);
  });
});

describe('validateGraph: hostile input', () => {
  const hostile: unknown[] = [
    null,
    undefined,
    0,
    Number.NaN,
    'graph',
    [],
    [1, 2],
    new Map(),
    new Date(0),
    () => 1,
    Symbol('x'),
    10n,
    { version: '1', nodes: {} },
    { version: 1.5, nodes: null },
    { version: 1, nodes: { a: null, b: [], c: 'x', d: { type: [], inputs: [] } } },
    JSON.parse(
      '{"version":1,"nodes":{"__proto__":{"type":"t.int","inputs":{"__proto__":1}}},"__proto__":{}}',
    ),
    {
      version: 1,
      nodes: { a: { type: '__proto__', inputs: { constructor: ['hasOwnProperty', 'toString'] } } },
    },
    { version: 1, nodes: { a: { type: 't.int', inputs: { value: 1e308 * 10 } } } },
    { version: 1, nodes: { a: { type: 't.int', inputs: { value: 10n } } } },
    { version: 1, nodes: { a: { type: 't.show', inputs: { value: [] } } } },
    { version: 1, nodes: {}, meta: { groups: [null, 5, { id: {} }], notes: 'x', viewport: { zoom: 0 } } },
  ];

  it.each(hostile.map((v, i) => [i, v]))('never throws and reports something (%i)', (_, value) => {
    const errors = validateGraph(value, catalog);
    expect(errors.length).toBeGreaterThan(0);
    for (const e of errors) expect(e.message).not.toMatch(/Internal/);
  });

  it('refuses circular and absurdly deep values', () => {
    const loop: Record<string, unknown> = { version: 1, nodes: {} };
    (loop.nodes as Record<string, unknown>).a = { type: 't.show', inputs: {}, meta: loop };
    expect(validateGraph(loop, catalog)).toMatchObject([{ code: 'invalid_document' }]);
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(validateGraph({ version: 1, nodes: {}, meta: { x: deep } }, catalog)).toMatchObject([
      { code: 'invalid_document', message: expect.stringMatching(/deeper/) },
    ]);
  });

  it('refuses a huge sparse array without walking it', () => {
    const doc = { version: 1, nodes: {}, meta: { groups: new Array(1e9) } };
    expect(validateGraph(doc, catalog)).toMatchObject([{ code: 'document_too_large' }]);
  });

  it('survives a throwing getter', () => {
    const doc = { version: 1, nodes: {} };
    Object.defineProperty(doc.nodes, 'a', {
      enumerable: true,
      get() {
        throw new Error('boom');
      },
    });
    expect(validateGraph(doc, catalog)).toMatchObject([{ code: 'invalid_document' }]);
  });
});

describe('validateGraph: foreign nodes', () => {
  const lora = {
    type: 'comfy/foreign',
    inputs: { latent: ['s', 'latent'], strength: 0.5 },
    foreign: {
      class: 'LatentUpscale',
      inputs: [{ name: 'latent', type: 'LATENT' }],
      outputs: [{ name: 'LATENT', type: 'LATENT' }],
      values: { crop: null },
    },
  };
  it('links into a foreign node by its output names; only the foreign error remains', () => {
    const doc = mutate((_, n) => {
      n.up = structuredClone(lora);
      n.dec!.inputs.latent = ['up', 'LATENT'];
    });
    expect(validateGraph(doc, catalog).map((e) => e.code)).toEqual(['foreign_node']);
  });
  it('refuses a link to an output the foreign node does not have', () => {
    const doc = mutate((_, n) => {
      n.up = structuredClone(lora);
      n.dec!.inputs.latent = ['up', 'IMAGE'];
    });
    const codes = validateGraph(doc, catalog).map((e) => e.code);
    expect(codes).toEqual(['foreign_node', 'link_missing_output']);
  });
  it('refuses "foreign" on an ordinary node and a malformed description', () => {
    const doc = mutate((_, n) => {
      n.s!.foreign = lora.foreign;
      n.up = { ...structuredClone(lora), foreign: { class: '', inputs: {}, outputs: [] } };
    });
    const errors = validateGraph(doc, catalog);
    expect(errors.filter((e) => e.code === 'invalid_document').map((e) => e.nodeId)).toEqual([
      's',
      'up',
      'up',
    ]);
    expect(errors.some((e) => e.code === 'foreign_node')).toBe(false);
  });
});

describe('validateGraph: reroute points', () => {
  it('are layout only: a document with them validates as one without', () => {
    const doc = mutate((_, n) => {
      n.dec!.meta = { position: { x: 0, y: 0 }, reroutes: { latent: [{ x: 5, y: -3 }], unlinked: [] } };
    });
    expect(validateGraph(doc, catalog)).toEqual([]);
  });
});
