import type { CachePolicyKind, NodeSchema, OutputSchema } from '@reelgraph/graph';
import type { NodeContext } from './context';
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
  run(inputs: RunInputs<I>, ctx: NodeContext): Promise<RunOutputs<O>> | RunOutputs<O>;
}

const BRAND = Symbol.for('reelgraph.node');

/** What `defineNode` returns: its schema plus the typed run function. */
export interface NodeDefinition<
  I extends Record<string, InputDecl> = Record<string, InputDecl>,
  O extends Record<string, OutputDecl> = Record<string, OutputDecl>,
> {
  readonly [BRAND]: true;
  readonly schema: NodeSchema;
  readonly cache: CachePolicy<I>;
  run(inputs: RunInputs<I>, ctx: NodeContext): Promise<RunOutputs<O>> | RunOutputs<O>;
}

/** Loosely typed view used by hosts (executor, loader) that handle any node. */
export interface AnyNodeDefinition {
  readonly schema: NodeSchema;
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
  return Object.freeze({
    [BRAND]: true as const,
    schema: {
      type: decl.type,
      version: decl.version ?? 1,
      title: decl.title,
      category: decl.category,
      description: decl.description,
      inputs,
      outputs,
      output: decl.output ?? false,
      cache: cacheKind,
    },
    cache,
    run: decl.run,
  });
}

export function isNodeDefinition(value: unknown): value is AnyNodeDefinition {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
}
