/** What the library sidebar lists, derived from the catalog (pure: unit-tested in ui/test/lib.test.ts). */
import type { Catalog, ModelConstraints, NodeSchema } from '@reelgraph/graph';

export interface CategoryNode {
  /** The last segment of the category path (`sampling` of `video/sampling`). */
  name: string;
  /** The whole path, a stable key. */
  path: string;
  children: CategoryNode[];
  nodes: NodeSchema[];
}

/** The node library tree: categories split on `/`, categories before nodes, each sorted by name. */
export function nodeTree(catalog: Catalog): CategoryNode[] {
  const root: CategoryNode = { name: '', path: '', children: [], nodes: [] };
  for (const schema of Object.values(catalog.nodes)) {
    let at = root;
    for (const part of (schema.category || 'other').split('/').filter(Boolean)) {
      const path = at.path ? `${at.path}/${part}` : part;
      let child = at.children.find((c) => c.name === part);
      if (!child) {
        child = { name: part, path, children: [], nodes: [] };
        at.children.push(child);
      }
      at = child;
    }
    at.nodes.push(schema);
  }
  const sort = (c: CategoryNode) => {
    c.children.sort((a, b) => a.name.localeCompare(b.name));
    c.nodes.sort((a, b) => a.title.localeCompare(b.title));
    c.children.forEach(sort);
  };
  sort(root);
  return root.children;
}

export interface ModelEntry {
  name: string;
  /** What its manifest allows, when a loader declares it. */
  constraints?: ModelConstraints;
  /** The loader nodes (and their combo input) that can load it. */
  loaders: { type: string; input: string; title: string }[];
}

/** The model library: every option of every model combo in the catalog, by model name. */
export function modelList(catalog: Catalog): ModelEntry[] {
  const byName = new Map<string, ModelEntry>();
  for (const schema of Object.values(catalog.nodes)) {
    for (const [input, decl] of Object.entries(schema.inputs)) {
      if (!decl.models) continue;
      for (const name of decl.options ?? Object.keys(decl.models)) {
        const entry = byName.get(name) ?? { name, loaders: [] };
        entry.constraints ??= decl.models[name];
        entry.loaders.push({ type: schema.type, input, title: schema.title });
        byName.set(name, entry);
      }
    }
  }
  return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/** One line on what a model accepts: `256–512 px wide (×64) · frames 4n+1 up to 33 · 12 words`. */
export function describeConstraints(c: ModelConstraints): string {
  const size = (r: ModelConstraints['width'], what: string) =>
    r.min === r.max ? `${what} ${r.min}` : `${what} ${r.min}–${r.max} (×${r.multiple})`;
  const frames =
    c.frames.multiple === 1 ? 'any frame count' : `frames ${c.frames.multiple}n+${c.frames.offset}`;
  const parts = [
    size(c.width, 'width'),
    size(c.height, 'height'),
    c.frames.max ? `${frames} up to ${c.frames.max}` : frames,
    `${c.text.maxWords} words`,
  ];
  if (c.text.vocab) parts.push(`${c.text.vocab.length}-word vocabulary`);
  return parts.join(' · ');
}

/** Library search: a node matches when every word of the query is in its title, type or category. */
export function matchesQuery(schema: NodeSchema, query: string): boolean {
  const hay = `${schema.title} ${schema.type} ${schema.category}`.toLowerCase();
  return query
    .toLowerCase()
    .split(/\s+/)
    .filter(Boolean)
    .every((w) => hay.includes(w));
}
