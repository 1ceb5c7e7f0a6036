/**
 * Socket type registry: names, colours and the coercions the validator, the executor and the editor
 * all agree on. Plugins may register further types; `*` (ANY) accepts everything.
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
  { name: 'TEXT_ENCODER', color: '#ffd28a', description: 'Text encoder model' },
  { name: 'DIT', color: '#b28dff', description: 'Diffusion transformer model' },
  { name: 'VAE', color: '#ff7a7a', description: 'Video autoencoder model' },
  { name: 'CONDITIONING', color: '#ffa931', description: 'Encoded prompt' },
  { name: 'LATENT', color: '#ff9cf9', description: 'Latent video' },
  { name: 'NOISE', color: '#c0c0c0', description: 'Seeded noise source' },
  { name: 'IMAGE', color: '#64b5f6', description: 'Frames (one image or a clip of frames)' },
  { name: 'VIDEO', color: '#4dd0e1', description: 'Video file with metadata' },
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
