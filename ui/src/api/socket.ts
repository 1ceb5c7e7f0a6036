import {
  type ConnectionMessage,
  decodePreviewFrame,
  type PreviewFrame,
  type ServerEvent,
  TERMINAL_STATES,
} from '@reelgraph/protocol';

export interface SocketHandlers {
  onEvent(e: ServerEvent): void;
  onPreview(p: PreviewFrame): void;
  onStatus?(connected: boolean): void;
  /** The server reloaded its node packs (development hot reload): refetch the catalog. */
  onCatalogChanged?(): void;
}

/** The WebSocket half of the protocol, reconnecting with the same client id (the server re-sends snapshots). */
export class EventSocket {
  #ws: WebSocket | undefined;
  #closed = false;
  #retry = 500;
  readonly #lastSeq = new Map<string, number>();
  readonly #wanted = new Set<string>();

  constructor(
    readonly clientId: string,
    readonly handlers: SocketHandlers,
    readonly base = location.origin.replace(/^http/, 'ws'),
  ) {
    this.#open();
  }

  /**
   * Follow these jobs, replaying every event after the last one seen (all of them for a new job), now or
   * as soon as the socket is open, and again after each reconnect until the job ends. A job that finished
   * before the socket connected still reaches the page this way.
   */
  subscribe(jobIds: string[]): void {
    for (const id of jobIds) this.#wanted.add(id);
    this.#sendSubscribe(jobIds);
  }

  #sendSubscribe(jobIds: string[]): void {
    if (!jobIds.length) return;
    const afterSeq = Object.fromEntries(jobIds.map((id) => [id, this.#lastSeq.get(id) ?? 0]));
    this.#send({ type: 'subscribe', jobIds, afterSeq });
  }

  close(): void {
    this.#closed = true;
    this.#ws?.close();
  }

  #send(msg: unknown): void {
    if (this.#ws?.readyState === WebSocket.OPEN) this.#ws.send(JSON.stringify(msg));
  }

  #open(): void {
    const ws = new WebSocket(`${this.base}/api/ws?clientId=${encodeURIComponent(this.clientId)}`);
    ws.binaryType = 'arraybuffer';
    this.#ws = ws;
    ws.onopen = () => {
      this.#retry = 500;
      this.handlers.onStatus?.(true);
      this.#sendSubscribe([...this.#wanted]);
    };
    ws.onmessage = (m) => {
      if (m.data instanceof ArrayBuffer) {
        const p = decodePreviewFrame(m.data);
        if (p) this.handlers.onPreview(p);
        return;
      }
      let msg: ServerEvent | ConnectionMessage;
      try {
        msg = JSON.parse(String(m.data));
      } catch {
        return;
      }
      if (msg.type === 'catalog:changed') {
        this.handlers.onCatalogChanged?.();
        return;
      }
      if ('jobId' in msg && typeof msg.seq === 'number') {
        // The server sends each event once per socket. A snapshot carries the job's latest seq but is not
        // itself an event of the sequence.
        if (msg.type !== 'job:snapshot')
          this.#lastSeq.set(msg.jobId, Math.max(this.#lastSeq.get(msg.jobId) ?? 0, msg.seq));
        if (msg.type === 'job:state' && TERMINAL_STATES.includes(msg.state)) {
          this.#wanted.delete(msg.jobId);
          this.#lastSeq.delete(msg.jobId);
        }
        this.handlers.onEvent(msg);
      }
    };
    ws.onclose = () => {
      this.handlers.onStatus?.(false);
      if (this.#closed) return;
      setTimeout(() => this.#open(), this.#retry);
      this.#retry = Math.min(this.#retry * 2, 10_000);
    };
  }
}
