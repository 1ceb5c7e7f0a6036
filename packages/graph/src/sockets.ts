/**
 * Socket type registry: names, colours and the coercions the validator, the executor and the editor
 * all agree on. Built in are only the primitive types; packs declare the rest (models, latents,
 * frames …) with the SDK's `defineSocketType`, and the pack loader registers them. `*` (ANY) accepts
 * everything.
 */

export const ANY = '*';

export interface SocketType {
  name: string;
  color: string;
  description?: string;
  /** Source types this type accepts besides itself, each with the runtime conversion to apply. */
  coerceFrom?: Record<string, (value: unknown) => unknown>;
}

/** Scalar types are the ones that can be constants (widgets) in a document. */
export const SCALAR_TYPES = ['INT', 'FLOAT', 'STRING', 'BOOLEAN'] as const;
export type ScalarType = (typeof SCALAR_TYPES)[number];

export function isScalarType(name: string): name is ScalarType {
  return (SCALAR_TYPES as readonly string[]).includes(name);
}

/** The primitive types every host has. */
const builtins: SocketType[] = [
  { name: 'INT', color: '#6cc3ff', description: 'Whole number' },
  { name: 'FLOAT', color: '#9ad07f', description: 'Number', coerceFrom: { INT: (v) => v } },
  {
    name: 'STRING',
    color: '#e8c36a',
    description: 'Text',
    coerceFrom: { INT: (v) => String(v), FLOAT: (v) => String(v), BOOLEAN: (v) => String(v) },
  },
  { name: 'BOOLEAN', color: '#d98fd9', description: 'True or false' },
  { name: ANY, color: '#888888', description: 'Any type' },
];

export class SocketRegistry {
  readonly #types = new Map<string, SocketType>();

  constructor(types: Iterable<SocketType> = builtins) {
    for (const t of types) this.register(t);
  }

  register(type: SocketType): void {
    if (this.#types.has(type.name)) throw new Error(`Socket type "${type.name}" is already registered`);
    this.#types.set(type.name, type);
  }

  get(name: string): SocketType | undefined {
    return this.#types.get(name);
  }

  has(name: string): boolean {
    return this.#types.has(name);
  }

  list(): SocketType[] {
    return [...this.#types.values()];
  }

  /** The single connection rule: can an output of type `from` feed an input of type `to`? */
  canConnect(from: string, to: string): boolean {
    if (from === to || to === ANY || from === ANY) return true;
    return Boolean(this.#types.get(to)?.coerceFrom?.[from]);
  }

  /** Convert a value flowing from `from` into `to`; identity when no coercion is declared. */
  coerce(value: unknown, from: string, to: string): unknown {
    if (from === to) return value;
    const fn = this.#types.get(to)?.coerceFrom?.[from];
    return fn ? fn(value) : value;
  }

  /** Serializable form for the catalog (coercion functions become the list of accepted sources). */
  toJSON(): Record<string, { color: string; description?: string; accepts: string[] }> {
    const out: Record<string, { color: string; description?: string; accepts: string[] }> = {};
    for (const t of this.#types.values()) {
      out[t.name] = {
        color: t.color,
        ...(t.description ? { description: t.description } : {}),
        accepts: Object.keys(t.coerceFrom ?? {}),
      };
    }
    return out;
  }
}
