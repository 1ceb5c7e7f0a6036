import { type FSWatcher, readdirSync, statSync, watch } from 'node:fs';
import path from 'node:path';

export interface PackWatcher {
  close(): void;
}

export interface WatchOptions {
  /** Quiet time after the last change before `onChange` runs (editors write a file in several steps). */
  debounceMs?: number;
  /** Subfolders deeper than this are not watched. */
  maxDepth?: number;
}

/** Files whose changes never matter: editor swap/backup files, OS litter. */
const IGNORED_FILE = /(^\.|~$|\.swp$|\.swx$|\.tmp$|^4913$)/;
const IGNORED_DIR = (name: string) => name.startsWith('.') || name === 'node_modules' || name === 'dist';

/**
 * Watches pack folders (each folder and its subfolders, one `fs.watch` per folder: Node 20's recursive
 * mode is unreliable on Linux) and calls `onChange` once things have been quiet for `debounceMs`.
 * Folders created later are picked up at the next change. `onChange` never runs twice at once: changes
 * that arrive while it runs lead to one more call after it.
 */
export function watchPackDirs(
  roots: readonly string[],
  onChange: (changed: string[]) => Promise<void> | void,
  { debounceMs = 200, maxDepth = 6 }: WatchOptions = {},
): PackWatcher {
  const watchers = new Map<string, FSWatcher>();
  let changed = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  let again = false;
  let closed = false;

  const scan = () => {
    const seen = new Set<string>();
    const visit = (dir: string, depth: number) => {
      seen.add(dir);
      if (!watchers.has(dir)) {
        try {
          const w = watch(dir, (_event, name) => {
            const file = name ? path.join(dir, name.toString()) : dir;
            if (name && IGNORED_FILE.test(path.basename(name.toString()))) return;
            changed.add(file);
            schedule();
          });
          w.on('error', () => forget(dir));
          watchers.set(dir, w);
        } catch {
          return; // vanished or unreadable: nothing to watch
        }
      }
      if (depth >= maxDepth) return;
      let entries: string[] = [];
      try {
        entries = readdirSync(dir);
      } catch {
        return;
      }
      for (const name of entries) {
        if (IGNORED_DIR(name)) continue;
        const sub = path.join(dir, name);
        if (isDir(sub)) visit(sub, depth + 1);
      }
    };
    for (const root of roots) if (isDir(root)) visit(path.resolve(root), 0);
    for (const dir of [...watchers.keys()]) if (!seen.has(dir)) forget(dir);
  };

  const forget = (dir: string) => {
    watchers.get(dir)?.close();
    watchers.delete(dir);
  };

  const schedule = () => {
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
        schedule();
      }
    }
  };

  scan();
  return {
    close() {
      closed = true;
      clearTimeout(timer);
      for (const w of watchers.values()) w.close();
      watchers.clear();
    },
  };
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}
