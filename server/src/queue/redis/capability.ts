import { createHash } from 'node:crypto';
import type { GraphDocument } from '@reelgraph/graph';
import type { PackCatalog } from '@reelgraph/packs';
import { QUEUE_NAME } from './wire';

/** What a worker can run (announced in its `WorkerInfo`), or what a job needs. */
export interface Capability {
  nodeTypes: string[];
  /** Model ids: the options of every model input (`InputSchema.models`). */
  models: string[];
  /** Pack name → version, of the packs that provide the node types. */
  packs: Record<string, string>;
}

/** What a job needs that a worker lacks; empty lists when it can run it. */
export interface Missing {
  nodeTypes: string[];
  models: string[];
  /** `name@version` of the job's packs the worker has in another version. */
  packs: string[];
}

const packOf = (nodeType: string) => nodeType.split('.')[0] ?? nodeType;

function packVersions(catalog: PackCatalog, names: Iterable<string>): Record<string, string> {
  const wanted = new Set(names);
  const out: Record<string, string> = {};
  for (const p of catalog.packs) if (wanted.has(p.name) && p.version !== undefined) out[p.name] = p.version;
  return out;
}

/** Everything a host with this catalog can run. */
export function capabilityOf(catalog: PackCatalog): Capability {
  const nodeTypes = Object.keys(catalog.nodes).sort();
  const models = new Set<string>();
  for (const node of Object.values(catalog.nodes))
    for (const input of Object.values(node.inputs))
      if (input.models) for (const m of input.options ?? []) models.add(m);
  return { nodeTypes, models: [...models].sort(), packs: packVersions(catalog, nodeTypes.map(packOf)) };
}

/**
 * What running `graph` takes, read against `catalog` (the front's: the catalog the job was made for):
 * its node types, the model ids its model inputs name, and the versions of the packs it uses.
 */
export function needsOf(graph: GraphDocument, catalog: PackCatalog): Capability {
  const nodeTypes = new Set<string>();
  const models = new Set<string>();
  for (const node of Object.values(graph.nodes)) {
    nodeTypes.add(node.type);
    const schema = catalog.nodes[node.type];
    for (const [name, value] of Object.entries(node.inputs ?? {}))
      if (typeof value === 'string' && schema?.inputs[name]?.models) models.add(value);
  }
  const types = [...nodeTypes].sort();
  return { nodeTypes: types, models: [...models].sort(), packs: packVersions(catalog, types.map(packOf)) };
}

export function missingOn(needs: Capability, has: Capability): Missing {
  const types = new Set(has.nodeTypes);
  const models = new Set(has.models);
  return {
    nodeTypes: needs.nodeTypes.filter((t) => !types.has(t)),
    models: needs.models.filter((m) => !models.has(m)),
    packs: Object.entries(needs.packs)
      .filter(([name, version]) => has.packs[name] !== undefined && has.packs[name] !== version)
      .map(([name, version]) => `${name}@${version}`),
  };
}

export const canRun = (m: Missing) => m.nodeTypes.length + m.models.length + m.packs.length === 0;

/**
 * The BullMQ queue of the workers with exactly this capability set: workers listen on their own set's
 * queue, and a front adds a job to the queue of a set that can run it (routing, not refusal).
 */
export function queueOf(c: Capability): string {
  const canonical = JSON.stringify([
    [...c.nodeTypes].sort(),
    [...c.models].sort(),
    Object.entries(c.packs).sort(([a], [b]) => a.localeCompare(b)),
  ]);
  return `${QUEUE_NAME}-${createHash('sha256').update(canonical).digest('hex').slice(0, 16)}`;
}
