import { randomUUID } from 'node:crypto';
import { jsonDepthExceeds } from '@reelgraph/graph';
import {
  type ClientMessage,
  MAX_SUBSCRIPTIONS,
  PingMessage,
  PROTOCOL_VERSION,
  SubscribeMessage,
  TERMINAL_STATES,
  UnsubscribeMessage,
  WsQuery,
} from '@reelgraph/protocol';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import type { FastifyInstance } from 'fastify';
import type { RawData, WebSocket } from 'ws';
import { HttpError } from '../errors';
import { SERVER_VERSION } from '../options';
import type { JobQueue } from '../queue/job-queue';
import { JobViews } from '../queue/job-views';
import { mayAccess } from '../security/users';
import type { Store } from '../store/store';
import { type Connection, type Hub, newConnection } from './hub';

/** Client messages nest 2 levels (`afterSeq`); echoing a deeper `ping` id must not recurse unbounded. */
export const WS_MAX_DEPTH = 8;
const MAX_BAD_MESSAGES = 100;

export interface WsDeps {
  hub: Hub;
  store: Store;
  scheduler: JobQueue;
}

class BadMessage extends Error {}

/** The protocol's schemas, compiled once, by message type (a precise error beats "no union member"). */
const CHECKS = {
  subscribe: TypeCompiler.Compile(SubscribeMessage),
  unsubscribe: TypeCompiler.Compile(UnsubscribeMessage),
  ping: TypeCompiler.Compile(PingMessage),
} as const;

function parseMessage(data: RawData, isBinary: boolean): ClientMessage {
  if (isBinary) throw new BadMessage('binary messages are not accepted; send JSON text');
  const text = Array.isArray(data)
    ? Buffer.concat(data).toString('utf8')
    : Buffer.from(data as ArrayBuffer).toString('utf8');
  if (jsonDepthExceeds(text, WS_MAX_DEPTH))
    throw new BadMessage(`message nests deeper than ${WS_MAX_DEPTH} levels`);
  let msg: unknown;
  try {
    msg = JSON.parse(text);
  } catch {
    throw new BadMessage('message is not valid JSON');
  }
  if (typeof msg !== 'object' || msg === null || Array.isArray(msg))
    throw new BadMessage('message must be a JSON object');
  const type = (msg as { type?: unknown }).type;
  if (typeof type !== 'string') throw new BadMessage('message needs a string "type"');
  const check = Object.hasOwn(CHECKS, type) ? CHECKS[type as keyof typeof CHECKS] : undefined;
  if (!check) throw new BadMessage(`unknown message type "${type.slice(0, 40)}"`);
  if (!check.Check(msg)) {
    const e = check.Errors(msg).First();
    throw new BadMessage(`invalid "${type}" message: ${e ? `${e.path || '/'} ${e.message}` : 'wrong shape'}`);
  }
  return msg as ClientMessage;
}

export async function wsRoute(app: FastifyInstance, deps: WsDeps): Promise<void> {
  const { hub, store, scheduler } = deps;
  const views = new JobViews(store, (id) => scheduler.live(id));

  const stored = (jobId: string) => (from: number, to: number) => store.eventTextsAfter(jobId, from, to);

  /** Snapshot, optional replay and latest previews: what a (re)subscribing client needs to catch up. */
  function catchUp(conn: Connection, jobId: string, afterSeq: number | undefined): boolean {
    const job = store.getJob(jobId);
    if (!job || !mayAccess(conn.user, job)) return false;
    const detail = views.detail(job, { events: false, graph: false });
    const live = !TERMINAL_STATES.includes(job.state);
    if (live && !hub.subscribe(conn, jobId, detail.seq)) {
      hub.send(conn, {
        type: 'error',
        error: 'too_many_subscriptions',
        message: `at most ${MAX_SUBSCRIPTIONS} jobs per socket`,
        jobIds: [jobId],
      });
      return true;
    }
    hub.send(conn, { type: 'job:snapshot', jobId, at: Date.now(), seq: detail.seq, job: detail });
    if (afterSeq !== undefined) hub.replay(conn, jobId, afterSeq, detail.seq, stored(jobId));
    if (live) for (const frame of scheduler.latestPreviews(jobId)) hub.sendBinary(conn, frame);
    return true;
  }

  function subscribe(conn: Connection, ids: string[], after: Record<string, number>): void {
    const missing: string[] = [];
    const ok: string[] = [];
    for (const id of ids) {
      const job = store.getJob(id);
      (job && mayAccess(conn.user, job) ? ok : missing).push(id);
    }
    hub.send(conn, { type: 'subscribed', jobIds: ok });
    if (missing.length > 0) {
      hub.send(conn, {
        type: 'error',
        error: 'not_found',
        message: `no such job: ${missing.join(', ')}`,
        jobIds: missing,
      });
    }
    for (const id of ok) catchUp(conn, id, after[id]);
  }

  app.get<{ Querystring: WsQuery }>(
    '/api/ws',
    {
      websocket: true,
      preHandler: async (req) => {
        if (!req.ws) {
          throw new HttpError(
            426,
            'upgrade_required',
            'this is the WebSocket endpoint: connect with a WebSocket client',
          );
        }
      },
      schema: {
        summary: 'WebSocket: job events and binary previews (see docs/protocol.md)',
        tags: ['websocket'],
        querystring: WsQuery,
      },
    },
    (socket: WebSocket, req) => {
      const clientId = req.query.clientId ?? randomUUID().replaceAll('-', '');
      const conn = newConnection(socket, clientId, req.user, req.raw.socket);
      hub.add(conn);
      socket.on('close', () => hub.remove(conn));
      socket.on('error', () => hub.remove(conn));
      hub.send(conn, {
        type: 'hello',
        protocol: PROTOCOL_VERSION,
        clientId,
        serverVersion: SERVER_VERSION,
        queue: scheduler.status(),
      });
      // Reconnect catch-up: the client's own active jobs, without asking.
      for (const jobId of store.activeJobsOfClient(clientId, conn.user?.name))
        catchUp(conn, jobId, undefined);

      socket.on('message', (data, isBinary) => {
        try {
          const msg = parseMessage(data, isBinary);
          switch (msg.type) {
            case 'subscribe': {
              const ids = [...new Set(msg.jobIds)];
              // A job another front accepted a moment ago may not be known here yet: sync, then answer.
              if (scheduler.sync && ids.some((id) => !store.getJob(id))) {
                scheduler.sync().then(
                  () => subscribe(conn, ids, msg.afterSeq ?? {}),
                  (err: Error) => req.log.error({ err }, 'websocket subscribe failed'),
                );
              } else subscribe(conn, ids, msg.afterSeq ?? {});
              return;
            }
            case 'unsubscribe': {
              const ids = [...new Set(msg.jobIds)];
              for (const id of ids) hub.unsubscribe(conn, id);
              hub.send(conn, { type: 'unsubscribed', jobIds: ids });
              return;
            }
            case 'ping':
              hub.send(conn, { type: 'pong', ...(msg.id !== undefined ? { id: msg.id } : {}) });
              return;
          }
        } catch (err) {
          if (!(err instanceof BadMessage)) {
            req.log.error({ err }, 'websocket message failed');
            hub.send(conn, {
              type: 'error',
              error: 'internal',
              message: 'the server failed to handle this message',
            });
            return;
          }
          conn.badMessages++;
          hub.send(conn, { type: 'error', error: 'bad_message', message: err.message });
          if (conn.badMessages > MAX_BAD_MESSAGES) socket.close(1008, 'too many bad messages');
        }
      });
    },
  );
}
