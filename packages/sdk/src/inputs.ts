import type { InputSchema, ModelConstraints, ModelRule } from '@reelgraph/graph';

/**
 * Runtime values of socket types. Packs that add socket types extend it:
 * `declare module '@reelgraph/sdk' { interface SocketTypes { LATENT: Latent } }`.
 */
export interface SocketTypes {
  INT: number;
  FLOAT: number;
  STRING: string;
  BOOLEAN: boolean;
  '*': unknown;
}

export type ValueOfType<T extends string> = T extends keyof SocketTypes ? SocketTypes[T] : unknown;

/** An input declaration: its catalog schema plus a phantom for the value `run` receives. */
export interface InputDecl<T extends string = string, V = unknown> extends InputSchema {
  type: T;
  /** Type-level only. */
  readonly __value?: V;
}

export type InputValueOf<D> = D extends InputDecl<string, infer V> ? V : never;

interface Common {
  label?: string;
  tooltip?: string;
  /** The value must suit the model linked into another input (see `@reelgraph/graph` model rules). */
  modelRule?: ModelRule;
}
interface NumberOpts extends Common {
  default?: number;
  min?: number;
  max?: number;
  step?: number;
  slider?: boolean;
}
type Opt<V, O> = O extends { optional: true } ? V | undefined : V;

function widget<T extends string, V>(decl: InputSchema & { type: T }): InputDecl<T, V> {
  return decl as InputDecl<T, V>;
}

function numberDecl<T extends 'INT' | 'FLOAT'>(type: T, o: NumberOpts & { optional?: boolean }) {
  const { slider, ...rest } = o;
  return { type, widget: slider ? ('slider' as const) : ('number' as const), default: 0, ...rest };
}

/** Input builders for `defineNode({ inputs })`. */
export const input = {
  int<const O extends NumberOpts & { optional?: boolean }>(o: O = {} as O) {
    return widget<'INT', Opt<number, O>>({ step: 1, ...numberDecl('INT', o) });
  },
  float<const O extends NumberOpts & { optional?: boolean }>(o: O = {} as O) {
    return widget<'FLOAT', Opt<number, O>>(numberDecl('FLOAT', o));
  },
  string<const O extends Common & { default?: string; multiline?: boolean; optional?: boolean }>(
    o: O = {} as O,
  ) {
    return widget<'STRING', Opt<string, O>>({ type: 'STRING', widget: 'text', default: '', ...o });
  },
  boolean<const O extends Common & { default?: boolean; optional?: boolean }>(o: O = {} as O) {
    return widget<'BOOLEAN', Opt<boolean, O>>({ type: 'BOOLEAN', widget: 'toggle', default: false, ...o });
  },
  /** A choice among fixed strings; the value type is the union of the options. */
  combo<
    const V extends string,
    const O extends Common & {
      default?: NoInfer<V>;
      optional?: boolean;
      /** The options are model ids: what each accepts. */
      models?: Record<string, ModelConstraints>;
    },
  >(options: readonly V[], o: O = {} as O) {
    const first = options[0];
    return widget<'STRING', Opt<V, O>>({
      type: 'STRING',
      widget: 'combo',
      options: [...options],
      ...(first !== undefined ? { default: first } : {}),
      ...o,
    });
  },
  /** A seed: an integer the editor can change after each run (fixed / increment / randomize). */
  seed<const O extends Common & { default?: number }>(o: O = {} as O) {
    return widget<'INT', number>({
      type: 'INT',
      widget: 'seed',
      default: 0,
      min: 0,
      max: Number.MAX_SAFE_INTEGER,
      step: 1,
      controlAfterGenerate: true,
      ...o,
    });
  },
  /** An uploaded image, by the file name the server gave it. */
  image<const O extends Common & { default?: string; optional?: boolean }>(o: O = {} as O) {
    return widget<'STRING', Opt<string, O>>({ type: 'STRING', widget: 'image', default: '', ...o });
  },
  /** An input that must be linked (models, latents, frames …). */
  socket<const T extends string, const O extends Common & { optional?: boolean }>(type: T, o: O = {} as O) {
    return widget<T, Opt<ValueOfType<T>, O>>({ type, widget: 'socket', ...o });
  },
};
