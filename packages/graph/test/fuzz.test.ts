/**
 * Property tests: random valid documents are accepted, documents broken in a known way are refused with
 * the expected code, and nothing at all makes the validator throw. Generators are driven by seeds that
 * fast-check picks (and reports when a property fails).
 */
import Ajv2020 from 'ajv/dist/2020';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import schema from '../graph.schema.json';
import {
  canConnect,
  type InputSchema,
  isInputRequired,
  parseGraph,
  VALIDATION_CODES,
  type ValidationCode,
  type ValidationError,
  validateGraph,
} from '../src';
import { catalog } from './catalog';

const checkSchema = new Ajv2020({ allowUnionTypes: true }).compile(schema);

type Rng = () => number;
function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const int = (rng: Rng, lo: number, hi: number) => lo + Math.floor(rng() * (hi - lo + 1));
const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)]!;
const chance = (rng: Rng, p: number) => rng() < p;

type Json = Record<string, unknown>;
interface GNode {
  type: string;
  inputs: Record<string, unknown>;
  mode?: string;
  meta?: Json;
}
interface GDoc {
  version: number;
  nodes: Record<string, GNode>;
  meta?: Json;
  [k: string]: unknown;
}
interface Out {
  id: string;
  output: string;
  type: string;
}

const schemas = catalog.nodes;
const TYPES = Object.keys(schemas);
const ID_CHARS = ['a', 'b', 'z', '7', '-', '_', ':', '.', ' ', 'é', '節', '😀', '"', '\\'];

function randomString(rng: Rng, max = 8): string {
  let s = '';
  for (let i = int(rng, 0, max); i > 0; i--) s += pick(rng, ID_CHARS);
  return s;
}

function freshId(rng: Rng, taken: Set<string>): string {
  for (;;) {
    const id = chance(rng, 0.6) ? `n${taken.size}` : randomString(rng, 6);
    if (id && !taken.has(id) && !['__proto__', 'constructor', 'prototype'].includes(id)) {
      taken.add(id);
      return id;
    }
  }
}

/** A value the declaration accepts. */
function validConstant(rng: Rng, decl: InputSchema): string | number | boolean {
  if (decl.options) return pick(rng, decl.options);
  switch (decl.type) {
    case 'INT':
    case 'FLOAT': {
      const step = decl.step ?? (decl.type === 'INT' ? 1 : 0);
      const base = decl.min ?? 0;
      const top = decl.max ?? base + 1000 * (step || 1);
      if (!step) return base + rng() * (top - base);
      const k = int(rng, 0, Math.min(1000, Math.floor((top - base) / step + 1e-9)));
      return base + k * step;
    }
    case 'BOOLEAN':
      return chance(rng, 0.5);
    default:
      return randomString(rng, 12);
  }
}

/** A random valid document over the test catalog. */
function validDoc(rng: Rng): GDoc {
  const taken = new Set<string>();
  const nodes: Record<string, GNode> = {};
  const outs: Out[] = [];
  const count = int(rng, 1, 25);
  for (let i = 0; i < count; i++) {
    const candidates = TYPES.filter((t) =>
      Object.values(schemas[t]!.inputs).every(
        (d) =>
          d.widget !== 'socket' || d.optional || outs.some((o) => canConnect(catalog.types, o.type, d.type)),
      ),
    );
    const type = pick(rng, candidates);
    const s = schemas[type]!;
    const id = freshId(rng, taken);
    const inputs: Record<string, unknown> = {};
    for (const [name, decl] of Object.entries(s.inputs)) {
      const sources = outs.filter((o) => canConnect(catalog.types, o.type, decl.type));
      if (!isInputRequired(decl) && chance(rng, 0.3)) continue;
      if (decl.widget === 'socket' || (sources.length > 0 && chance(rng, 0.2))) {
        if (sources.length === 0) continue; // optional socket with nothing to link
        const src = pick(rng, sources);
        inputs[name] = [src.id, src.output];
      } else inputs[name] = validConstant(rng, decl);
    }
    const node: GNode = { type, inputs };
    const r = rng();
    if (r < 0.08) node.mode = 'muted';
    else if (r < 0.16) node.mode = 'bypassed';
    else if (r < 0.24) node.mode = 'active';
    if (chance(rng, 0.3))
      node.meta = { position: { x: int(rng, -500, 500), y: rng() * 100 }, title: randomString(rng) };
    nodes[id] = node;
    for (const [output, o] of Object.entries(s.outputs)) outs.push({ id, output, type: o.type });
  }
  if (outs.length === 0) {
    const id = freshId(rng, taken);
    nodes[id] = { type: 't.int', inputs: { value: int(rng, -100, 100) } };
    outs.push({ id, output: 'value', type: 'INT' });
  }
  const src = pick(rng, outs);
  nodes[freshId(rng, taken)] = { type: 't.show', inputs: { value: [src.id, src.output] } };
  const doc: GDoc = { version: 2, nodes };
  if (chance(rng, 0.4)) {
    doc.meta = {
      title: randomString(rng),
      groups: [{ id: `group:${taken.size}`, title: 'g', bounds: { x: 0, y: 0, width: 10, height: 10 } }],
      notes: [{ id: `note:${taken.size}`, text: randomString(rng, 30), position: { x: 1, y: 1 } }],
      viewport: { x: 0, y: 0, zoom: 0.5 + rng() },
    };
  }
  return doc;
}

// ---- mutations whose invalidity is known by construction -------------------------------------------

interface Mutated {
  doc: unknown;
  code: ValidationCode;
  options?: { maxNodes?: number };
}
type Mutation = (rng: Rng, doc: GDoc) => Mutated | undefined;

const entries = (doc: GDoc) => Object.entries(doc.nodes);
const schemaOf = (n: GNode) => (Object.hasOwn(schemas, n.type) ? schemas[n.type] : undefined);
const declOf = (n: GNode, input: string) => {
  const inputs = schemaOf(n)?.inputs ?? {};
  return Object.hasOwn(inputs, input) ? inputs[input] : undefined;
};
const outputsOf = (n: GNode) => Object.keys(schemaOf(n)?.outputs ?? {});
const constants = (doc: GDoc, want: (d: InputSchema, v: unknown) => boolean) =>
  entries(doc).flatMap(([id, n]) =>
    Object.entries(n.inputs)
      .filter(([k, v]) => !Array.isArray(v) && declOf(n, k) && want(declOf(n, k)!, v))
      .map(([k]) => [id, k] as const),
  );
const links = (doc: GDoc) =>
  entries(doc).flatMap(([id, n]) =>
    Object.entries(n.inputs)
      .filter(([, v]) => Array.isArray(v))
      .map(([k]) => [id, k] as const),
  );
const numeric = (d: InputSchema) => d.type === 'INT' || d.type === 'FLOAT';

/** Everything fed (directly or not) by `id`. */
function descendants(doc: GDoc, id: string): Set<string> {
  const down = new Map<string, string[]>();
  for (const [n, node] of entries(doc)) {
    for (const v of Object.values(node.inputs)) {
      if (Array.isArray(v)) down.set(v[0] as string, [...(down.get(v[0] as string) ?? []), n]);
    }
  }
  const seen = new Set<string>();
  const stack = [id];
  while (stack.length) {
    for (const d of down.get(stack.pop()!) ?? []) {
      if (!seen.has(d)) {
        seen.add(d);
        stack.push(d);
      }
    }
  }
  return seen;
}

const mutations: Record<string, Mutation> = {
  deleteRequired(rng, doc) {
    const c = entries(doc).flatMap(([id, n]) =>
      Object.keys(n.inputs)
        .filter((k) => declOf(n, k) && isInputRequired(declOf(n, k)!))
        .map((k) => [id, k] as const),
    );
    if (!c.length) return;
    const [id, k] = pick(rng, c);
    delete doc.nodes[id]!.inputs[k];
    return { doc, code: 'missing_input' };
  },
  retypeValue(rng, doc) {
    const c = constants(doc, () => true);
    if (!c.length) return;
    const [id, k] = pick(rng, c);
    const d = declOf(doc.nodes[id]!, k)!;
    const junk =
      d.type === 'STRING'
        ? [1, true, null, {}]
        : d.type === 'BOOLEAN'
          ? ['true', 0, null]
          : ['1', true, null, {}, Number.NaN, Number.POSITIVE_INFINITY];
    doc.nodes[id]!.inputs[k] = pick(rng, junk);
    return { doc, code: 'wrong_value_type' };
  },
  linkToMissingNode(rng, doc) {
    const c = links(doc);
    if (!c.length) return;
    const [id, k] = pick(rng, c);
    doc.nodes[id]!.inputs[k] = [`ghost${randomString(rng)}`, 'value'];
    return { doc, code: 'link_missing_node' };
  },
  linkToMissingOutput(rng, doc) {
    const c = links(doc);
    if (!c.length) return;
    const [id, k] = pick(rng, c);
    const link = doc.nodes[id]!.inputs[k] as [string, string];
    doc.nodes[id]!.inputs[k] = [link[0], `${link[1]}_nope`];
    return { doc, code: 'link_missing_output' };
  },
  malformedLink(rng, doc) {
    const c = links(doc);
    if (!c.length) return;
    const [id, k] = pick(rng, c);
    const link = doc.nodes[id]!.inputs[k] as [string, string];
    doc.nodes[id]!.inputs[k] = pick(rng, [
      [],
      [link[0]],
      [...link, 'x'],
      [1, link[1]],
      [link[0], null],
      [[link[0]], link[1]],
    ]);
    return { doc, code: 'invalid_link' };
  },
  addCycle(rng, doc) {
    const c = links(doc);
    if (!c.length) return;
    const [id, k] = pick(rng, c);
    const down = [...descendants(doc, id)].filter((d) => outputsOf(doc.nodes[d]!).length);
    const from = down.length && chance(rng, 0.7) ? pick(rng, down) : id;
    const outputs = outputsOf(doc.nodes[from]!);
    if (!outputs.length) return;
    doc.nodes[id]!.inputs[k] = [from, pick(rng, outputs)];
    return { doc, code: 'cycle' };
  },
  renameType(rng, doc) {
    const [id] = pick(rng, entries(doc));
    doc.nodes[id]!.type = pick(rng, [
      `${doc.nodes[id]!.type}x`,
      'toString',
      '__proto__',
      randomString(rng) || 'x',
      'T.INT',
    ]);
    return { doc, code: 'unknown_node_type' };
  },
  unknownInput(rng, doc) {
    const [id] = pick(rng, entries(doc));
    doc.nodes[id]!.inputs[`zz${randomString(rng)}`] = pick(rng, [1, 'x', ['a', 'b'], null]);
    return { doc, code: 'unknown_input' };
  },
  junkNode(rng, doc) {
    const [id] = pick(rng, entries(doc));
    (doc.nodes as Json)[id] = pick(rng, [
      null,
      1,
      'node',
      [],
      [1, 2],
      { type: 't.int' },
      { inputs: {} },
      { type: 't.int', inputs: {}, x: 1 },
    ]);
    return { doc, code: 'invalid_document' };
  },
  badMode(rng, doc) {
    const [id] = pick(rng, entries(doc));
    doc.nodes[id]!.mode = pick(rng, ['off', 'MUTED', '', 1, null, true] as unknown as string[]);
    return { doc, code: 'invalid_document' };
  },
  junkTopLevel(rng, doc) {
    const r = rng();
    if (r < 0.3) doc[pick(rng, ['extra', 'Nodes', 'links'])] = 1;
    else if (r < 0.5)
      (doc as Json).meta = pick<unknown>(rng, [
        [],
        'm',
        { groups: {} },
        { viewport: { x: 0, y: 0 } },
        { notes: [{ id: 'n', text: 1 }] },
      ]);
    else if (r < 0.7) (doc as Json).nodes = pick(rng, [[], null, 'nodes', 5]);
    else (doc as Json).version = pick(rng, ['1', 1.5, null, undefined]);
    return { doc, code: 'invalid_document' };
  },
  futureVersion(rng, doc) {
    doc.version = pick(rng, [3, 1000, 0, -1]);
    return { doc, code: 'unsupported_version' };
  },
  tooManyNodes(_rng, doc) {
    return {
      doc,
      code: 'document_too_large',
      options: { maxNodes: Object.keys(doc.nodes).length - 1 || 0.5 },
    };
  },
  aboveMax(rng, doc) {
    const c = constants(doc, (d) => numeric(d) && d.max !== undefined && d.max < 1e15);
    if (!c.length) return;
    const [id, k] = pick(rng, c);
    const d = declOf(doc.nodes[id]!, k)!;
    doc.nodes[id]!.inputs[k] = d.max! + int(rng, 1, 50) * (d.step ?? 1);
    return { doc, code: 'above_max' };
  },
  belowMin(rng, doc) {
    const c = constants(doc, (d) => numeric(d) && d.min !== undefined);
    if (!c.length) return;
    const [id, k] = pick(rng, c);
    const d = declOf(doc.nodes[id]!, k)!;
    doc.nodes[id]!.inputs[k] = d.min! - int(rng, 1, 50) * (d.step ?? 1);
    return { doc, code: 'below_min' };
  },
  notInteger(rng, doc) {
    const c = constants(doc, (d) => d.type === 'INT');
    if (!c.length) return;
    const [id, k] = pick(rng, c);
    // From the integer below, so that a second mutation of the same input cannot add up to a whole number.
    doc.nodes[id]!.inputs[k] = Math.floor(doc.nodes[id]!.inputs[k] as number) + pick(rng, [0.5, 0.25, 1e-3]);
    return { doc, code: 'not_integer' };
  },
  offStep(rng, doc) {
    const c = constants(
      doc,
      (d) => numeric(d) && (d.step ?? 0) > 1e-3 && d.step !== 1 && d.min !== undefined,
    );
    if (!c.length) return;
    const [id, k] = pick(rng, c);
    const d = declOf(doc.nodes[id]!, k)!;
    const slots = Math.floor((d.max! - d.min!) / d.step!);
    const frac = d.type === 'INT' ? Math.max(1, Math.floor(d.step! / 2)) : d.step! / 2;
    doc.nodes[id]!.inputs[k] = d.min! + int(rng, 0, slots - 1) * d.step! + frac;
    return { doc, code: 'off_step' };
  },
  notInOptions(rng, doc) {
    const c = constants(doc, (d) => Array.isArray(d.options));
    if (!c.length) return;
    const [id, k] = pick(rng, c);
    doc.nodes[id]!.inputs[k] = pick(rng, ['', 'EULER', 'dpm', `${randomString(rng)}!`]);
    return { doc, code: 'not_in_options' };
  },
  constantIntoSocket(rng, doc) {
    const c = links(doc).filter(([id, k]) => declOf(doc.nodes[id]!, k)?.widget === 'socket');
    if (!c.length) return;
    const [id, k] = pick(rng, c);
    doc.nodes[id]!.inputs[k] = pick(rng, [0, 'latent', true]);
    return { doc, code: 'link_required' };
  },
  typeMismatch(rng, doc) {
    const c = links(doc).filter(([id, k]) => {
      const d = declOf(doc.nodes[id]!, k);
      return d !== undefined && !canConnect(catalog.types, 'STRING', d.type);
    });
    if (!c.length) return;
    const [id, k] = pick(rng, c);
    doc.nodes.__text = { type: 't.text', inputs: {} };
    doc.nodes[id]!.inputs[k] = ['__text', 'text'];
    return { doc, code: 'type_mismatch' };
  },
  noActiveOutput(rng, doc) {
    if (entries(doc).some(([, n]) => !schemaOf(n))) return; // an unknown type might be the output
    for (const n of Object.values(doc.nodes))
      if (schemaOf(n)?.output) n.mode = pick(rng, ['muted', 'bypassed']);
    return { doc, code: 'no_output_node' };
  },
  duplicateMetaId(rng, doc) {
    const [id] = pick(rng, entries(doc));
    doc.meta = { ...(doc.meta ?? {}), notes: [{ id, text: '', position: { x: 0, y: 0 } }] };
    return { doc, code: 'duplicate_id' };
  },
};
const MUTATION_NAMES = Object.keys(mutations);

/** Pick and apply one mutation that applies to this document. */
function mutateOnce(rng: Rng, doc: GDoc): Mutated {
  for (;;) {
    const m = mutations[pick(rng, MUTATION_NAMES)]!(rng, doc);
    if (m) return m;
  }
}

/** Plain checks (one `expect` per document keeps 10,000 runs fast). */
function assertWellFormed(errors: ValidationError[]): void {
  const bad = errors.find(
    (e) =>
      !VALIDATION_CODES.includes(e.code) ||
      typeof e.message !== 'string' ||
      e.message.length === 0 ||
      e.message.includes('Internal') ||
      !(e.nodeId === null || typeof e.nodeId === 'string') ||
      !(e.input === undefined || typeof e.input === 'string'),
  );
  expect(bad).toBeUndefined();
}

const seed = fc.integer({ min: 0, max: 2 ** 31 - 1 });

describe('fuzz: validateGraph', () => {
  it('accepts 1,500 random valid documents, as text too, and the schema agrees', () => {
    fc.assert(
      fc.property(seed, (s) => {
        const doc = validDoc(mulberry32(s));
        expect(validateGraph(doc, catalog)).toEqual([]);
        expect(checkSchema(doc)).toBe(true);
        const parsed = parseGraph(JSON.stringify(doc), catalog);
        expect(parsed.errors).toEqual([]);
        expect(parsed.doc).toEqual(doc);
      }),
      { numRuns: 1_500 },
    );
  });

  it('refuses 4,000 documents broken one known way, with the expected code', () => {
    fc.assert(
      fc.property(seed, (s) => {
        const rng = mulberry32(s);
        const m = mutateOnce(rng, validDoc(rng));
        const errors = validateGraph(m.doc, catalog, m.options);
        assertWellFormed(errors);
        expect(errors.map((e) => e.code)).toContain(m.code);
      }),
      { numRuns: 4_000 },
    );
  });

  it('refuses 2,000 documents broken several ways at once', () => {
    fc.assert(
      fc.property(seed, fc.integer({ min: 2, max: 5 }), (s, times) => {
        const rng = mulberry32(s);
        let doc = validDoc(rng);
        let options: Mutated['options'];
        for (let i = 0; i < times; i++) {
          const m = mutateOnce(rng, structuredClone(doc));
          options = m.options ?? options;
          // Later mutations need a document shaped enough to work on.
          if (m.code === 'invalid_document' || m.code === 'unsupported_version') {
            const errors = validateGraph(m.doc, catalog, options);
            assertWellFormed(errors);
            expect(errors.length).toBeGreaterThan(0);
            return;
          }
          doc = m.doc as GDoc;
        }
        const errors = validateGraph(doc, catalog, options);
        assertWellFormed(errors);
        expect(errors.length).toBeGreaterThan(0);
      }),
      { numRuns: 2_000 },
    );
  });

  const junk = fc.oneof(
    fc.constantFrom(
      null,
      undefined,
      Number.NaN,
      -0,
      1e308,
      Number.POSITIVE_INFINITY,
      '',
      '__proto__',
      'constructor',
    ),
    fc.string(),
    fc.double(),
    fc.integer(),
    fc.boolean(),
  );
  const id = fc.oneof(
    fc.constantFrom('a', 'b', 'c', '__proto__', 'constructor', 'toString', ''),
    fc.string({ maxLength: 4 }),
  );
  const inputValue = fc.oneof(
    junk,
    fc.tuple(id, fc.constantFrom('value', 'latent', 'images', 'sum', 'text', 'x')),
    fc.array(junk, { maxLength: 3 }),
    fc.dictionary(fc.string({ maxLength: 3 }), junk, { maxKeys: 2 }),
  );
  const node = fc.oneof(
    fc.record(
      {
        type: fc.oneof(fc.constantFrom(...TYPES), junk),
        inputs: fc.oneof(
          fc.dictionary(
            fc.oneof(
              fc.constantFrom('value', 'latent', 'a', 'b', 'images', 'fps', 'seed', 'sampler', '__proto__'),
              fc.string({ maxLength: 4 }),
            ),
            inputValue,
            { maxKeys: 4 },
          ),
          junk,
        ),
        mode: fc.constantFrom('active', 'muted', 'bypassed', 'off', 1),
        meta: fc.oneof(fc.object({ maxDepth: 2 }), junk),
      },
      { requiredKeys: ['type', 'inputs'] },
    ),
    junk,
    fc.anything({ maxDepth: 2 }),
  );
  const docLike = fc.record(
    {
      version: fc.oneof(fc.constant(1), junk),
      nodes: fc.oneof(fc.dictionary(id, node, { maxKeys: 8 }), junk, fc.array(node, { maxLength: 3 })),
      meta: fc.oneof(fc.object({ maxDepth: 3 }), junk),
    },
    { requiredKeys: [] },
  );

  it('never throws on 3,000 random document-like values; whatever it accepts the schema accepts', () => {
    fc.assert(
      fc.property(docLike, (doc) => {
        const errors = validateGraph(doc, catalog);
        assertWellFormed(errors);
        if (errors.length === 0) expect(checkSchema(doc)).toBe(true);
      }),
      { numRuns: 3_000 },
    );
  });

  it('never throws on 2,000 arbitrary values and JSON texts', () => {
    fc.assert(
      fc.property(
        fc.anything({
          withBigInt: true,
          withMap: true,
          withSet: true,
          withDate: true,
          withTypedArray: true,
          withNullPrototype: true,
          withObjectString: true,
        }),
        (value) => {
          const errors = validateGraph(value, catalog);
          assertWellFormed(errors);
          expect(errors.length).toBeGreaterThan(0);
        },
      ),
      { numRuns: 1_000 },
    );
    fc.assert(
      fc.property(fc.oneof(fc.json(), fc.string()), (text) => {
        assertWellFormed(parseGraph(text, catalog).errors);
      }),
      { numRuns: 1_000 },
    );
  });
});

// The generator itself must cover the ground: every mutation applies somewhere.
describe('fuzz: generator coverage', () => {
  it('every mutation applies to some generated document', () => {
    for (const name of MUTATION_NAMES) {
      let applied = false;
      for (let s = 0; s < 200 && !applied; s++) {
        const rng = mulberry32(s);
        applied = mutations[name]!(rng, validDoc(rng)) !== undefined;
      }
      expect(applied, name).toBe(true);
    }
  });
});
