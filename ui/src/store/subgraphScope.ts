/**
 * Editing inside a subgraph: the store shows one level at a time (the root graph, or the inside of
 * an opened definition with its boundary nodes). Every edit inside is written back to the definition
 * at once, so all its instances change and the document is always whole.
 */
import {
  type Catalog,
  catalogWithBoundary,
  catalogWithSubgraphs,
  definitionAsGraph,
  type GraphDefinitions,
  graphAsDefinition,
  INNER_SEPARATOR,
  type SubgraphDefinition,
  subgraphIdOf,
  type ValidationError,
} from '@reelgraph/graph';
import { fromDocument, outputType, toDocument } from './document';
import type { GraphState, Scope } from './types';

type Level = Pick<GraphState, 'items' | 'flow' | 'edges'>;

const subgraphsOf = (defs: GraphDefinitions | undefined): Record<string, SubgraphDefinition> =>
  defs?.subgraphs ?? {};

/**
 * What an inner node's id is prefixed with in run events while the canvas shows that level: the
 * executor runs the flattened graph, whose inner ids are the opened instances' ids joined (`outer/inner/`).
 */
export function runPrefixOf(scopes: readonly Pick<Scope, 'instance'>[] | undefined): string {
  return scopes?.length ? scopes.map((s) => s.instance + INNER_SEPARATOR).join('') : '';
}

/** The definition the canvas shows the inside of, if any. */
export function openDefinition(s: GraphState): SubgraphDefinition | undefined {
  const scope = s.scopes?.at(-1);
  return scope && subgraphsOf(s.definitions)[scope.subgraph];
}

/** The catalog for what the canvas shows: the server's, the document's subgraphs, the boundary nodes. */
export function scopedCatalog(base: Catalog | undefined, s: GraphState): Catalog | undefined {
  if (!base) return undefined;
  const catalog = catalogWithSubgraphs(base, s.definitions);
  const def = openDefinition(s);
  return def ? catalogWithBoundary(catalog, def) : catalog;
}

/** The definitions with the shown level written into the open one (unchanged at the root). */
export function syncedDefinitions(s: GraphState): GraphDefinitions | undefined {
  const scope = s.scopes?.at(-1);
  const def = openDefinition(s);
  if (!scope || !def) return s.definitions;
  const edited = graphAsDefinition(toDocument(s), def);
  return { ...s.definitions, subgraphs: { ...subgraphsOf(s.definitions), [scope.subgraph]: edited } };
}

/** The root graph's level (what the document's nodes come from), wherever the canvas is. */
export function rootLevel(s: GraphState): Level {
  return s.scopes?.[0]?.parent ?? s;
}

/** Open the subgraph `instance` instances: the level inside it, or null when it is not an instance. */
export function enter(s: GraphState, instance: string, catalog: Catalog | undefined): GraphState | null {
  const item = s.items[instance];
  const sub = item?.kind === 'node' ? subgraphIdOf(item.type) : undefined;
  const def = sub === undefined ? undefined : subgraphsOf(s.definitions)[sub];
  if (item?.kind !== 'node' || sub === undefined || !def) return null;
  const scope: Scope = {
    subgraph: sub,
    instance,
    title: item.title ?? def.name,
    parent: { items: s.items, flow: s.flow, edges: s.edges },
  };
  const next: GraphState = { ...s, scopes: [...(s.scopes ?? []), scope] };
  const inside = fromDocument(definitionAsGraph(def), catalog && catalogWithBoundary(catalog, def));
  return { ...next, items: inside.items, flow: inside.flow, edges: inside.edges };
}

/** Back to the level `depth` (0 = the root), the shown level written to its definition first. */
export function leave(s: GraphState, depth: number, base: Catalog | undefined): GraphState | null {
  const scopes = s.scopes ?? [];
  if (depth < 0 || depth >= scopes.length) return null;
  const definitions = syncedDefinitions(s);
  const { items, flow, edges } = scopes[depth]!.parent;
  const next: GraphState = {
    items,
    flow,
    edges,
    definitions,
    scopes: depth ? scopes.slice(0, depth) : undefined,
  };
  // The instances' sockets may have changed types with the edit: recolour the links.
  const catalog = scopedCatalog(base, next);
  const recoloured = edges.map((e) => {
    const type = outputType(catalog, items, e.source, e.sourceHandle ?? '');
    return e.data?.type === type ? e : { ...e, data: { type } };
  });
  return { ...next, edges: recoloured };
}

/** The path `inner` of an error on the outermost instance, relative to the level shown; null: not here. */
function localPath(inner: string, scopes: readonly Scope[]): string[] | null {
  const path = inner.split('/');
  const through = scopes.slice(1).map((s) => s.instance);
  if (path.length <= through.length || through.some((id, i) => path[i] !== id)) return null;
  return path.slice(through.length);
}

/**
 * Validation problems by the ids of the level shown. At the root they are as the server gave them;
 * inside, a problem of the opened instance with `inner` goes on that inner node (or on the nested
 * instance that holds it), its `inner` now relative to it.
 */
export function problemsInScope(
  problems: Record<string, ValidationError[]>,
  scopes: readonly Scope[] | undefined,
): Record<string, ValidationError[]> {
  if (!scopes?.length) return problems;
  const out: Record<string, ValidationError[]> = {};
  for (const e of problems[scopes[0]!.instance] ?? []) {
    const path = e.inner && localPath(e.inner.nodeId, scopes);
    if (!e.inner || !path) continue;
    const [id, ...deeper] = path as [string, ...string[]];
    const { inner, input: _outer, ...rest } = e;
    const local: ValidationError = deeper.length
      ? { ...rest, nodeId: id, inner: { ...inner, nodeId: deeper.join('/') } }
      : { ...rest, nodeId: id, ...(inner.input !== undefined ? { input: inner.input } : {}) };
    out[id] = [...(out[id] ?? []), local];
  }
  return out;
}

/** A problem's text; one inside a subgraph instance says which inner node and input it is about. */
export function problemText(e: ValidationError): string {
  if (!e.inner) return e.message;
  return `${e.message} (inside: ${e.inner.nodeId}${e.inner.input !== undefined ? ` › ${e.inner.input}` : ''})`;
}
