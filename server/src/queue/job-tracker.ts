import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { EngineEvent } from '@reelgraph/executor';
import {
  applyNodeEvent,
  type EngineArtifact,
  encodePreviewFrame,
  type JobEngineEvent,
  type JsonValue,
  type NodeStatus,
  type Output,
  type ServerEvent,
  serverEventOf,
  type WithoutSeq,
} from '@reelgraph/protocol';
import type { Preview } from '@reelgraph/sdk';
import { realFileInside } from '../files/safe-path';
import type { Store } from '../store/store';
import type { Hub } from '../ws/hub';

export interface TrackerOptions {
  outputsDir: string;
  previewIntervalMs: number;
  progressIntervalMs: number;
  log?: (message: string) => void;
  /**
   * The id of a published file output; default random. Fronts that replay one job log (scale-out) give
   * each file the same id from what they all know, so its URL is the same on every front.
   */
  outputId?: (nodeId: string, relPath: string, seq: number) => string;
  /** The job's last stored seq when the caller knows it (0: a job just inserted); else read from the store. */
  seq?: number;
}

interface Throttle<T> {
  last: number;
  pending: T | undefined;
  timer: NodeJS.Timeout | undefined;
}

type ProgressEvent = Extract<EngineEvent, { type: 'node:progress' }>;
type PreviewEvent = Extract<EngineEvent, { type: 'node:preview' }>;

/**
 * The live side of one job: numbers its events, stores them, keeps per-node status, turns artifacts into
 * published outputs, and throttles progress and previews by time before they reach the subscribers.
 */
export class JobTracker {
  seq: number;
  readonly nodes: Record<string, NodeStatus> = {};
  readonly outputs: Output[] = [];
  /** Latest encoded preview frame per node, for clients that subscribe mid-run. */
  readonly latestPreview = new Map<string, Uint8Array>();
  readonly #progress = new Map<string, Throttle<ProgressEvent>>();
  readonly #previews = new Map<string, Throttle<PreviewEvent>>();
  #closed = false;

  constructor(
    readonly jobId: string,
    private readonly store: Store,
    private readonly hub: Hub,
    private readonly opts: TrackerOptions,
  ) {
    this.seq = opts.seq ?? store.maxSeq(jobId);
  }

  /** Number, store and send a server event, encoded once for both. */
  emit(event: WithoutSeq<ServerEvent>): ServerEvent {
    const full = { ...event, seq: ++this.seq } as ServerEvent;
    const text = JSON.stringify(full);
    this.store.appendEvent(this.jobId, full.seq, full.type, text);
    this.hub.sendJob(this.jobId, text);
    return full;
  }

  /** Feed one executor event. */
  onEngineEvent(e: EngineEvent): void {
    if (this.#closed) return;
    switch (e.type) {
      case 'node:progress': {
        // The status follows every step, also those the throttle holds back.
        applyNodeEvent(this.nodes, e);
        this.#throttle(this.#progress, e.nodeId, e, this.opts.progressIntervalMs, e.step >= e.total, (p) =>
          this.#emitEngine(p),
        );
        return;
      }
      case 'node:preview':
        this.#throttle(this.#previews, e.nodeId, e, this.opts.previewIntervalMs, false, (p) =>
          this.#sendPreview(p),
        );
        return;
      case 'node:done':
      case 'node:cached':
      case 'node:failed':
        this.#flushNode(e.nodeId);
        break;
      case 'job:finished':
      case 'job:cancelled':
        this.flushAll();
        break;
    }
    this.#emitEngine(e);
  }

  #emitEngine(e: JobEngineEvent): void {
    const event = serverEventOf(e, (nodeId, a) => this.#publish(nodeId, a));
    applyNodeEvent(this.nodes, event);
    this.emit(event);
  }

  /** Leading edge sends at once; inside the interval the newest value waits for the trailing edge. */
  #throttle<T>(
    map: Map<string, Throttle<T>>,
    nodeId: string,
    value: T,
    interval: number,
    force: boolean,
    send: (v: T) => void,
  ): void {
    let t = map.get(nodeId);
    if (!t) {
      t = { last: Number.NEGATIVE_INFINITY, pending: undefined, timer: undefined };
      map.set(nodeId, t);
    }
    const now = performance.now();
    if (force || now - t.last >= interval) {
      if (t.timer) clearTimeout(t.timer);
      t.timer = undefined;
      t.pending = undefined;
      t.last = now;
      send(value);
      return;
    }
    t.pending = value;
    if (!t.timer) {
      const th = t;
      th.timer = setTimeout(
        () => {
          th.timer = undefined;
          const v = th.pending;
          th.pending = undefined;
          if (v !== undefined && !this.#closed) {
            th.last = performance.now();
            send(v);
          }
        },
        interval - (now - t.last),
      );
    }
  }

  #flushOne<T>(map: Map<string, Throttle<T>>, nodeId: string, send: (v: T) => void): void {
    const t = map.get(nodeId);
    if (!t) return;
    if (t.timer) clearTimeout(t.timer);
    t.timer = undefined;
    const v = t.pending;
    t.pending = undefined;
    if (v !== undefined) send(v);
  }

  #flushNode(nodeId: string): void {
    this.#flushOne(this.#progress, nodeId, (p) => this.#emitEngine(p));
    this.#flushOne(this.#previews, nodeId, (p) => this.#sendPreview(p));
  }

  flushAll(): void {
    for (const id of this.#progress.keys()) this.#flushOne(this.#progress, id, (p) => this.#emitEngine(p));
    for (const id of this.#previews.keys()) this.#flushOne(this.#previews, id, (p) => this.#sendPreview(p));
  }

  #sendPreview(e: PreviewEvent): void {
    const p: Preview = e.preview;
    const st = this.nodes[e.nodeId];
    let frame: Uint8Array;
    try {
      frame = encodePreviewFrame({
        jobId: this.jobId,
        nodeId: e.nodeId,
        mime: p.mime,
        width: p.width,
        height: p.height,
        frames: p.frames,
        ...(p.step !== undefined ? { step: p.step } : st?.step !== undefined ? { step: st.step } : {}),
        ...(st?.total !== undefined ? { total: st.total } : {}),
        data: p.data instanceof Uint8Array ? p.data : new Uint8Array(p.data as ArrayLike<number>),
      });
    } catch (err) {
      this.opts.log?.(`dropped a preview from node ${e.nodeId}: ${(err as Error).message}`);
      return;
    }
    this.latestPreview.set(e.nodeId, frame);
    this.hub.sendJobBinary(this.jobId, frame);
  }

  /** Turn an artifact into a published output; files only when they really live in the outputs root. */
  #publish(nodeId: string, a: EngineArtifact): Output | undefined {
    if (a.kind === 'value') {
      const value = jsonSafe(a.value);
      this.store.addValueOutput(this.jobId, nodeId, value, a.label);
      const out: Output = { kind: 'value', nodeId, value, ...(a.label ? { label: a.label } : {}) };
      this.outputs.push(out);
      return out;
    }
    if (a.kind !== 'file' || typeof a.path !== 'string') return undefined;
    const found = realFileInside(this.opts.outputsDir, a.path);
    if (!found) {
      this.opts.log?.(`node ${nodeId} reported a file outside the outputs folder; not published: ${a.path}`);
      return undefined;
    }
    const relPath = path.relative(this.opts.outputsDir, found.path);
    const id = this.opts.outputId?.(nodeId, relPath, this.seq) ?? randomBytes(16).toString('base64url');
    const name = path.basename(a.name ?? found.path);
    const meta = a.meta ? (jsonSafe(a.meta) as Record<string, JsonValue>) : undefined;
    this.store.addFileOutput({
      id,
      jobId: this.jobId,
      nodeId,
      relPath,
      name,
      mime: a.mime,
      size: found.size,
      meta,
    });
    const out: Output = {
      kind: 'file',
      id,
      nodeId,
      name,
      mime: a.mime,
      size: found.size,
      url: `/api/outputs/${id}`,
      ...(meta ? { meta } : {}),
    };
    this.outputs.push(out);
    return out;
  }

  close(): void {
    this.#closed = true;
    for (const t of [...this.#progress.values(), ...this.#previews.values()])
      if (t.timer) clearTimeout(t.timer);
  }
}

/** Values cross the wire as JSON: anything else (bigint, cycles, huge blobs) is summarised. */
function jsonSafe(v: unknown): JsonValue {
  try {
    const text = JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x));
    if (text === undefined) return null;
    if (text.length > 256 * 1024) return `[value of ${text.length} bytes omitted]`;
    return JSON.parse(text) as JsonValue;
  } catch {
    return String(v);
  }
}
