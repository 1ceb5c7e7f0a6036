import { decodePreviewFrame } from './preview';
import type { ConnectionMessage, PreviewFrame, ServerEvent } from './types';

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

  constructor(
    readonly clientId: string,
    readonly handlers: SocketHandlers,
    readonly base = location.origin.replace(/^http/, 'ws'),
  ) {
    this.#open();
  }

  subscribe(jobIds: string[]): void {
    const afterSeq = Object.fromEntries(
      jobIds.flatMap((id) => (this.#lastSeq.has(id) ? [[id, this.#lastSeq.get(id)!]] : [])),
    );
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
        const last = this.#lastSeq.get(msg.jobId) ?? 0;
        if (msg.type !== 'job:snapshot' && msg.seq <= last) return; // replayed twice
        this.#lastSeq.set(msg.jobId, Math.max(last, msg.seq));
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
