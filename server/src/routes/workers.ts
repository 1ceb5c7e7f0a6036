import type { FastifyInstance } from 'fastify';
import type { WorkerInfo } from '../queue/redis/wire';

/** `GET /api/workers` (scale-out only): the live workers, their load, heartbeat, packs and node types. */
export async function workersRoute(
  app: FastifyInstance,
  deps: { workers: () => WorkerInfo[] },
): Promise<void> {
  app.get(
    '/api/workers',
    { schema: { summary: 'List the live workers (serve --redis; docs/scale-out.md)', tags: ['queue'] } },
    async () => ({
      workers: deps.workers().map((w) => ({ ...w, load: w.running.length / Math.max(1, w.concurrency) })),
    }),
  );
}
