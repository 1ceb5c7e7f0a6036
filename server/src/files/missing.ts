import { existsSync } from 'node:fs';
import type { Artifact } from '@reelgraph/sdk';

/** For `Executor({ isStale })`: a cached result is stale once a file it wrote is gone, so it is written again. */
export function filesMissing(artifacts: readonly Artifact[]): boolean {
  return artifacts.some((a) => a.kind === 'file' && !existsSync(a.path));
}
