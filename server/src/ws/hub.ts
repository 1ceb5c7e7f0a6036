import { type ConnectionMessage, MAX_SUBSCRIPTIONS, type ServerEvent } from '@reelgraph/protocol';
import type { WebSocket } from 'ws';
import type { User } from '../security/users';

/** Past this much unsent data a socket gets no previews; past the hard limit it is closed. */
const PREVIEW_BACKPRESSURE_BYTES = 4 * 1024 * 1024;
const HARD_BACKPRESSURE_BYTES = 64 * 1024 * 1024;

/** How many followed jobs a socket remembers what it got of, after the jobs ended. */
const DELIVERED_MEMORY = 1024;

/**
 * What a socket got of one job: every event after `liveFrom` live (it subscribed when the job was at
 * that seq), and, replayed, every event in (`replayedFrom`, `liveFrom`].
 */
interface Delivered {
  liveFrom: number;
  replayedFrom: number;
}

/** Sees every job message, subscribers or not (the ComfyUI-compatible API translates them). */
export interface HubObserver {
  /** A job event as sent: its JSON text. */
  event(jobId: string, text: string): void;
  preview?(jobId: string, frame: Uint8Array): void;
}

export interface Connection {
  socket: WebSocket;
  /** The TCP stream under `socket`: corked while a batch of events goes out, so they leave in one write. */
  wire?: Corkable;
  clientId: string;
  /** With `serve --users`: the socket's user; a client id is only matched within its user. */
  user?: User;
  /** Live subscriptions. */
  jobs: Set<string>;
  delivered: Map<string, Delivered>;
  badMessages: number;
}

export interface Corkable {
  cork(): void;
  uncork(): void;
}

/** Client ids cannot hold `/` (docs/protocol.md), so `owner/clientId` never meets a bare client id. */
const clientKey = (clientId: string, owner: string | undefined) =>
  owner ? `${owner}/${clientId}` : clientId;

export function newConnection(socket: WebSocket, clientId: string, user?: User, wire?: Corkable): Connection {
  return {
    socket,
    ...(wire ? { wire } : {}),
    clientId,
    ...(user ? { user } : {}),
    jobs: new Set(),
    delivered: new Map(),
    badMessages: 0,
  };
}

/**
 * Who hears about which job. Messages for a job go only to sockets subscribed to it — explicitly, or
 * because their client id submitted it. However a socket came to follow a job (its client id, a
 * reconnect, `subscribe`, several of them), it gets each event once: live events are those after the
 * seq it subscribed at, and a replay sends only what neither the live stream nor an earlier replay did.
 * Events arrive encoded (once, by the job's tracker) and go out as they are.
 */
export class Hub {
  readonly #byJob = new Map<string, Set<Connection>>();
  /** Keyed by `clientKey`: two users' sockets never share a client id. */
  readonly #byClient = new Map<string, Set<Connection>>();
  readonly connections = new Set<Connection>();
  readonly observers = new Set<HubObserver>();
  /** Wires corked in this tick; uncorked together once the synchronous work that sends is done. */
  readonly #corked = new Set<Corkable>();
  /** Counters for tests and the load benchmark. */
  sentJson = 0;
  sentBinary = 0;
  droppedPreviews = 0;

  /**
   * `whenStored` runs a job event's delivery once the event is committed (the store batches its writes
   * per tick): nobody hears of a change the store could still lose. Default: at once.
   */
  constructor(private readonly whenStored: (deliver: () => void) => void = (deliver) => deliver()) {}

  add(conn: Connection): void {
    this.connections.add(conn);
    const key = clientKey(conn.clientId, conn.user?.name);
    let set = this.#byClient.get(key);
    if (!set) {
      set = new Set();
      this.#byClient.set(key, set);
    }
    set.add(conn);
  }

  remove(conn: Connection): void {
    this.connections.delete(conn);
    const key = clientKey(conn.clientId, conn.user?.name);
    const set = this.#byClient.get(key);
    set?.delete(conn);
    if (set && set.size === 0) this.#byClient.delete(key);
    for (const jobId of conn.jobs) this.#unlink(jobId, conn);
    conn.jobs.clear();
  }

  /**
   * Follow a live job whose latest event is `seqNow`. False when the socket already has the maximum
   * number of subscriptions.
   */
  subscribe(conn: Connection, jobId: string, seqNow: number): boolean {
    if (conn.jobs.has(jobId)) return true;
    if (conn.jobs.size >= MAX_SUBSCRIPTIONS) return false;
    conn.jobs.add(jobId);
    this.#remember(conn, jobId, { liveFrom: seqNow, replayedFrom: seqNow });
    let set = this.#byJob.get(jobId);
    if (!set) {
      set = new Set();
      this.#byJob.set(jobId, set);
    }
    set.add(conn);
    return true;
  }

  /** After this, a new subscription starts afresh (the socket missed what happened meanwhile). */
  unsubscribe(conn: Connection, jobId: string): void {
    conn.jobs.delete(jobId);
    conn.delivered.delete(jobId);
    this.#unlink(jobId, conn);
  }

  /** Subscribe every socket of `clientId` (of the same owner) to a job it just submitted (no events yet). */
  subscribeClient(clientId: string, jobId: string, owner?: string): void {
    for (const conn of this.#byClient.get(clientKey(clientId, owner)) ?? []) this.subscribe(conn, jobId, 0);
  }

  /**
   * Replay a job's stored events after `afterSeq` that this socket has not had yet. `stored` gives the
   * encoded events in (from, to], in order; `seqNow` is the job's latest seq (for a job not followed).
   */
  replay(
    conn: Connection,
    jobId: string,
    afterSeq: number,
    seqNow: number,
    stored: (from: number, to: number) => { seq: number; text: string }[],
  ): void {
    const got = conn.delivered.get(jobId) ?? { liveFrom: seqNow, replayedFrom: seqNow };
    const to = Math.min(got.replayedFrom, got.liveFrom);
    if (afterSeq < to) for (const e of stored(afterSeq, to)) this.sendText(conn, e.text);
    this.#remember(conn, jobId, { ...got, replayedFrom: Math.min(got.replayedFrom, afterSeq) });
  }

  #remember(conn: Connection, jobId: string, got: Delivered): void {
    conn.delivered.delete(jobId);
    conn.delivered.set(jobId, got);
    if (conn.delivered.size <= DELIVERED_MEMORY) return;
    for (const id of conn.delivered.keys()) {
      if (conn.jobs.has(id)) continue;
      conn.delivered.delete(id);
      return;
    }
  }

  /** Forget a finished job's subscriptions (after its last event went out); sockets keep what they got. */
  dropJob(jobId: string): void {
    const set = this.#byJob.get(jobId);
    if (!set) return;
    for (const conn of set) conn.jobs.delete(jobId);
    this.#byJob.delete(jobId);
  }

  /** Sizes of the subscription maps: all zero job entries once every job finished (no leaks). */
  stats(): { connections: number; clients: number; jobsWithSubscribers: number } {
    return {
      connections: this.connections.size,
      clients: this.#byClient.size,
      jobsWithSubscribers: this.#byJob.size,
    };
  }

  hasSubscribers(jobId: string): boolean {
    return (this.#byJob.get(jobId)?.size ?? 0) > 0;
  }

  #unlink(jobId: string, conn: Connection): void {
    const set = this.#byJob.get(jobId);
    set?.delete(conn);
    if (set && set.size === 0) this.#byJob.delete(jobId);
  }

  /** One event of the job, already encoded, to every socket following it now, once it is stored. */
  sendJob(jobId: string, text: string): void {
    const followers = this.#byJob.get(jobId);
    const to = followers ? [...followers] : [];
    this.whenStored(() => {
      for (const o of this.observers) o.event(jobId, text);
      for (const conn of to) this.sendText(conn, text);
    });
  }

  sendJobBinary(jobId: string, frame: Uint8Array): void {
    for (const o of this.observers) o.preview?.(jobId, frame);
    const set = this.#byJob.get(jobId);
    if (!set) return;
    for (const conn of set) this.sendBinary(conn, frame);
  }

  sendText(conn: Connection, text: string): void {
    const ws = conn.socket;
    if (ws.readyState !== ws.OPEN) return;
    if (ws.bufferedAmount > HARD_BACKPRESSURE_BYTES) {
      ws.close(1013, 'client too slow');
      return;
    }
    this.#cork(conn);
    ws.send(text);
    this.sentJson++;
  }

  /** Events of one tick (a job's whole trivial run, often) leave a socket in one write, not one each. */
  #cork(conn: Connection): void {
    const wire = conn.wire;
    if (!wire || this.#corked.has(wire)) return;
    if (this.#corked.size === 0) {
      process.nextTick(() => {
        for (const w of this.#corked) w.uncork();
        this.#corked.clear();
      });
    }
    wire.cork();
    this.#corked.add(wire);
  }

  sendBinary(conn: Connection, frame: Uint8Array): void {
    const ws = conn.socket;
    if (ws.readyState !== ws.OPEN) return;
    if (ws.bufferedAmount > PREVIEW_BACKPRESSURE_BYTES) {
      this.droppedPreviews++; // a slow client misses previews, never events
      return;
    }
    ws.send(frame, { binary: true });
    this.sentBinary++;
  }

  /** A connection message or a snapshot (job events come encoded, through `sendJob` and `replay`). */
  send(conn: Connection, message: ConnectionMessage | ServerEvent): void {
    this.sendText(conn, JSON.stringify(message));
  }
}
