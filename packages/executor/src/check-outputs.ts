import type { NodeSchema } from '@reelgraph/graph';
import type { Artifact } from '@reelgraph/sdk';
import type { NodeFailure } from './events';

/** Says what is wrong with a value for a socket type, or nothing when it is fine. */
export type ValueCheck = (value: unknown) => string | undefined;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
const count = (v: unknown, min: number) => Number.isInteger(v) && (v as number) >= min;

const object =
  (what: string): ValueCheck =>
  (v) =>
    isObject(v) ? undefined : `expected ${what}`;

/**
 * What a value of each built-in socket type must look like when it leaves a node. Cheap structural
 * checks (no pixel is read): enough that the next node never meets `42` where it expects frames. Types
 * not listed (a pack's own, `*`) only have to be something: `undefined` is never a value.
 */
export const OUTPUT_CHECKS: Record<string, ValueCheck> = {
  INT: (v) => (Number.isInteger(v) ? undefined : 'expected an integer'),
  FLOAT: (v) => (typeof v === 'number' && !Number.isNaN(v) ? undefined : 'expected a number'),
  STRING: (v) => (typeof v === 'string' ? undefined : 'expected a string'),
  BOOLEAN: (v) => (typeof v === 'boolean' ? undefined : 'expected true or false'),
  IMAGE: (v) => {
    const want = 'expected frames { width, height, count, batch, data: Uint8Array of RGB bytes }';
    if (!isObject(v) || !(v.data instanceof Uint8Array)) return want;
    if (!count(v.width, 1) || !count(v.height, 1) || !count(v.count, 0) || !count(v.batch, 1)) return want;
    const bytes = (v.width as number) * (v.height as number) * (v.count as number) * (v.batch as number) * 3;
    return v.data.length === bytes
      ? undefined
      : `frames of ${v.batch}×${v.count}×${v.height}×${v.width} RGB need ${bytes} bytes, data has ${v.data.length}`;
  },
  LATENT: (v) => {
    const want = 'expected a latent { shape: [B, C, T, H, W], data: Float32Array }';
    if (!isObject(v) || !(v.data instanceof Float32Array) || !Array.isArray(v.shape)) return want;
    if (v.shape.length !== 5 || !v.shape.every((d) => count(d, 0))) return want;
    const n = (v.shape as number[]).reduce((a, b) => a * b, 1);
    return v.data.length === n
      ? undefined
      : `a latent of shape [${v.shape}] needs ${n} values, data has ${v.data.length}`;
  },
  CONDITIONING: (v) =>
    isObject(v) && v.context instanceof Float32Array
      ? undefined
      : 'expected an encoded prompt { context: Float32Array, text, model }',
  NOISE: (v) => (isObject(v) && typeof v.seed === 'number' ? undefined : 'expected a noise source { seed }'),
  TEXT_ENCODER: object('a loaded model'),
  DIT: object('a loaded model'),
  VAE: object('a loaded model'),
  VIDEO: object('a video'),
};

/** A short, safe description of a value for an error message. */
export function describeValue(v: unknown): string {
  if (v === null || v === undefined) return String(v);
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  if (typeof v !== 'object') return `${typeof v} ${String(v)}`;
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (ArrayBuffer.isView(v)) return `a ${v.constructor.name}`;
  const keys = Object.keys(v);
  return keys.length === 0
    ? 'an empty object'
    : `an object with ${keys.slice(0, 6).join(', ')}${keys.length > 6 ? ' …' : ''}`;
}

/**
 * Checks what a node returned against its declaration, as the values leave it: each output against its
 * socket type, and an output node must have produced something for the user (a file or a value).
 * The failure names the node, its type and the output, so the node at fault fails, not the next one.
 */
export function checkOutputs(
  nodeId: string,
  schema: NodeSchema,
  outputs: Record<string, unknown>,
  artifacts: readonly Artifact[],
): NodeFailure | undefined {
  const who = `Node "${nodeId}" (${schema.type})`;
  for (const [name, { type }] of Object.entries(schema.outputs)) {
    const value = outputs[name];
    const problem = value === undefined ? 'expected a value' : (OUTPUT_CHECKS[type]?.(value) ?? undefined);
    if (problem !== undefined) {
      return {
        name: 'InvalidOutput',
        message: `${who} returned a wrong value for its output "${name}" (${type}): ${problem}, got ${describeValue(value)}`,
      };
    }
  }
  if (schema.output && artifacts.length === 0) {
    return {
      name: 'NothingWritten',
      message: `${who} is an output node but produced nothing: no file written and no value shown`,
    };
  }
  return undefined;
}
