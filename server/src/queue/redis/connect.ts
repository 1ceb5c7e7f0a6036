import { Redis } from 'ioredis';
import { redisOptions } from './wire';

/** A front's or worker's two plain Redis connections: one to publish and read, one to subscribe. */
export interface RedisPair {
  /** The options both were made with (BullMQ's queue, events and worker use them too). */
  connection: ReturnType<typeof redisOptions>;
  pub: Redis;
  sub: Redis;
}

/**
 * Connect `pub` and `sub` to `url`, refusing with the reason when Redis cannot be reached. Afterwards
 * ioredis reconnects by itself; while it does (a restart of Redis) the reason is logged once per reason.
 */
export async function connectRedisPair(
  url: string,
  log: (level: 'warn', message: string) => void,
): Promise<RedisPair> {
  const connection = redisOptions(url);
  const pub = new Redis({ ...connection, lazyConnect: true });
  const sub = new Redis({ ...connection, lazyConnect: true });
  let lastError: Error | undefined;
  for (const c of [pub, sub]) {
    c.on('error', (err: Error) => {
      if (lastError?.message !== err.message) log('warn', `Redis: ${err.message}`);
      lastError = err;
    });
    c.on('ready', () => {
      lastError = undefined;
    });
  }
  try {
    await pub.connect();
    await sub.connect();
  } catch (err) {
    pub.disconnect();
    sub.disconnect();
    throw new Error(`cannot reach Redis at ${url}: ${(lastError ?? (err as Error)).message}`);
  }
  return { connection, pub, sub };
}
