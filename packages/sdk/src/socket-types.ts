import { ANY, SCALAR_TYPES, type SocketType } from '@reelgraph/graph';

const BRAND = Symbol.for('reelgraph.socket-type');

/** What `defineSocketType` returns; a pack exports it beside its nodes, and the loader registers it. */
export interface SocketTypeDefinition extends SocketType {
  readonly [BRAND]: true;
}

const NAME = /^[A-Za-z][\w.-]*$/;
// Only hex colours: the editor puts the colour in a style, so nothing else (url(…)) may get there.
const COLOR = /^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/;
const BUILTIN = new Set<string>([...SCALAR_TYPES, ANY]);

/**
 * A socket type a pack provides: its name (what `input.socket(name)` and outputs use), the colour the
 * editor draws it in, and the source types it accepts besides itself, each with its conversion.
 * Its TypeScript value comes from augmenting the SDK's `SocketTypes` interface.
 */
export function defineSocketType(decl: SocketType): SocketTypeDefinition {
  if (!NAME.test(decl.name)) throw new Error(`Invalid socket type name "${decl.name}"`);
  if (BUILTIN.has(decl.name)) throw new Error(`Socket type "${decl.name}" is built in`);
  if (!COLOR.test(decl.color))
    throw new Error(`Socket type "${decl.name}": colour "${decl.color}" must be #rgb or #rrggbb`);
  for (const [from, fn] of Object.entries(decl.coerceFrom ?? {}))
    if (typeof fn !== 'function')
      throw new Error(`Socket type "${decl.name}": the coercion from "${from}" must be a function`);
  return Object.freeze({ ...decl, [BRAND]: true as const });
}

export function isSocketTypeDefinition(value: unknown): value is SocketTypeDefinition {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
}
