import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { WORKER_SECRET_HEADER } from './wire';

export interface PeerFetch {
  /** Base URLs of the other live fronts. */
  peers: string[];
  jobId: string;
  /** The file's path relative to the outputs folder, as the worker uploaded it. */
  rel: string;
  /** Its SHA-256 as the worker computed it; a copy that differs is not kept. */
  sha256: string | undefined;
  outputsDir: string;
  secret: string;
}

/**
 * A front that was down (or lagging) while a worker uploaded an output has no copy of it: it fetches
 * one from another live front (`GET /api/worker/outputs/:jobId`, worker secret) while it applies the
 * event that names the file, so it publishes and serves it like every other front. The first peer
 * whose copy matches the digest wins; the reasons are returned when none has it.
 */
export async function fetchFromPeers(f: PeerFetch): Promise<{ ok: true } | { ok: false; reasons: string[] }> {
  const reasons: string[] = [];
  const dest = path.join(f.outputsDir, f.rel);
  for (const peer of f.peers) {
    const url = `${peer}/api/worker/outputs/${encodeURIComponent(f.jobId)}?path=${encodeURIComponent(f.rel)}`;
    const part = `${dest}.part-${randomBytes(6).toString('hex')}`;
    try {
      const res = await fetch(url, {
        headers: { [WORKER_SECRET_HEADER]: f.secret },
        signal: AbortSignal.timeout(60_000),
      });
      if (res.status !== 200 || !res.body) {
        reasons.push(`${peer}: ${res.status}`);
        continue;
      }
      mkdirSync(path.dirname(dest), { recursive: true });
      const hash = createHash('sha256');
      const tap = new Transform({
        transform(chunk: Buffer, _enc, cb) {
          hash.update(chunk);
          cb(null, chunk);
        },
      });
      await pipeline(Readable.fromWeb(res.body as never), tap, createWriteStream(part, { flags: 'wx' }));
      if (f.sha256 && hash.digest('hex') !== f.sha256) {
        rmSync(part, { force: true });
        reasons.push(`${peer}: its copy does not match the SHA-256`);
        continue;
      }
      renameSync(part, dest);
      return { ok: true };
    } catch (err) {
      rmSync(part, { force: true });
      reasons.push(`${peer}: ${(err as Error).message}`);
    }
  }
  return { ok: false, reasons };
}
