import type { WebSocket } from 'ws';

/** Past this much unsent data a socket gets no previews; past the hard limit it is closed. */
const PREVIEW_BACKPRESSURE_BYTES = 4 * 1024 * 1024;
const HARD_BACKPRESSURE_BYTES = 64 * 1024 * 1024;
export const MAX_SUBSCRIPTIONS = 256;

/** Sees every job message, subscribers or not (the ComfyUI-compatible API translates them). */
export interface HubObserver {
  event(jobId: string, message: object): void;
  preview?(jobId: string, frame: Uint8Array): void;
}

export interface Connection {
  socket: WebSocket;
  clientId: string;
  jobs: Set<string>;
  badMessages: number;
}

/**
 * Who hears about which job. Messages for a job go only to sockets subscribed to it — explicitly, or
 * because their client id submitted it. Each message is serialised once for all its recipients.
 */
export class Hub {
  readonly #byJob = new Map<string, Set<Connection>>();
  readonly #byClient = new Map<string, Set<Connection>>();
  readonly connections = new Set<Connection>();
  readonly observers = new Set<HubObserver>();
  /** Counters for tests and the load benchmark. */
  sentJson = 0;
  sentBinary = 0;
  droppedPreviews = 0;

  add(conn: Connection): void {
    this.connections.add(conn);
    let set = this.#byClient.get(conn.clientId);
    if (!set) {
      set = new Set();
      this.#byClient.set(conn.clientId, set);
    }
    set.add(conn);
  }

  remove(conn: Connection): void {
    this.connections.delete(conn);
    const set = this.#byClient.get(conn.clientId);
    set?.delete(conn);
    if (set && set.size === 0) this.#byClient.delete(conn.clientId);
    for (const jobId of conn.jobs) this.#unlink(jobId, conn);
    conn.jobs.clear();
  }

  /** False when the socket already has the maximum number of subscriptions. */
  subscribe(conn: Connection, jobId: string): boolean {
    if (conn.jobs.has(jobId)) return true;
    if (conn.jobs.size >= MAX_SUBSCRIPTIONS) return false;
    conn.jobs.add(jobId);
    let set = this.#byJob.get(jobId);
    if (!set) {
      set = new Set();
      this.#byJob.set(jobId, set);
    }
    set.add(conn);
    return true;
  }

  unsubscribe(conn: Connection, jobId: string): void {
    conn.jobs.delete(jobId);
    this.#unlink(jobId, conn);
  }

  /** Subscribe every socket of `clientId` (a job it just submitted). */
  subscribeClient(clientId: string, jobId: string): void {
    for (const conn of this.#byClient.get(clientId) ?? []) this.subscribe(conn, jobId);
  }

  /** Forget a finished job's subscriptions (after its last event went out). */
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

  sendJob(jobId: string, message: object): void {
    for (const o of this.observers) o.event(jobId, message);
    const set = this.#byJob.get(jobId);
    if (!set || set.size === 0) return;
    const text = JSON.stringify(message);
    for (const conn of set) this.sendText(conn, text);
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
    ws.send(text);
    this.sentJson++;
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

  send(conn: Connection, message: object): void {
    this.sendText(conn, JSON.stringify(message));
  }
}
