import type { Redis } from 'ioredis';

/** Every announced value under `prefix` (workers' or fronts' heartbeat keys). */
export async function readAnnounced<T>(redis: Redis, prefix: string): Promise<T[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 200);
    cursor = next;
    keys.push(...batch);
  } while (cursor !== '0');
  const values = keys.length ? await redis.mget(...keys) : [];
  const out: T[] = [];
  for (const v of values) {
    if (!v) continue;
    try {
      out.push(JSON.parse(v) as T);
    } catch {
      // a foreign or half-written key
    }
  }
  return out;
}
