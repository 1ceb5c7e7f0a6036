import type { WorkflowInfo, WorkflowKind } from '@reelgraph/protocol';
import type Database from 'better-sqlite3';

interface Row {
  name: string;
  kind: WorkflowKind;
  title: string | null;
  node_count: number;
  updated_at: number;
}

/** One user's saved graphs (table `workflows`, migration 3). `owner` is '' on a server without named users. */
export class WorkflowStore {
  readonly #stmts;
  readonly #db: Database.Database;

  constructor(db: Database.Database) {
    this.#db = db;
    this.#stmts = {
      list: db.prepare(
        `SELECT name, kind, title, node_count, updated_at FROM workflows WHERE owner = ? AND kind = ? ORDER BY name COLLATE NOCASE`,
      ),
      get: db.prepare(`SELECT graph FROM workflows WHERE owner = ? AND kind = ? AND name = ?`),
      put: db.prepare(
        `INSERT INTO workflows (owner, kind, name, title, node_count, graph, created_at, updated_at)
         VALUES (@owner, @kind, @name, @title, @nodeCount, @graph, @at, @at)
         ON CONFLICT (owner, kind, name) DO UPDATE SET title = @title, node_count = @nodeCount, graph = @graph, updated_at = @at`,
      ),
      exists: db.prepare(`SELECT 1 FROM workflows WHERE owner = ? AND kind = ? AND name = ?`),
      remove: db.prepare(`DELETE FROM workflows WHERE owner = ? AND kind = ? AND name = ?`),
      rename: db.prepare(
        `UPDATE workflows SET name = @to, title = @title, graph = @graph, updated_at = @at
         WHERE owner = @owner AND kind = @kind AND name = @from`,
      ),
    };
  }

  list(owner: string, kind: WorkflowKind): WorkflowInfo[] {
    return (this.#stmts.list.all(owner, kind) as Row[]).map(toInfo);
  }

  /** The stored graph's JSON text, or undefined. */
  get(owner: string, kind: WorkflowKind, name: string): string | undefined {
    return (this.#stmts.get.get(owner, kind, name) as { graph: string } | undefined)?.graph;
  }

  /** Create or replace; `created` says which. */
  put(
    owner: string,
    w: { kind: WorkflowKind; name: string; title: string | null; nodeCount: number; graph: string },
    at = Date.now(),
  ): WorkflowInfo & { created: boolean } {
    const created = this.#stmts.exists.get(owner, w.kind, w.name) === undefined;
    this.#stmts.put.run({ owner, ...w, at });
    return {
      name: w.name,
      kind: w.kind,
      ...(w.title ? { title: w.title } : {}),
      nodeCount: w.nodeCount,
      updatedAt: at,
      created,
    };
  }

  /**
   * Give a saved graph a new name (its title follows when it was the old name, as the editor saves it).
   * Never replaces another: an existing `to` is `exists`.
   */
  rename(
    owner: string,
    kind: WorkflowKind,
    from: string,
    to: string,
    at = Date.now(),
  ): { kind: 'renamed'; info: WorkflowInfo } | { kind: 'missing' } | { kind: 'exists' } {
    return this.#db.transaction(() => {
      const text = this.get(owner, kind, from);
      if (text === undefined) return { kind: 'missing' as const };
      if (from !== to && this.#stmts.exists.get(owner, kind, to) !== undefined)
        return { kind: 'exists' as const };
      const graph = JSON.parse(text) as { nodes: object; meta?: { title?: unknown } };
      if (graph.meta?.title === from) graph.meta.title = to;
      const title = typeof graph.meta?.title === 'string' ? graph.meta.title : null;
      this.#stmts.rename.run({ owner, kind, from, to, title, graph: JSON.stringify(graph), at });
      const nodeCount = Object.keys(graph.nodes).length;
      return {
        kind: 'renamed' as const,
        info: { name: to, kind, ...(title ? { title } : {}), nodeCount, updatedAt: at },
      };
    })();
  }

  remove(owner: string, kind: WorkflowKind, name: string): boolean {
    return this.#stmts.remove.run(owner, kind, name).changes === 1;
  }
}

function toInfo(r: Row): WorkflowInfo {
  return {
    name: r.name,
    kind: r.kind,
    ...(r.title ? { title: r.title } : {}),
    nodeCount: r.node_count,
    updatedAt: r.updated_at,
  };
}
