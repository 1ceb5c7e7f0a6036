import { type Catalog, FOREIGN_TYPE, type GraphDocument, isLink } from '@reelgraph/graph';
import type { MissingReport } from '../store/uiStore';
import { packOf } from './packs';

/**
 * What a graph needs that this server lacks: unknown node types, and combo values (model names and
 * the like) that are not among the server's options.
 */
export function findMissing(doc: GraphDocument, catalog: Catalog): MissingReport | null {
  const byType = new Map<string, string[]>();
  const values: MissingReport['values'] = [];
  const foreign = new Map<string, string[]>();
  for (const [id, node] of Object.entries(doc.nodes)) {
    if (node.type === FOREIGN_TYPE && node.foreign) {
      foreign.set(node.foreign.class, [...(foreign.get(node.foreign.class) ?? []), id]);
      continue;
    }
    const schema = catalog.nodes[node.type];
    if (!schema) {
      byType.set(node.type, [...(byType.get(node.type) ?? []), id]);
      continue;
    }
    for (const [name, v] of Object.entries(node.inputs)) {
      const input = schema.inputs[name];
      if (input?.widget !== 'combo' || isLink(v) || !input.options) continue;
      if (!input.options.includes(String(v)))
        values.push({ nodeId: id, input: name, value: String(v), options: input.options });
    }
  }
  if (!byType.size && !values.length && !foreign.size) return null;
  const packs = new Map<string, MissingReport['packs'][number]>();
  for (const type of byType.keys()) {
    const name = packOf(type, catalog);
    const ref = doc.packs?.[name];
    const entry = packs.get(name) ?? {
      name,
      types: [],
      ...(ref ? { version: ref.version } : {}),
      ...(ref?.package ? { package: ref.package } : {}),
    };
    entry.types.push(type);
    packs.set(name, entry);
  }
  return {
    nodes: [...byType].map(([type, ids]) => ({ type, ids })),
    packs: [...packs.values()],
    values,
    ...(foreign.size ? { foreign: [...foreign].map(([cls, ids]) => ({ class: cls, ids })) } : {}),
  };
}
