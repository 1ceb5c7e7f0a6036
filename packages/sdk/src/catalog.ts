import { type Catalog, SocketRegistry } from '@reelgraph/graph';
import type { NodeServices } from './context';
import { type AnyNodeDefinition, schemaOn } from './define';

/**
 * Turn loaded node definitions into the catalog JSON the editor and validator draw from, as a host
 * with these services shows it (model lists and defaults follow the host's models).
 */
export function toCatalog(
  nodes: Iterable<AnyNodeDefinition & { pack?: string }>,
  sockets: SocketRegistry = new SocketRegistry(),
  services: Partial<NodeServices> = {},
): Catalog {
  const out: Catalog = { types: sockets.toJSON(), nodes: {} };
  for (const n of nodes) {
    const schema = schemaOn(n, services);
    out.nodes[schema.type] = n.pack ? { ...schema, pack: n.pack } : schema;
  }
  return out;
}
