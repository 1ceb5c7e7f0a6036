import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  type AnyNodeDefinition,
  defineNode,
  defineSocketType,
  input,
  isNodeDefinition,
  toCatalog,
} from '../src';

const Sample = defineNode({
  type: 'test.sample',
  title: 'Sample',
  category: 'test',
  description: 'exercise inference',
  inputs: {
    steps: input.int({ default: 20, min: 1, max: 100 }),
    cfg: input.float({ default: 5, step: 0.5 }),
    mode: input.combo(['euler', 'heun'] as const),
    note: input.string({ optional: true }),
    seed: input.seed(),
    latent: input.socket('TEST_ONLY_SOCKET'),
  },
  outputs: { total: 'FLOAT', label: { type: 'STRING', tooltip: 'a label' } },
  run(inputs) {
    expectTypeOf(inputs.steps).toEqualTypeOf<number>();
    expectTypeOf(inputs.mode).toEqualTypeOf<'euler' | 'heun'>();
    expectTypeOf(inputs.note).toEqualTypeOf<string | undefined>();
    expectTypeOf(inputs.latent).toEqualTypeOf<unknown>();
    return { total: inputs.steps * inputs.cfg, label: `${inputs.mode}:${inputs.note ?? ''}` };
  },
});

describe('defineNode', () => {
  it('produces a catalog schema from the declaration', () => {
    const catalog = toCatalog([{ ...Sample, pack: 'test' }]);
    const s = catalog.nodes['test.sample'];
    expect(s?.inputs.steps).toMatchObject({
      type: 'INT',
      widget: 'number',
      default: 20,
      min: 1,
      max: 100,
      step: 1,
    });
    expect(s?.inputs.mode).toMatchObject({
      type: 'STRING',
      widget: 'combo',
      options: ['euler', 'heun'],
      default: 'euler',
    });
    expect(s?.inputs.seed).toMatchObject({ widget: 'seed', controlAfterGenerate: true });
    expect(s?.inputs.latent).toMatchObject({ type: 'TEST_ONLY_SOCKET', widget: 'socket' });
    expect(s?.outputs).toEqual({ total: { type: 'FLOAT' }, label: { type: 'STRING', tooltip: 'a label' } });
    expect(s).toMatchObject({ version: 1, cache: 'pure', output: false, pack: 'test' });
    expect(catalog.types.FLOAT?.accepts).toContain('INT');
  });

  it('is recognised by hosts and assignable to the loose host type', () => {
    const loose: AnyNodeDefinition = Sample;
    expect(isNodeDefinition(loose)).toBe(true);
    expect(isNodeDefinition({ schema: {} })).toBe(false);
  });

  it('applies inputsFor to the schema a host with services shows', () => {
    const Pick = defineNode({
      type: 'test.pick',
      title: 'Pick',
      category: 'test',
      description: 'Pick a model',
      inputs: { model: input.combo([] as string[]), n: input.int({ default: 1 }) },
      outputs: {},
      inputsFor: (services) => ({ model: { options: [services.outputDir ?? 'none'] } }),
      run: () => ({}),
    });
    expect(Pick.schema.inputs.model?.options).toEqual([]);
    expect(Pick.schemaFor({ outputDir: 'here' }).inputs.model?.options).toEqual(['here']);
    expect(Pick.schemaFor({}).inputs.n).toEqual(Pick.schema.inputs.n);
    const catalog = toCatalog([Pick], undefined, { outputDir: 'there' });
    expect(catalog.nodes['test.pick']?.inputs.model?.options).toEqual(['there']);
  });

  it('rejects malformed type ids', () => {
    expect(() =>
      defineNode({
        type: 'bad id',
        title: '',
        category: '',
        description: '',
        inputs: {},
        outputs: {},
        run: () => ({}),
      }),
    ).toThrow(/Invalid node type id/);
  });
});

describe('defineSocketType', () => {
  it('checks the name and colour, and refuses the built-in names', () => {
    expect(defineSocketType({ name: 'MASK', color: '#fff' })).toMatchObject({ name: 'MASK' });
    expect(() => defineSocketType({ name: 'bad name', color: '#fff' })).toThrow(/Invalid socket type name/);
    expect(() => defineSocketType({ name: 'INT', color: '#fff' })).toThrow(/built in/);
    expect(() => defineSocketType({ name: 'M', color: 'url(https://x)' })).toThrow(/#rgb or #rrggbb/);
    expect(() =>
      defineSocketType({ name: 'M', color: '#fff', coerceFrom: { INT: 1 as unknown as () => unknown } }),
    ).toThrow(/must be a function/);
  });
});
