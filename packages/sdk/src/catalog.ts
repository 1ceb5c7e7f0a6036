import { type Catalog, SocketRegistry } from '@reelgraph/graph';
import type { AnyNodeDefinition } from './define';

/** Turn loaded node definitions into the catalog JSON the editor and validator draw from. */
export function toCatalog(
  nodes: Iterable<AnyNodeDefinition & { pack?: string }>,
  sockets: SocketRegistry = new SocketRegistry(),
): Catalog {
  const out: Catalog = { types: sockets.toJSON(), nodes: {} };
  for (const n of nodes) out.nodes[n.schema.type] = n.pack ? { ...n.schema, pack: n.pack } : n.schema;
  return out;
}
