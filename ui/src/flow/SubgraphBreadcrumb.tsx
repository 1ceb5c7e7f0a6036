import { editor, useEditor } from '../state';
import { uiStore } from '../store/uiStore';

const back = (depth: number) => {
  editor.getState().leaveSubgraph(depth);
  uiStore.setState((u) => ({ fit: u.fit + 1 }));
};

/** Where the canvas is while a subgraph's inside is shown (Root › name › nested); each step goes back. */
export function SubgraphBreadcrumb() {
  const scopes = useEditor((s) => s.scopes);
  if (!scopes?.length) return null;
  return (
    <nav className="rg-breadcrumb" aria-label="Subgraph path">
      <button type="button" onClick={() => back(0)}>
        Root
      </button>
      {scopes.map((scope, i) => (
        <span
          key={scopes
            .slice(0, i + 1)
            .map((x) => x.instance)
            .join('/')}
        >
          {' › '}
          {i === scopes.length - 1 ? (
            <span aria-current="location">{scope.title}</span>
          ) : (
            <button type="button" onClick={() => back(i + 1)}>
              {scope.title}
            </button>
          )}
        </span>
      ))}
    </nav>
  );
}

/** Open a subgraph instance's inside (double-click, or the node menu), fitting the view to it. */
export function openSubgraph(id: string): boolean {
  if (!editor.getState().openSubgraph(id)) return false;
  uiStore.setState((u) => ({ fit: u.fit + 1 }));
  return true;
}
