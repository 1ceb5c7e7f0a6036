import { existsSync, type FSWatcher, readdirSync, statSync, watch } from 'node:fs';
import path from 'node:path';
import { MANIFEST_FILE } from '@reelgraph/packs';

export interface PackWatcher {
  close(): void;
}

export interface WatchOptions {
  /** Quiet time after the last change before `onChange` runs (editors write a file in several steps). */
  debounceMs?: number;
  /** Subfolders of a pack deeper than this are not watched. */
  maxDepth?: number;
  /** Folders never watched, e.g. the server's outputs and data: what a job writes never reloads. */
  ignore?: readonly string[];
}

/** The files a pack is made of: code, JSON (manifest, package.json, data it imports). */
const SOURCE_FILE = /\.(ts|mts|cts|tsx|js|mjs|cjs|jsx|json)$/;
/** Editor swap/backup files and OS litter, even with a source extension (`.index.ts.swp`, `x.ts~`). */
const IGNORED_FILE = /(^\.|~$|\.swp$|\.swx$|\.tmp$|^4913$)/;
const IGNORED_DIR = (name: string) => name.startsWith('.') || name === 'node_modules' || name === 'dist';

/** Whether a change to this file (a path inside a pack) can change what the pack loads. */
export function isPackSource(file: string): boolean {
  const base = path.basename(file);
  return SOURCE_FILE.test(base) && !IGNORED_FILE.test(base);
}

/**
 * How a watched folder's changes count. `pack`: a folder inside a pack, whose source files matter.
 * `packs`: a folder of packs, where only a pack folder appearing or going matters. `candidate`: a
 * subfolder of a folder of packs that is not a pack (yet): only a manifest appearing in it matters.
 */
type Role = 'pack' | 'packs' | 'candidate';

/**
 * Watches pack folders and calls `onChange` once things have been quiet for `debounceMs`. Only a pack's
 * source files count: outputs, logs or anything else written beside or inside a pack never trigger a
 * reload, and folders that are not packs are not watched below their top level. One `fs.watch` per
 * folder (Node 20's recursive mode is unreliable on Linux); folders created later are picked up.
 * `onChange` never runs twice at once: changes that arrive while it runs lead to one more call after it.
 */
export function watchPackDirs(
  roots: readonly string[],
  onChange: (changed: string[]) => Promise<void> | void,
  { debounceMs = 200, maxDepth = 6, ignore = [] }: WatchOptions = {},
): PackWatcher {
  const ignored = ignore.map((d) => path.resolve(d));
  const watchers = new Map<string, { role: Role; watcher: FSWatcher }>();
  let changed = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  let again = false;
  let closed = false;

  const isIgnored = (dir: string) =>
    ignored.some((i) => dir === i || dir.startsWith(i.endsWith(path.sep) ? i : i + path.sep));

  const onEvent = (dir: string, role: Role, name: string) => {
    const file = path.join(dir, name);
    if (role === 'pack') {
      if (isPackSource(name)) return mark(file);
      if (!IGNORED_DIR(name) && isDir(file)) scan(); // a new subfolder: watch it before files arrive
      return;
    }
    if (role === 'candidate') {
      if (name === MANIFEST_FILE) mark(file);
      return;
    }
    // A folder of packs: a pack folder came, went or was renamed.
    if (watchers.get(file)?.role === 'pack' || hasManifest(file)) return mark(file);
    if (!IGNORED_DIR(name) && isDir(file)) {
      scan();
      if (hasManifest(file)) mark(file); // written before its watcher was in place
    }
  };

  const want = (dir: string, role: Role, into: Map<string, Role>) => {
    if (isIgnored(dir)) return false;
    into.set(dir, role);
    return true;
  };

  const visitPack = (dir: string, depth: number, into: Map<string, Role>) => {
    if (!want(dir, 'pack', into) || depth >= maxDepth) return;
    for (const name of list(dir)) {
      const sub = path.join(dir, name);
      if (!IGNORED_DIR(name) && isDir(sub)) visitPack(sub, depth + 1, into);
    }
  };

  const scan = () => {
    if (closed) return;
    const desired = new Map<string, Role>();
    for (const given of roots) {
      const root = path.resolve(given);
      if (!isDir(root)) continue;
      if (hasManifest(root)) {
        visitPack(root, 0, desired);
        continue;
      }
      if (!want(root, 'packs', desired)) continue;
      for (const name of list(root)) {
        const sub = path.join(root, name);
        if (IGNORED_DIR(name) || name.endsWith('.disabled') || !isDir(sub)) continue;
        if (hasManifest(sub)) visitPack(sub, 0, desired);
        else want(sub, 'candidate', desired);
      }
    }
    for (const [dir, w] of watchers) {
      if (desired.get(dir) !== w.role) {
        w.watcher.close();
        watchers.delete(dir);
      }
    }
    for (const [dir, role] of desired) {
      if (watchers.has(dir)) continue;
      try {
        const watcher = watch(dir, (_event, name) => {
          if (name) onEvent(dir, role, name.toString());
        });
        watcher.on('error', () => {
          watcher.close();
          if (watchers.get(dir)?.watcher === watcher) watchers.delete(dir);
        });
        watchers.set(dir, { role, watcher });
      } catch {
        // vanished or unreadable: nothing to watch
      }
    }
  };

  const mark = (file: string) => {
    changed.add(file);
    if (closed) return;
    clearTimeout(timer);
    timer = setTimeout(fire, debounceMs);
  };

  const fire = async () => {
    if (closed) return;
    if (running) {
      again = true;
      return;
    }
    running = true;
    const batch = [...changed];
    changed = new Set();
    try {
      scan();
      await onChange(batch);
    } catch {
      // the callback reports its own failures; watching goes on
    } finally {
      running = false;
      if (again && !closed) {
        again = false;
        clearTimeout(timer);
        timer = setTimeout(fire, debounceMs);
      }
    }
  };

  scan();
  return {
    close() {
      closed = true;
      clearTimeout(timer);
      for (const w of watchers.values()) w.watcher.close();
      watchers.clear();
    },
  };
}

function hasManifest(dir: string): boolean {
  return existsSync(path.join(dir, MANIFEST_FILE));
}

function list(dir: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch {
    return [];
  }
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}
