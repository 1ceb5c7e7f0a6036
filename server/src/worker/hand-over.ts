import { createHash } from 'node:crypto';
import { createReadStream, realpathSync, rmSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { EngineEvent } from '@reelgraph/executor';
import { SHA256_HEADER, WORKER_SECRET_HEADER } from '../queue/redis/wire';

async function sha256Of(file: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(file), hash);
  return hash.digest('hex');
}

/** PUT one file to one front; the reason when it refuses or cannot be reached. */
async function upload(
  front: string,
  file: string,
  relPosix: string,
  digest: string,
  to: { jobId: string; secret: string },
): Promise<string | undefined> {
  const url = `${front}/api/worker/outputs/${encodeURIComponent(to.jobId)}?path=${encodeURIComponent(relPosix)}`;
  try {
    const res = await fetch(url, {
      method: 'PUT',
      headers: {
        'content-type': 'application/octet-stream',
        [WORKER_SECRET_HEADER]: to.secret,
        [SHA256_HEADER]: digest,
      },
      body: Readable.toWeb(createReadStream(file)) as ReadableStream,
      duplex: 'half',
    } as RequestInit & { duplex: 'half' });
    if (res.status === 201) return undefined;
    return `${front} refused output ${relPosix}: ${res.status} ${await res.text()}`;
  } catch (err) {
    return `${front} could not be reached for output ${relPosix}: ${(err as Error).message}`;
  }
}

/**
 * Uploads a finished node's output files to every live front (streamed, with their SHA-256,
 * authenticated by the worker secret), so that any front serves them, and rewrites their paths to the
 * relative form the fronts store them under. One front that takes a file is enough (another may just
 * have died); none fails the job. The worker's copy is removed once a front has it; a later cache hit
 * on it sees the file gone and runs the node again.
 */
export async function handOverFiles(
  event: EngineEvent,
  to: {
    /** The live fronts' base URLs (asked only when there is a file to hand over). */
    fronts: () => Promise<string[]>;
    jobId: string;
    outputsDir: string;
    secret: string;
    log: (message: string) => void;
    /** Filled with each handed-over file's SHA-256 by its relative path (sent along with the event). */
    sha256?: Record<string, string>;
  },
): Promise<EngineEvent> {
  if (event.type !== 'node:done' && event.type !== 'node:cached') return event;
  if (!event.artifacts.some((a) => a.kind === 'file')) return event;
  const fronts = await to.fronts();
  const artifacts = [];
  for (const a of event.artifacts) {
    if (a.kind !== 'file') {
      artifacts.push(a);
      continue;
    }
    let real: string;
    try {
      real = realpathSync(a.path);
    } catch {
      artifacts.push(a); // gone: the front refuses to publish it and says why
      continue;
    }
    const rel = path.relative(to.outputsDir, real);
    if (rel.startsWith('..') || path.isAbsolute(rel)) {
      artifacts.push(a); // outside the outputs folder: the front refuses it, as in embedded mode
      continue;
    }
    const relPosix = rel.split(path.sep).join('/');
    const digest = await sha256Of(real);
    const failures = (await Promise.all(fronts.map((f) => upload(f, real, relPosix, digest, to)))).filter(
      (f) => f !== undefined,
    );
    if (failures.length === fronts.length) {
      throw new Error(failures[0] ?? `no front is live to take output ${relPosix}`);
    }
    for (const f of failures) to.log(f);
    rmSync(real, { force: true });
    if (to.sha256) to.sha256[relPosix] = digest;
    artifacts.push({ ...a, path: relPosix });
  }
  return { ...event, artifacts };
}
