import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { MIGRATIONS, type Migration, migrate, pendingMigrations } from '../src/store/migrations';
import { Store } from '../src/store/store';

/** Made by release 0.1 (`Store` before schema versions): two jobs, an event, a file and a value. */
const DB_0_1 = path.join(import.meta.dirname, 'fixtures', 'db-0.1', 'reelgraph.db');
const LATEST = MIGRATIONS.length;

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});
const tmp = () => (dir = mkdtempSync(path.join(os.tmpdir(), 'rg-migrate-')));

const step = (version: number, sql: string): Migration => ({ version, description: `step ${version}`, sql });

describe('pendingMigrations', () => {
  const list = [step(1, ''), step(2, ''), step(3, '')];
  it('lists the steps after the current version, in order', () => {
    expect(pendingMigrations(0, list).map((m) => m.version)).toEqual([1, 2, 3]);
    expect(pendingMigrations(2, list).map((m) => m.version)).toEqual([3]);
    expect(pendingMigrations(3, list)).toEqual([]);
  });
  it('refuses a database newer than the code, and lists with gaps', () => {
    expect(() => pendingMigrations(4, list)).toThrow(
      /schema version 4, newer than this reelgraph knows \(3\)/,
    );
    expect(() => pendingMigrations(-1, list)).toThrow(/not a version/);
    expect(() => pendingMigrations(0, [step(1, ''), step(3, '')])).toThrow(/migration 2 is numbered 3/);
  });
  it('the shipped list is numbered from 1 without gaps', () => {
    expect(pendingMigrations(0).map((m) => m.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
  });
});

describe('migrate', () => {
  it('applies each step once and records the version', () => {
    const db = new Database(':memory:');
    const list = [step(1, 'CREATE TABLE a (x)'), step(2, 'ALTER TABLE a ADD COLUMN y DEFAULT 7')];
    expect(migrate(db, list.slice(0, 1))).toEqual({ from: 0, to: 1 });
    db.exec('INSERT INTO a (x) VALUES (1)');
    expect(migrate(db, list)).toEqual({ from: 1, to: 2 });
    expect(migrate(db, list)).toEqual({ from: 2, to: 2 });
    expect(db.prepare('SELECT x, y FROM a').all()).toEqual([{ x: 1, y: 7 }]);
    expect(db.pragma('user_version', { simple: true })).toBe(2);
  });
  it('leaves a failing step undone, version included', () => {
    const db = new Database(':memory:');
    const list = [step(1, 'CREATE TABLE a (x)'), step(2, 'CREATE TABLE b (x); SELECT nope FROM a')];
    expect(() => migrate(db, list)).toThrow(/nope/);
    expect(db.pragma('user_version', { simple: true })).toBe(1);
    expect(db.prepare(`SELECT name FROM sqlite_master WHERE name = 'b'`).all()).toEqual([]);
  });
});

describe('the store on a database made by release 0.1', () => {
  it('migrates it in place and keeps every job, event and output', () => {
    const data = tmp();
    copyFileSync(DB_0_1, path.join(data, 'reelgraph.db'));
    const before = new Database(path.join(data, 'reelgraph.db'), { readonly: true });
    expect(before.pragma('user_version', { simple: true })).toBe(0);
    before.close();

    const store = new Store(data);
    try {
      expect(store.db.pragma('user_version', { simple: true })).toBe(LATEST);
      const done = store.getJob('00000000-0000-4000-8000-000000000001');
      expect(done).toMatchObject({
        state: 'success',
        priority: 2,
        clientId: 'c1',
        title: 'made by 0.1',
        targets: ['p'],
        attempts: 1,
        outputCount: 2,
      });
      expect(store.eventsAfter('00000000-0000-4000-8000-000000000001', 0)).toHaveLength(1);
      expect(store.outputsOf('00000000-0000-4000-8000-000000000001')).toEqual([
        { kind: 'value', nodeId: 'p', value: { answer: 42 }, label: 'answer' },
        expect.objectContaining({ kind: 'file', id: 'AAAAAAAAAAAAAAAAAAAAAA', name: 'notes/run_00001.txt' }),
      ]);
      expect(store.nextQueued()?.id).toBe('00000000-0000-4000-8000-000000000002');
    } finally {
      store.close();
    }
  });

  it('a new database starts at the latest version; a newer one is refused, untouched', () => {
    const data = tmp();
    new Store(data).close();
    const db = new Database(path.join(data, 'reelgraph.db'));
    expect(db.pragma('user_version', { simple: true })).toBe(LATEST);
    db.pragma(`user_version = ${LATEST + 1}`);
    db.close();
    expect(() => new Store(data)).toThrow(/newer than this reelgraph knows/);
  });
});
