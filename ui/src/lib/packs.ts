import type { PackInfo } from '@reelgraph/protocol';

/** The toast for packs that failed to load: each pack with its first reason (the rest are in the catalog). */
export function packFailureText(packs: readonly PackInfo[]): string | undefined {
  const failed = packs.filter((p) => p.status === 'error');
  if (failed.length === 0) return undefined;
  const reasons = failed.map((p) => {
    const more = p.errors.length > 1 ? ` (and ${p.errors.length - 1} more)` : '';
    return `${p.name}: ${p.errors[0] ?? 'unknown error'}${more}`;
  });
  return `Node packs failed to load — ${reasons.join('; ')}`;
}
