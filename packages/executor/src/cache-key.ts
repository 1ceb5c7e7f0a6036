import type { NodeSchema } from '@reelgraph/graph';
import { hash128 } from './hash';
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

export interface KeySet {
  /** One per planned node; undefined where a node (or an ancestor) has no key. */
  keys: (string | undefined)[];
  /** 1 where the key depends on the run's nonce: such results are never reused, so never stored. */
  volatile: Uint8Array;
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

/**
 * The text a node's key hashes: type, schema version, constant inputs (by sorted name, JSON-encoded)
 * and, for each linked input, the producer's key and output name. Node ids and editor metadata never
 * enter it, so identical subgraphs share keys wherever they sit.
 */
export function keyMaterial(
  node: PlannedNode,
  upstream: (index: number) => string,
  fingerprint: string | undefined,
  salt: string | undefined,
): string {
  let text = `${node.type}\u0001${node.schema.version}`;
  const { constants, links } = node;
  for (const name of inputNames(node.schema)) {
    const value = constants[name];
    if (value !== undefined) {
      text += `\u0001${name}=${JSON.stringify(value)}`;
      continue;
    }
    for (let i = 0; i < links.length; i++) {
      const l = links[i]!;
      if (l.input === name) {
        text += `\u0001${name}<${upstream(l.source)}.${l.output}`;
        if (l.via) text += `~${l.via}`;
        break;
      }
    }
  }
  if (fingerprint !== undefined) text += `\u0002${fingerprint}`;
  if (salt !== undefined) text += `\u0003${salt}`;
  return text;
}

/**
 * Content-addressed keys for every planned node, in plan (topological) order. Volatile nodes are salted
 * with the run nonce and their own id, so they re-run each time and two volatile nodes in one graph
 * never share a result.
 */
export function computeKeys(
  plan: Plan,
  nonce: string,
  policies?: ReadonlyArray<KeyPolicy | undefined>,
): KeySet {
  const n = plan.nodes.length;
  const keys: (string | undefined)[] = new Array(n);
  const volatile = new Uint8Array(n);
  const upstream = (index: number) => keys[index]!;
  for (let i = 0; i < n; i++) {
    const node = plan.nodes[i]!;
    const policy = policies?.[i];
    if (policy?.failed) {
      keys[i] = undefined;
      continue;
    }
    let tainted = policy?.volatile === true;
    let keyless = false;
    for (const l of node.links) {
      if (keys[l.source] === undefined) keyless = true;
      if (volatile[l.source]) tainted = true;
    }
    if (keyless) {
      keys[i] = undefined;
      continue;
    }
    volatile[i] = tainted ? 1 : 0;
    keys[i] = hash128(
      keyMaterial(
        node,
        upstream,
        policy?.fingerprint,
        policy?.volatile ? `${nonce}\u0000${node.id}` : undefined,
      ),
    );
  }
  return { keys, volatile };
}
