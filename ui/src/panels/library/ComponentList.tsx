import type { Point } from '@reelgraph/graph';
import { useEffect } from 'react';
import { useStore } from 'zustand';
import { addComponent, componentsStore, refreshComponents } from '../../components';

/** The saved components, as a category of the node library: a click adds one where the user looks. */
export function ComponentList({ query, at }: { query: string; at: () => Point }) {
  const { components, error } = useStore(componentsStore);
  useEffect(() => {
    if (components === null) void refreshComponents();
  }, [components]);
  const q = query.toLowerCase();
  const shown = (components ?? []).filter((c) => !q || c.name.toLowerCase().includes(q));
  if (query && !shown.length) return null;
  return (
    <li>
      <details open={query ? true : undefined} data-category="Components">
        <summary>Components</summary>
        <ul aria-label="Components">
          {error && <li className="rg-library-error">{error}</li>}
          {components !== null && !components.length && !error && (
            <li className="rg-library-empty">Right-click a subgraph → Save as component</li>
          )}
          {shown.map((c) => (
            <li key={c.name}>
              <button
                type="button"
                className="rg-tree-node"
                data-component={c.name}
                title={`Add the component “${c.name}”`}
                onClick={() => void addComponent(c.name, at())}
              >
                {c.name}
              </button>
            </li>
          ))}
        </ul>
      </details>
    </li>
  );
}
