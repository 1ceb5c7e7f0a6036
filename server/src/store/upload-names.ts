import type Database from 'better-sqlite3';

/**
 * The file name each upload arrived with (table `uploads`, migration 3), so the editor shows
 * `beach.png` rather than the content hash it is stored under. The first name an image came with stays.
 */
export class UploadNames {
  readonly #put;
  readonly #get;

  constructor(db: Database.Database) {
    this.#put = db.prepare(
      'INSERT INTO uploads (name, original_name, created_at) VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING',
    );
    this.#get = db.prepare('SELECT original_name FROM uploads WHERE name = ?');
  }

  remember(name: string, originalName: string, at = Date.now()): void {
    this.#put.run(name, originalName, at);
  }

  originalName(name: string): string | undefined {
    return (this.#get.get(name) as { original_name: string } | undefined)?.original_name;
  }
}
