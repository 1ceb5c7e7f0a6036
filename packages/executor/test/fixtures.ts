import type { GraphDocument, GraphNode, InputValue } from '@reelgraph/graph';
import { type AnyNodeDefinition, defineNode, input } from '@reelgraph/sdk';

/** Test nodes that count their runs per node id, so tests can assert exactly what ran. */
export function testNodes() {
  const runs = new Map<string, number>();
  const log: string[] = [];
  const count = (id: string) => {
    runs.set(id, (runs.get(id) ?? 0) + 1);
    log.push(id);
  };
  let fingerprint = 'v1';
  let randomCounter = 0;

  const num = defineNode({
    type: 't.num',
    title: 'Number',
    category: 'test',
    description: 'a constant',
    inputs: { value: input.float({ default: 1 }) },
    outputs: { value: 'FLOAT' },
    run({ value }, ctx) {
      count(ctx.nodeId);
      return { value };
    },
  });
  const int = defineNode({
    type: 't.int',
    title: 'Integer',
    category: 'test',
    description: 'an integer constant',
    inputs: { value: input.int({ default: 0 }) },
    outputs: { value: 'INT' },
    run({ value }, ctx) {
      count(ctx.nodeId);
      return { value };
    },
  });
  const add = defineNode({
    type: 't.add',
    title: 'Add',
    category: 'test',
    description: 'a + b',
    inputs: { a: input.float(), b: input.float({ default: 0 }) },
    outputs: { sum: 'FLOAT' },
    run({ a, b }, ctx) {
      count(ctx.nodeId);
      return { sum: a + b };
    },
  });
  const text = defineNode({
    type: 't.text',
    title: 'Text',
    category: 'test',
    description: 'formats a value',
    inputs: { value: input.string(), suffix: input.string({ optional: true }) },
    outputs: { text: 'STRING' },
    run({ value, suffix }, ctx) {
      count(ctx.nodeId);
      return { text: `${value}${suffix ?? ''}` };
    },
  });
  const slow = defineNode({
    type: 't.slow',
    title: 'Slow',
    category: 'test',
    description: 'waits, honouring the abort signal',
    inputs: { value: input.float(), ms: input.int({ default: 50 }) },
    outputs: { value: 'FLOAT' },
    async run({ value, ms }, ctx) {
      count(ctx.nodeId);
      log.push(`${ctx.nodeId}:start`);
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(resolve, ms);
        ctx.signal.addEventListener(
          'abort',
          () => {
            clearTimeout(timer);
            log.push(`${ctx.nodeId}:aborted`);
            reject(ctx.signal.reason ?? new Error('aborted'));
          },
          { once: true },
        );
      });
      log.push(`${ctx.nodeId}:end`);
      ctx.progress(1, 1);
      return { value };
    },
  });
  const fail = defineNode({
    type: 't.fail',
    title: 'Fail',
    category: 'test',
    description: 'throws',
    inputs: { value: input.float({ default: 0 }), how: input.combo(['sync', 'async', 'string', 'missing']) },
    outputs: { value: 'FLOAT' },
    run({ how }, ctx) {
      count(ctx.nodeId);
      if (how === 'sync') throw new RangeError('sync boom');
      if (how === 'string') throw 'plain string thrown';
      if (how === 'missing') return {} as { value: number };
      return Promise.reject(new Error('async boom'));
    },
  });
  const random = defineNode({
    type: 't.random',
    title: 'Random',
    category: 'test',
    description: 'different every run',
    inputs: {},
    outputs: { value: 'FLOAT' },
    cache: 'volatile',
    run(_, ctx) {
      count(ctx.nodeId);
      return { value: ++randomCounter };
    },
  });
  const file = defineNode({
    type: 't.file',
    title: 'File',
    category: 'test',
    description: 'reads something that may change',
    inputs: { path: input.string({ default: 'a.txt' }) },
    outputs: { value: 'STRING' },
    cache: { fingerprint: async ({ path }) => `${path}@${fingerprint}` },
    run({ path }, ctx) {
      count(ctx.nodeId);
      return { value: `${path}:${fingerprint}` };
    },
  });
  const out = defineNode({
    type: 't.out',
    title: 'Show',
    category: 'test',
    description: 'output node showing a value',
    inputs: { value: input.socket('*') },
    outputs: {},
    output: true,
    run({ value }, ctx) {
      count(ctx.nodeId);
      ctx.artifact({ kind: 'value', value: value as number });
      return {};
    },
  });
  const big = defineNode({
    type: 't.big',
    title: 'Big',
    category: 'test',
    description: 'makes a 1 KiB buffer',
    inputs: { fill: input.int({ default: 0 }) },
    outputs: { value: 'IMAGE' },
    run({ fill }, ctx) {
      count(ctx.nodeId);
      // 1 KiB of frames (1×1 pixels, 341 of them): the IMAGE output check sees real frames.
      const data = new Uint8Array(1023).fill(fill);
      return { value: { width: 1, height: 1, count: 341, batch: 1, data } };
    },
  });
  const size = defineNode({
    type: 't.size',
    title: 'Size',
    category: 'test',
    description: 'first byte of a buffer',
    inputs: { image: input.socket('IMAGE') },
    outputs: { value: 'INT' },
    run({ image }, ctx) {
      count(ctx.nodeId);
      return { value: (image as { data: Uint8Array }).data[0] ?? -1 };
    },
  });

  const defs = [num, int, add, text, slow, fail, random, file, out, big, size];
  const nodes = new Map<string, AnyNodeDefinition>(defs.map((d) => [d.schema.type, d as AnyNodeDefinition]));
  return {
    nodes,
    runs,
    log,
    ran: () => [...runs.keys()].sort(),
    reset: () => {
      runs.clear();
      log.length = 0;
    },
    setFingerprint: (v: string) => {
      fingerprint = v;
    },
  };
}

export function graph(
  nodes: Record<string, [type: string, inputs?: Record<string, InputValue>, extra?: Partial<GraphNode>]>,
): GraphDocument {
  const out: GraphDocument = { version: 1, nodes: {} };
  for (const [id, [type, inputs, extra]] of Object.entries(nodes))
    out.nodes[id] = { type, inputs: inputs ?? {}, ...extra };
  return out;
}
