import { randomBytes } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { Redis } from 'ioredis';
import { decodeMessage, encodeMessage, LOG_MAX_ENTRIES, LOG_STREAM, type LogMessage } from './wire';

/** Append one message to the job log (see `wire.ts`); commands on one connection keep their order. */
export function appendLog(redis: Redis, m: LogMessage): Promise<unknown> {
  return redis.xadd(LOG_STREAM, 'MAXLEN', '~', String(LOG_MAX_ENTRIES), '*', 'm', encodeMessage(m));
}

/** Where a front is in the log, kept in its data folder so a restart resumes there. */
interface Position {
  /** This front's id; the log entries it wrote itself it has applied already. */
  front: string;
  /** The id of the last entry applied; `0` reads the log from its start. */
  last: string;
}

function loadPosition(file: string): Position {
  try {
    const p = JSON.parse(readFileSync(file, 'utf8')) as Position;
    if (typeof p.front === 'string' && typeof p.last === 'string') return p;
  } catch {
    // first start of this front: read the whole log, so it knows every job the other fronts know
  }
  return { front: `front-${randomBytes(6).toString('hex')}`, last: '0' };
}

/**
 * Reads the job log on its own (blocking) connection and hands each message to `apply`, in log order;
 * after each batch the position is saved. While Redis is away it retries every half second.
 */
export class JobLogReader {
  readonly #position: Position;
  #stopped = false;
  #loop: Promise<void> | undefined;

  constructor(
    private readonly redis: Redis,
    private readonly file: string,
    private readonly apply: (m: LogMessage) => void,
    private readonly log: (level: 'warn' | 'error', message: string) => void,
  ) {
    this.#position = loadPosition(file);
    // The front's other connections report Redis going away; this one only retries.
    redis.on('error', () => {});
  }

  /** This front's id in the log (kept across restarts). */
  get front(): string {
    return this.#position.front;
  }

  /** Apply everything the log holds now, then keep following it. */
  async start(): Promise<void> {
    while (await this.#readBatch(0)) {}
    this.#loop = this.#follow();
  }

  async #follow(): Promise<void> {
    while (!this.#stopped) {
      try {
        await this.#readBatch(1000);
      } catch (err) {
        if (this.#stopped) return;
        this.log('warn', `reading the job log: ${(err as Error).message}`);
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  }

  /** True when entries were applied. */
  async #readBatch(blockMs: number): Promise<boolean> {
    type Reply = [Buffer, [Buffer, Buffer[]][]][] | null;
    const last = this.#position.last;
    const res = (
      blockMs > 0
        ? await this.redis.xreadBuffer('COUNT', 1000, 'BLOCK', blockMs, 'STREAMS', LOG_STREAM, last)
        : await this.redis.xreadBuffer('COUNT', 1000, 'STREAMS', LOG_STREAM, last)
    ) as Reply;
    if (!res || this.#stopped) return false;
    const entries = res[0]?.[1] ?? [];
    for (const [id, fields] of entries) {
      this.#position.last = id.toString();
      const raw = fields[1];
      if (!raw) continue;
      try {
        const m = decodeMessage(raw);
        if ('origin' in m && m.origin === this.#position.front) continue;
        this.apply(m);
      } catch (err) {
        this.log('error', `a job log entry could not be applied: ${(err as Error).stack ?? err}`);
      }
    }
    this.#save();
    return entries.length > 0;
  }

  #save(): void {
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.#position));
    renameSync(tmp, this.file);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.redis.disconnect();
    await this.#loop?.catch(() => {});
  }
}
