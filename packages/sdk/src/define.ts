import type { CachePolicyKind, ComfyClaim, InputSchema, NodeSchema, OutputSchema } from '@reelgraph/graph';
import type { NodeContext, NodeServices } from './context';
import type { InputDecl, InputValueOf, ValueOfType } from './inputs';

export type OutputDecl = string | (OutputSchema & { type: string });
type OutputTypeOf<D> = D extends string ? D : D extends { type: infer T extends string } ? T : never;

export type RunInputs<I extends Record<string, InputDecl>> = { [K in keyof I]: InputValueOf<I[K]> };
export type RunOutputs<O extends Record<string, OutputDecl>> = {
  [K in keyof O]: ValueOfType<OutputTypeOf<O[K]>>;
};

/**
 * pure: cached by inputs. volatile: runs every time. fingerprint: cached by inputs plus the returned
 * string (e.g. a file's hash), so the node re-runs when what it reads changes.
 */
export type CachePolicy<I extends Record<string, InputDecl>> =
  | 'pure'
  | 'volatile'
  | { fingerprint(constants: Partial<RunInputs<I>>): string | Promise<string> };

export interface NodeDeclaration<I extends Record<string, InputDecl>, O extends Record<string, OutputDecl>> {
  type: string;
  /** Bump when the node's behaviour changes: it is part of the cache key. */
  version?: number;
  title: string;
  category: string;
  description: string;
  inputs: I;
  outputs: O;
  output?: boolean;
  cache?: CachePolicy<I>;
  /** A ComfyUI class this node stands for: ComfyUI files with it import onto this node (docs/comfyui.md). */
  comfy?: ComfyClaim;
  /**
   * Input schema that depends on what the host provides (the models it can see, defaults read from
   * them): merged over `inputs` whenever a host builds its catalog, so the editor and validation see
   * the host's truth. Keep it cheap and free of side effects; it runs on every catalog build.
   */
  inputsFor?(services: Partial<NodeServices>): { [K in keyof I]?: Partial<InputSchema> };
  run(inputs: RunInputs<I>, ctx: NodeContext): Promise<RunOutputs<O>> | RunOutputs<O>;
}

const BRAND = Symbol.for('reelgraph.node');

/** What `defineNode` returns: its schema plus the typed run function. */
export interface NodeDefinition<
  I extends Record<string, InputDecl> = Record<string, InputDecl>,
  O extends Record<string, OutputDecl> = Record<string, OutputDecl>,
> {
  readonly [BRAND]: true;
  /** The schema as declared, before `inputsFor`: use `schemaFor` for what a host shows. */
  readonly schema: NodeSchema;
  /** The schema on a host with these services (`inputsFor` applied). */
  schemaFor(services: Partial<NodeServices>): NodeSchema;
  readonly cache: CachePolicy<I>;
  run(inputs: RunInputs<I>, ctx: NodeContext): Promise<RunOutputs<O>> | RunOutputs<O>;
}

/** Loosely typed view used by hosts (executor, loader) that handle any node. */
export interface AnyNodeDefinition {
  readonly schema: NodeSchema;
  schemaFor?(services: Partial<NodeServices>): NodeSchema;
  readonly cache:
    | 'pure'
    | 'volatile'
    | { fingerprint(constants: Record<string, unknown>): string | Promise<string> };
  run(
    inputs: Record<string, unknown>,
    ctx: NodeContext,
  ): Promise<Record<string, unknown>> | Record<string, unknown>;
}

const TYPE_ID = /^[A-Za-z][\w.-]*(\/[A-Za-z][\w.-]*)?$/;

export function defineNode<
  const I extends Record<string, InputDecl>,
  const O extends Record<string, OutputDecl>,
>(decl: NodeDeclaration<I, O>): NodeDefinition<I, O> {
  if (!TYPE_ID.test(decl.type)) throw new Error(`Invalid node type id "${decl.type}"`);
  const cache = decl.cache ?? 'pure';
  const cacheKind: CachePolicyKind = typeof cache === 'string' ? cache : 'fingerprint';
  const inputs: NodeSchema['inputs'] = {};
  for (const [name, d] of Object.entries(decl.inputs)) {
    const { __value: _, ...schema } = d;
    inputs[name] = schema;
  }
  const outputs: NodeSchema['outputs'] = {};
  for (const [name, o] of Object.entries(decl.outputs))
    outputs[name] = typeof o === 'string' ? { type: o } : o;
  const schema: NodeSchema = {
    type: decl.type,
    version: decl.version ?? 1,
    title: decl.title,
    category: decl.category,
    description: decl.description,
    inputs,
    outputs,
    output: decl.output ?? false,
    cache: cacheKind,
    ...(decl.comfy ? { comfy: decl.comfy } : {}),
  };
  const { inputsFor } = decl;
  return Object.freeze({
    [BRAND]: true as const,
    schema,
    schemaFor: inputsFor
      ? (services: Partial<NodeServices>) => refined(schema, inputsFor(services))
      : () => schema,
    cache,
    run: decl.run,
  });
}

function refined(schema: NodeSchema, changes: Record<string, Partial<InputSchema> | undefined>): NodeSchema {
  const inputs: NodeSchema['inputs'] = {};
  for (const [name, input] of Object.entries(schema.inputs)) {
    const change = changes[name];
    inputs[name] = change ? ({ ...input, ...change } as InputSchema) : input;
  }
  return { ...schema, inputs };
}

/** The schema a host with these services shows for a definition (its declared one without `schemaFor`). */
export function schemaOn(def: AnyNodeDefinition, services: Partial<NodeServices>): NodeSchema {
  return def.schemaFor ? def.schemaFor(services) : def.schema;
}

export function isNodeDefinition(value: unknown): value is AnyNodeDefinition {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
}
