import { randomUUID } from 'node:crypto';
import { jsonDepthExceeds } from '@reelgraph/graph';
import type { FastifyInstance } from 'fastify';
import type { RawData, WebSocket } from 'ws';
import { HttpError } from '../errors';
import { SERVER_VERSION } from '../options';
import { PROTOCOL_VERSION, TERMINAL_STATES } from '../protocol/types';
import type { Scheduler } from '../queue/scheduler';
import { CLIENT_ID_PATTERN } from '../schemas';
import type { Store } from '../store/store';
import { type Connection, type Hub, MAX_SUBSCRIPTIONS } from './hub';

export const WS_MAX_MESSAGE_BYTES = 64 * 1024;
/** Client messages nest 2 levels (`afterSeq`); echoing a deeper `ping` id must not recurse unbounded. */
export const WS_MAX_DEPTH = 8;
const MAX_BAD_MESSAGES = 100;
const JOB_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export interface WsDeps {
  hub: Hub;
  store: Store;
  scheduler: Scheduler;
}

class BadMessage extends Error {}

function parseMessage(data: RawData, isBinary: boolean): { type: string; [k: string]: unknown } {
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
  return msg as { type: string };
}

function jobIdsOf(msg: Record<string, unknown>): string[] {
  const ids = msg.jobIds;
  if (!Array.isArray(ids) || ids.length === 0 || ids.length > MAX_SUBSCRIPTIONS) {
    throw new BadMessage(`"jobIds" must be an array of 1 to ${MAX_SUBSCRIPTIONS} job ids`);
  }
  for (const id of ids)
    if (typeof id !== 'string' || !JOB_ID.test(id))
      throw new BadMessage('"jobIds" must hold job ids (UUIDs)');
  return [...new Set(ids as string[])];
}

function afterSeqOf(msg: Record<string, unknown>): Record<string, number> {
  const a = msg.afterSeq;
  if (a === undefined) return {};
  if (typeof a !== 'object' || a === null || Array.isArray(a))
    throw new BadMessage('"afterSeq" must map job ids to numbers');
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(a)) {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0)
      throw new BadMessage('"afterSeq" values must be integers ≥ 0');
    out[k] = v;
  }
  return out;
}

export async function wsRoute(app: FastifyInstance, deps: WsDeps): Promise<void> {
  const { hub, store, scheduler } = deps;

  /** Snapshot, optional replay and latest previews: what a (re)subscribing client needs to catch up. */
  function catchUp(conn: Connection, jobId: string, afterSeq: number | undefined): boolean {
    const job = store.getJob(jobId);
    if (!job) return false;
    const detail = scheduler.detail(job, { events: false, graph: false });
    const live = !TERMINAL_STATES.includes(job.state);
    if (live && !hub.subscribe(conn, jobId)) {
      hub.send(conn, {
        type: 'error',
        error: 'too_many_subscriptions',
        message: `at most ${MAX_SUBSCRIPTIONS} jobs per socket`,
        jobIds: [jobId],
      });
      return true;
    }
    hub.send(conn, { type: 'job:snapshot', jobId, at: Date.now(), seq: detail.seq, job: detail });
    if (afterSeq !== undefined) for (const e of store.eventsAfter(jobId, afterSeq)) hub.send(conn, e);
    if (live) for (const frame of scheduler.latestPreviews(jobId)) hub.sendBinary(conn, frame);
    return true;
  }

  app.get<{ Querystring: { clientId?: string } }>(
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
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { clientId: { type: 'string', pattern: CLIENT_ID_PATTERN } },
        },
      },
    },
    (socket: WebSocket, req) => {
      const clientId = req.query.clientId ?? randomUUID().replaceAll('-', '');
      const conn: Connection = { socket, clientId, jobs: new Set(), badMessages: 0 };
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
      for (const jobId of store.activeJobsOfClient(clientId)) catchUp(conn, jobId, undefined);

      socket.on('message', (data, isBinary) => {
        try {
          const msg = parseMessage(data, isBinary);
          switch (msg.type) {
            case 'subscribe': {
              const ids = jobIdsOf(msg);
              const after = afterSeqOf(msg);
              const missing: string[] = [];
              const ok: string[] = [];
              for (const id of ids) (store.getJob(id) ? ok : missing).push(id);
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
              return;
            }
            case 'unsubscribe': {
              const ids = jobIdsOf(msg);
              for (const id of ids) hub.unsubscribe(conn, id);
              hub.send(conn, { type: 'unsubscribed', jobIds: ids });
              return;
            }
            case 'ping': {
              const id = (msg as { id?: unknown }).id;
              hub.send(conn, { type: 'pong', ...(id !== undefined ? { id } : {}) });
              return;
            }
            default:
              throw new BadMessage(`unknown message type "${String(msg.type).slice(0, 40)}"`);
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
