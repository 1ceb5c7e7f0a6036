import type { NodeSchema } from '@reelgraph/graph';
import { Hasher, hexKey } from './hash';
import type { Plan, PlannedNode } from './plan';

/** How one node takes part in caching for a run. */
export interface KeyPolicy {
  /** Re-runs every time: its key (and so its descendants' keys) includes the run's nonce. */
  volatile?: boolean;
  /** The value of a `fingerprint` cache policy, computed before the run. */
  fingerprint?: string;
  /** The fingerprint could not be computed: the node has no key and neither do its descendants. */
  failed?: boolean;
}

const sortedNames = new WeakMap<NodeSchema, string[]>();

function inputNames(schema: NodeSchema): string[] {
  let names = sortedNames.get(schema);
  if (!names) {
    names = Object.keys(schema.inputs).sort();
    sortedNames.set(schema, names);
  }
  return names;
}

// Field tags: every field starts with one, so different inputs can never hash the same word stream.
const INPUT = 0x100;
const STRING = 1;
const NUMBER = 2;
const BOOLEAN = 3;
const LINK = 4;
const FINGERPRINT = 0x200;
const SALT = 0x300;

/**
 * Hash one node: type, schema version, constant inputs (by sorted name, typed) and, for each linked
 * input, the producer's key, output name and any bypass path. Node ids and editor metadata never enter
 * it, so identical subgraphs share keys wherever they sit.
 */
export function hashNode(
  h: Hasher,
  node: PlannedNode,
  upstream: Uint32Array,
  fingerprint: string | undefined,
  salt: string | undefined,
): Hasher {
  h.reset().string(node.type).number(node.schema.version);
  const { constants, links } = node;
  for (const name of inputNames(node.schema)) {
    const value = constants[name];
    if (value !== undefined) {
      h.word(INPUT).string(name);
      if (typeof value === 'string') h.word(STRING).string(value);
      else if (typeof value === 'number') h.word(NUMBER).number(value);
      else h.word(BOOLEAN).word(value ? 1 : 0);
      continue;
    }
    for (let i = 0; i < links.length; i++) {
      const l = links[i]!;
      if (l.input === name) {
        h.word(INPUT)
          .string(name)
          .word(LINK)
          .words(upstream, l.source * 4)
          .string(l.output)
          .string(l.via);
        break;
      }
    }
  }
  if (fingerprint !== undefined) h.word(FINGERPRINT).string(fingerprint);
  if (salt !== undefined) h.word(SALT).string(salt);
  return h;
}

/** Content-addressed keys of a plan's nodes: four 32-bit words each, shown as 32 hex characters. */
export class KeySet {
  readonly words: Uint32Array;
  /** 1 where the node has a key (no fingerprint failure at or above it). */
  readonly present: Uint8Array;
  /** 1 where the key depends on the run's nonce: such results are never reused, so never stored. */
  readonly volatile: Uint8Array;
  readonly #hex: (string | undefined)[];

  constructor(size: number) {
    this.words = new Uint32Array(size * 4);
    this.present = new Uint8Array(size);
    this.volatile = new Uint8Array(size);
    this.#hex = new Array(size);
  }

  /** The key of node `index` as a string, or undefined when it has none. */
  key(index: number): string | undefined {
    if (!this.present[index]) return undefined;
    let k = this.#hex[index];
    if (k === undefined) {
      k = hexKey(this.words, index * 4);
      this.#hex[index] = k;
    }
    return k;
  }
}

/**
 * Keys for every planned node, in plan (topological) order. Volatile nodes are salted with the run
 * nonce and their own id, so they re-run each time and two volatile nodes in one graph never share a
 * result.
 */
export function computeKeys(
  plan: Plan,
  nonce: string,
  policies?: ReadonlyArray<KeyPolicy | undefined>,
): KeySet {
  const n = plan.nodes.length;
  const set = new KeySet(n);
  const { words, present, volatile } = set;
  const h = new Hasher();
  for (let i = 0; i < n; i++) {
    const node = plan.nodes[i]!;
    const policy = policies?.[i];
    if (policy?.failed) continue;
    let tainted = policy?.volatile === true;
    let keyless = false;
    for (const l of node.links) {
      if (!present[l.source]) keyless = true;
      if (volatile[l.source]) tainted = true;
    }
    if (keyless) continue;
    present[i] = 1;
    volatile[i] = tainted ? 1 : 0;
    const salt = policy?.volatile ? `${nonce}\u0000${node.id}` : undefined;
    hashNode(h, node, words, policy?.fingerprint, salt).digest(words, i * 4);
  }
  return set;
}
