import type Database from 'better-sqlite3';

/**
 * One step of the schema, numbered from 1. `PRAGMA user_version` holds the last step applied; a new
 * release adds a step at the end (never edits one that shipped).
 */
export interface Migration {
  version: number;
  description: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    // IF NOT EXISTS: release 0.1 made these tables without setting user_version, so its databases
    // (version 0) take this step as a no-op.
    description: 'jobs, events and outputs',
    sql: `
CREATE TABLE IF NOT EXISTS jobs (
  ord INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  state TEXT NOT NULL,
  priority INTEGER NOT NULL DEFAULT 0,
  client_id TEXT,
  title TEXT,
  node_count INTEGER NOT NULL,
  graph TEXT NOT NULL,
  targets TEXT,
  timeout_ms INTEGER,
  created_at INTEGER NOT NULL,
  started_at INTEGER,
  finished_at INTEGER,
  duration_ms REAL,
  attempts INTEGER NOT NULL DEFAULT 0,
  error TEXT,
  nodes TEXT
);
CREATE INDEX IF NOT EXISTS jobs_queue ON jobs (state, priority DESC, ord ASC);
CREATE INDEX IF NOT EXISTS jobs_client ON jobs (client_id, state);
CREATE TABLE IF NOT EXISTS events (
  job_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  type TEXT NOT NULL,
  data TEXT NOT NULL,
  PRIMARY KEY (job_id, seq)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS outputs (
  ord INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT,
  job_id TEXT NOT NULL,
  node_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  rel_path TEXT,
  name TEXT,
  mime TEXT,
  size INTEGER,
  meta TEXT,
  value TEXT,
  label TEXT
);
CREATE UNIQUE INDEX IF NOT EXISTS outputs_id ON outputs (id) WHERE id IS NOT NULL;
CREATE INDEX IF NOT EXISTS outputs_job ON outputs (job_id, ord);
`,
  },
  {
    version: 2,
    description: 'jobs.owner: the named user a job belongs to (serve --users)',
    sql: 'ALTER TABLE jobs ADD COLUMN owner TEXT;',
  },
  {
    version: 3,
    // owner '' = no named users (one shared library); kind 'component' is for reusable subgraphs.
    description: "workflows: each user's saved graphs; uploads: the file name an image was uploaded as",
    sql: `
CREATE TABLE workflows (
  owner TEXT NOT NULL,
  kind TEXT NOT NULL DEFAULT 'workflow',
  name TEXT NOT NULL,
  title TEXT,
  node_count INTEGER NOT NULL,
  graph TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (owner, kind, name)
) WITHOUT ROWID;
CREATE TABLE uploads (
  name TEXT PRIMARY KEY,
  original_name TEXT NOT NULL,
  created_at INTEGER NOT NULL
) WITHOUT ROWID;
`,
  },
  {
    version: 4,
    description: "comfy_prompts: jobs that came in as ComfyUI prompts, for the ComfyUI API's /history",
    sql: `CREATE TABLE IF NOT EXISTS comfy_prompts (
  job_id TEXT PRIMARY KEY,
  prompt TEXT NOT NULL,
  extra_data TEXT,
  client_id TEXT
);`,
  },
];

/** The steps a database at `current` needs, in order. Refuses a database newer than this code. */
export function pendingMigrations(
  current: number,
  migrations: readonly Migration[] = MIGRATIONS,
): Migration[] {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`migration ${i + 1} is numbered ${m.version}`);
  });
  const latest = migrations.length;
  if (!Number.isInteger(current) || current < 0)
    throw new Error(`the database's schema version ${current} is not a version`);
  if (current > latest) {
    throw new Error(
      `the database has schema version ${current}, newer than this reelgraph knows (${latest}); ` +
        'run the release that made it, or use another --data folder',
    );
  }
  return migrations.slice(current);
}

/** Brings `db` up to date, each step with its version bump in one transaction. */
export function migrate(
  db: Database.Database,
  migrations: readonly Migration[] = MIGRATIONS,
): { from: number; to: number } {
  const from = db.pragma('user_version', { simple: true }) as number;
  for (const m of pendingMigrations(from, migrations)) {
    db.transaction(() => {
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    })();
  }
  return { from, to: migrations.length };
}
