import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';

/**
 * Named users (`serve --users users.json`, docs/security.md). The file keeps a SHA-256 of each token,
 * never the token: tokens are 256 random bits made by `reelgraph users add`, so a plain hash cannot be
 * searched back to one, and a fast hash costs nothing per request.
 */
export interface User {
  name: string;
  admin: boolean;
}

interface Entry extends User {
  tokenSha256: string;
}

export const USER_NAME = /^[A-Za-z0-9_.-]{1,64}$/;
const HASH = /^[0-9a-f]{64}$/;

export const hashToken = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');

/** A fresh token: 32 random bytes, base64url, with a prefix that says what it is. */
export const newToken = (): string => `rg_${randomBytes(32).toString('base64url')}`;

function parseFile(file: string): Entry[] {
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`cannot read the users file ${file}: ${(err as Error).message}`);
  }
  const list = (doc as { users?: unknown } | null)?.users;
  if (!Array.isArray(list)) throw new Error(`the users file ${file} needs { "users": [...] }`);
  const seen = new Set<string>();
  return list.map((u: unknown, i) => {
    const e = u as Partial<Entry> | null;
    const where = `users file ${file}, entry ${i}`;
    if (typeof e?.name !== 'string' || !USER_NAME.test(e.name))
      throw new Error(`${where}: "name" must match ${USER_NAME.source}`);
    if (seen.has(e.name)) throw new Error(`${where}: the name "${e.name}" appears twice`);
    seen.add(e.name);
    if (typeof e.tokenSha256 !== 'string' || !HASH.test(e.tokenSha256))
      throw new Error(`${where}: "tokenSha256" must be 64 lowercase hex digits`);
    if (e.admin !== undefined && typeof e.admin !== 'boolean')
      throw new Error(`${where}: "admin" must be true or false`);
    return { name: e.name, admin: e.admin === true, tokenSha256: e.tokenSha256 };
  });
}

export class Users {
  readonly #entries: Entry[];

  private constructor(entries: Entry[]) {
    this.#entries = entries;
  }

  /** Throws a message fit for the command line on anything malformed (the server must not start). */
  static load(file: string): Users {
    const entries = parseFile(file);
    if (entries.length === 0) throw new Error(`the users file ${file} lists no users`);
    return new Users(entries);
  }

  /** The user a token belongs to; every entry is compared, in constant time. */
  authenticate(token: string): User | undefined {
    const h = Buffer.from(hashToken(token), 'hex');
    let found: Entry | undefined;
    for (const e of this.#entries) if (timingSafeEqual(h, Buffer.from(e.tokenSha256, 'hex'))) found = e;
    return found && { name: found.name, admin: found.admin };
  }

  /** Name and token hash: what a login cookie is bound to, so a new token ends the old sessions. */
  binding(name: string): string | undefined {
    const e = this.#entries.find((x) => x.name === name);
    return e && `${e.name}:${e.tokenSha256}`;
  }

  get(name: string): User | undefined {
    const e = this.#entries.find((x) => x.name === name);
    return e && { name: e.name, admin: e.admin };
  }
}

/**
 * Add a user (or give an existing one a new token) and return the token, which is shown once and
 * stored only as its hash. The file is written whole (rename) and readable by its owner only.
 */
export function addUser(file: string, name: string, admin: boolean): string {
  if (!USER_NAME.test(name)) throw new Error(`a user name must match ${USER_NAME.source}`);
  const entries = existsSync(file) ? parseFile(file) : [];
  const token = newToken();
  const entry: Entry = { name, admin, tokenSha256: hashToken(token) };
  const i = entries.findIndex((e) => e.name === name);
  if (i >= 0) entries[i] = entry;
  else entries.push(entry);
  writeEntries(file, entries);
  return token;
}

/** Remove a user (their token stops working at the server's next start). False if there was none. */
export function removeUser(file: string, name: string): boolean {
  const entries = parseFile(file);
  const kept = entries.filter((e) => e.name !== name);
  if (kept.length === entries.length) return false;
  writeEntries(file, kept);
  return true;
}

function writeEntries(file: string, entries: Entry[]): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify({ users: entries }, null, 2)}\n`, { mode: 0o600 });
  renameSync(tmp, file);
  chmodSync(file, 0o600);
}

/** Without named users every job is everyone's; with them, a job is its owner's and the admins'. */
export const mayAccess = (user: User | undefined, job: { owner: string | null }): boolean =>
  !user || user.admin || job.owner === user.name;
