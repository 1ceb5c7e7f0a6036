import { randomBytes } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { Redis } from 'ioredis';
import { decodeMessage, encodeMessage, LOG_MAX_ENTRIES, LOG_STREAM, type LogMessage } from './wire';

/** Append one message to the job log (see `wire.ts`); its entry id. Commands on one connection keep their order. */
export async function appendLog(redis: Redis, m: LogMessage): Promise<string> {
  const id = await redis.xadd(LOG_STREAM, 'MAXLEN', '~', String(LOG_MAX_ENTRIES), '*', 'm', encodeMessage(m));
  return id ?? '0';
}

/** The id of the log's newest entry (`0` when it is empty). */
export async function logTail(redis: Redis): Promise<string> {
  const [last] = await redis.xrevrange(LOG_STREAM, '+', '-', 'COUNT', 1);
  return last?.[0] ?? '0';
}

/** Stream entry ids (`<ms>-<n>`) in log order. */
function idAtOrAfter(id: string, than: string): boolean {
  const [a = 0n, b = 0n] = id.split('-').map(BigInt);
  const [c = 0n, d = 0n] = than.split('-').map(BigInt);
  return a > c || (a === c && b >= d);
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
 * Reads the job log on its own (blocking) connection and hands each message to `apply`, in log order
 * (this front's own entries too: `apply` knows which it applied already); after each batch the
 * position is saved. While Redis is away it retries every half second.
 */
export class JobLogReader {
  readonly #position: Position;
  #stopped = false;
  #loop: Promise<void> | undefined;
  /** Callers waiting until the log is applied up to an entry. */
  #waiters: { id: string; resolve: () => void }[] = [];

  constructor(
    private readonly redis: Redis,
    private readonly file: string,
    private readonly apply: (m: LogMessage) => void | Promise<void>,
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

  /**
   * Resolves once every entry up to `id` is applied here (or after `timeoutMs`: a log that does not
   * move on, e.g. while Redis is away, must not hang an HTTP answer).
   */
  reached(id: string, timeoutMs = 5000): Promise<void> {
    if (idAtOrAfter(this.#position.last, id) || this.#stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const w = { id, resolve };
      this.#waiters.push(w);
      setTimeout(() => {
        this.#waiters = this.#waiters.filter((x) => x !== w);
        resolve();
      }, timeoutMs).unref();
    });
  }

  #wake(): void {
    const last = this.#position.last;
    const due = this.#waiters.filter((w) => idAtOrAfter(last, w.id));
    if (!due.length) return;
    this.#waiters = this.#waiters.filter((w) => !due.includes(w));
    for (const w of due) w.resolve();
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
        await this.apply(decodeMessage(raw));
      } catch (err) {
        this.log('error', `a job log entry could not be applied: ${(err as Error).stack ?? err}`);
      }
    }
    this.#save();
    this.#wake();
    return entries.length > 0;
  }

  #save(): void {
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.#position));
    renameSync(tmp, this.file);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    for (const w of this.#waiters.splice(0)) w.resolve();
    this.redis.disconnect();
    await this.#loop?.catch(() => {});
  }
}
