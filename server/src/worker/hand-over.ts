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

/**
 * Uploads a finished node's output files to the front that accepted the job (streamed, with their
 * SHA-256, authenticated by the worker secret) and rewrites their paths to the relative form the front
 * stores them under. The worker's copy is removed once the front has it; a later cache hit on it sees
 * the file gone and runs the node again.
 */
export async function handOverFiles(
  event: EngineEvent,
  to: { front: string; jobId: string; outputsDir: string; secret: string },
): Promise<EngineEvent> {
  if (event.type !== 'node:done' && event.type !== 'node:cached') return event;
  if (!event.artifacts.some((a) => a.kind === 'file')) return event;
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
    const url = `${to.front}/api/worker/outputs/${encodeURIComponent(to.jobId)}?path=${encodeURIComponent(relPosix)}`;
    const res = await fetch(url, {
      method: 'PUT',
      headers: {
        'content-type': 'application/octet-stream',
        [WORKER_SECRET_HEADER]: to.secret,
        [SHA256_HEADER]: digest,
      },
      body: Readable.toWeb(createReadStream(real)) as ReadableStream,
      duplex: 'half',
    } as RequestInit & { duplex: 'half' });
    if (res.status !== 201) {
      throw new Error(`the front refused output ${relPosix}: ${res.status} ${await res.text()}`);
    }
    rmSync(real, { force: true });
    artifacts.push({ ...a, path: relPosix });
  }
  return { ...event, artifacts };
}
