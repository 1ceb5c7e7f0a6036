import type { NodeSchema } from '@reelgraph/graph';
import { useMemo, useState } from 'react';
import { type CategoryNode, matchesQuery, nodeTree } from '../../lib/library';
import { editor, useEditor } from '../../state';
import { ComponentList } from './ComponentList';
import { NODE_DRAG_TYPE, useDropPoint } from './drop-point';

/** The catalog by category: click (or Enter) adds the node in the middle of the view; drag drops it. */
export function NodeLibrary() {
  const catalog = useEditor((s) => s.catalog);
  const [query, setQuery] = useState('');
  const tree = useMemo(() => (catalog ? nodeTree(catalog) : []), [catalog]);
  const at = useDropPoint();
  const add = (n: NodeSchema) => editor.getState().addNode(n.type, at());
  return (
    <div className="rg-library">
      <input
        type="search"
        aria-label="Filter nodes"
        placeholder="Filter nodes…"
        value={query}
        onChange={(e) => setQuery(e.currentTarget.value)}
      />
      <ul className="rg-tree" aria-label="Node library">
        <ComponentList query={query.trim()} at={at} />
        {tree.map((c) => (
          <Category key={c.path} category={c} query={query.trim()} add={add} />
        ))}
      </ul>
    </div>
  );
}

function Category({
  category,
  query,
  add,
}: {
  category: CategoryNode;
  query: string;
  add: (n: NodeSchema) => void;
}) {
  const nodes = query ? category.nodes.filter((n) => matchesQuery(n, query)) : category.nodes;
  const children = category.children.filter((c) => !query || hasMatch(c, query));
  if (query && !nodes.length && !children.length) return null;
  return (
    <li>
      {/* Open while filtering, so matches show; a native <details> is keyboard-operable as it is. */}
      <details open={query ? true : undefined} data-category={category.path}>
        <summary>{category.name}</summary>
        <ul>
          {children.map((c) => (
            <Category key={c.path} category={c} query={query} add={add} />
          ))}
          {nodes.map((n) => (
            <li key={n.type}>
              <button
                type="button"
                className="rg-tree-node"
                data-type={n.type}
                title={n.description}
                draggable
                onDragStart={(e) => {
                  e.dataTransfer.setData(NODE_DRAG_TYPE, n.type);
                  e.dataTransfer.effectAllowed = 'copy';
                }}
                onClick={() => add(n)}
              >
                {n.title}
              </button>
            </li>
          ))}
        </ul>
      </details>
    </li>
  );
}

function hasMatch(c: CategoryNode, query: string): boolean {
  return c.nodes.some((n) => matchesQuery(n, query)) || c.children.some((x) => hasMatch(x, query));
}
