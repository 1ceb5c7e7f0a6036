import type { Catalog, GraphDocument, PackRef } from '@reelgraph/graph';
import type { PackInfo } from '@reelgraph/protocol';

/** The toast for packs that failed to load: each pack with its first reason (the rest are in the catalog). */
export function packFailureText(packs: readonly PackInfo[]): string | undefined {
  const failed = packs.filter((p) => p.status === 'error');
  if (failed.length === 0) return undefined;
  const reasons = failed.map((p) => {
    const more = p.errors.length > 1 ? ` (and ${p.errors.length - 1} more)` : '';
    return `${p.name}: ${p.errors[0] ?? 'unknown error'}${more}`;
  });
  return `Node packs failed to load — ${reasons.join('; ')}`;
}

/** The pack a node type belongs to: the catalog's word for it, else its namespace (`fx.hello` → fx). */
export function packOf(type: string, catalog: Catalog | undefined): string {
  return catalog?.nodes[type]?.pack ?? type.split('.')[0] ?? type;
}

/**
 * The `packs` a saved graph carries: for each pack its node types come from, the version (and npm
 * package) loaded now; packs this server lacks keep what the document said when it was opened.
 */
export function packRefs(
  doc: GraphDocument,
  catalog: Catalog | undefined,
  packs: readonly PackInfo[],
  previous: GraphDocument['packs'] = {},
): Record<string, PackRef> | undefined {
  const out: Record<string, PackRef> = {};
  for (const node of Object.values(doc.nodes)) {
    const name = packOf(node.type, catalog);
    if (name in out) continue;
    const info = catalog?.nodes[node.type] ? packs.find((p) => p.name === name) : undefined;
    if (info?.version)
      out[name] = { version: info.version, ...(info.package ? { package: info.package.name } : {}) };
    else if (previous[name]) out[name] = { ...previous[name] };
  }
  return Object.keys(out).length ? out : undefined;
}
