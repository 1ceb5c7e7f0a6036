/**
 * The state behind the ComfyUI-compatible API: which jobs came in as ComfyUI prompts (the prompt id is
 * the job id), their history entries, and the `/ws` sockets by client id. It watches every job message
 * on the hub and speaks ComfyUI's messages to the submitting client.
 */
import path from 'node:path';
import type { ApiPrompt } from '@reelgraph/comfy';
import { decodePreviewFrame, type Output, type ServerEvent } from '@reelgraph/protocol';
import type { WebSocket } from 'ws';
import type { JobQueue } from '../queue/job-queue';
import { mayAccess, type User } from '../security/users';
import type { Store } from '../store/store';
import type { HubObserver } from '../ws/hub';

/** ComfyUI's binary event type for a preview image with a JSON header (BinaryEventTypes.PREVIEW_IMAGE_WITH_METADATA). */
export const PREVIEW_IMAGE_WITH_METADATA = 4;

export interface ComfyFile {
  filename: string;
  subfolder: string;
  type: 'output';
}
type NodeOutput = { images?: ComfyFile[]; gifs?: ComfyFile[]; animated?: boolean[] };

interface PromptRecord {
  number: number;
  promptId: string;
  clientId: string | undefined;
  /** With `serve --users`: who sent it (only they and admins see it). */
  owner: string | null;
  prompt: ApiPrompt;
  extraData: unknown;
  outputs: Record<string, NodeOutput>;
  messages: [string, Record<string, unknown>][];
  status?: 'success' | 'error';
  executing?: string;
  failed?: { nodeId: string; nodeType: string; message: string; name: string };
}

export class ComfyBridge implements HubObserver {
  readonly #prompts = new Map<string, PromptRecord>();
  /** `/ws` sockets by client id, with the user who opened each (under `--users`). */
  readonly #sockets = new Map<string, Map<WebSocket, User | undefined>>();
  #number = 0;

  constructor(private readonly deps: { scheduler: JobQueue; store: Store; maxHistory: number }) {
    // History survives a restart: the prompts are in the store, and replaying each job's stored events
    // rebuilds its outputs, status and messages exactly as they were sent.
    for (const p of deps.store.comfyPrompts()) {
      const job = deps.store.getJob(p.jobId);
      if (!job) continue;
      this.#add(p.jobId, p.prompt as ApiPrompt, p.extraData, p.clientId, job.owner);
      for (const e of deps.store.eventTextsAfter(p.jobId, 0)) this.event(p.jobId, e.text);
    }
  }

  /** A prompt was queued as job `jobId`: its number in ComfyUI's sense. */
  register(
    jobId: string,
    prompt: ApiPrompt,
    extraData: unknown,
    clientId: string | undefined,
    owner: string | null,
  ): number {
    this.deps.store.addComfyPrompt({ jobId, prompt, extraData, clientId });
    const number = this.#add(jobId, prompt, extraData, clientId, owner);
    this.broadcastStatus();
    return number;
  }

  #add(
    jobId: string,
    prompt: ApiPrompt,
    extraData: unknown,
    clientId: string | undefined,
    owner: string | null,
  ): number {
    const number = this.#number++;
    this.#prompts.set(jobId, {
      number,
      promptId: jobId,
      clientId,
      owner,
      prompt,
      extraData,
      outputs: {},
      messages: [],
    });
    while (this.#prompts.size > this.deps.maxHistory) {
      const oldest = this.#prompts.keys().next().value as string;
      this.#prompts.delete(oldest);
    }
    return number;
  }

  addSocket(clientId: string, ws: WebSocket, user: User | undefined): void {
    const set = this.#sockets.get(clientId) ?? new Map();
    this.#sockets.set(clientId, set);
    set.set(ws, user);
    this.#send(ws, 'status', { status: this.status(), sid: clientId });
  }

  removeSocket(clientId: string, ws: WebSocket): void {
    const set = this.#sockets.get(clientId);
    set?.delete(ws);
    if (set?.size === 0) this.#sockets.delete(clientId);
  }

  status(): { exec_info: { queue_remaining: number } } {
    const q = this.deps.scheduler.status();
    return { exec_info: { queue_remaining: q.queued + (q.running ? 1 : 0) } };
  }

  broadcastStatus(): void {
    const status = this.status();
    for (const set of this.#sockets.values())
      for (const ws of set.keys()) this.#send(ws, 'status', { status });
  }

  /** The ComfyUI node a Reelgraph node came from: its own id, or the id its importer suffixed (`3.noise`). */
  #comfyNode(rec: PromptRecord, nodeId: string): string {
    for (let id = nodeId; ; ) {
      if (Object.hasOwn(rec.prompt, id)) return id;
      const dot = id.lastIndexOf('.');
      if (dot <= 0) return nodeId;
      id = id.slice(0, dot);
    }
  }

  #send(ws: WebSocket, type: string, data: Record<string, unknown>): void {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ type, data }));
  }

  /** The client's sockets that may see this prompt (another user reusing the client id gets nothing). */
  #clientSockets(rec: PromptRecord): WebSocket[] {
    const set = rec.clientId ? this.#sockets.get(rec.clientId) : undefined;
    return [...(set ?? [])].filter(([, user]) => mayAccess(user, rec)).map(([ws]) => ws);
  }

  #toClient(rec: PromptRecord, type: string, data: Record<string, unknown>): void {
    rec.messages.push([type, data]);
    for (const ws of this.#clientSockets(rec)) this.#send(ws, type, data);
  }

  #executing(rec: PromptRecord, node: string | null): void {
    if (node !== null && rec.executing === node) return;
    rec.executing = node ?? undefined;
    const data = { node, display_node: node, prompt_id: rec.promptId };
    for (const ws of this.#clientSockets(rec)) this.#send(ws, 'executing', data);
  }

  #files(outputs: Output[]): NodeOutput | undefined {
    const files: ComfyFile[] = [];
    let animated = false;
    for (const o of outputs) {
      if (o.kind !== 'file') continue;
      const rec = this.deps.store.fileOutput(o.id);
      if (!rec) continue;
      const dir = path.posix.dirname(rec.relPath.split(path.sep).join('/'));
      files.push({
        filename: path.posix.basename(rec.relPath),
        subfolder: dir === '.' ? '' : dir,
        type: 'output',
      });
      animated ||= o.mime.startsWith('video/') || o.mime === 'image/webp' || o.mime === 'image/gif';
    }
    if (!files.length) return undefined;
    // Core SaveVideo reports files as `images` + `animated`; VideoHelperSuite as `gifs`: both are given.
    return animated ? { images: files, animated: files.map(() => true), gifs: files } : { images: files };
  }

  event(jobId: string, text: string): void {
    const rec = this.#prompts.get(jobId);
    // Not a prompt and no ComfyUI socket to tell the queue's status: nothing to do, not even parse.
    if (!rec && this.#sockets.size === 0) return;
    const e = JSON.parse(text) as ServerEvent;
    if (e.type === 'job:queued' || e.type === 'job:finished' || e.type === 'job:cancelled')
      this.broadcastStatus();
    if (!rec) return;
    const prompt_id = rec.promptId;
    switch (e.type) {
      case 'job:state':
        // Back in the queue after a crash or a clean stop: the retry starts its entry afresh, so that
        // /history shows one attempt (the last), not the dead one's messages followed by the retry's.
        if (e.state === 'queued') this.#restart(rec);
        return;
      case 'job:started':
        this.#toClient(rec, 'execution_start', { prompt_id, timestamp: e.at });
        this.#toClient(rec, 'execution_cached', { nodes: [], prompt_id, timestamp: e.at });
        return;
      case 'node:started':
        this.#executing(rec, this.#comfyNode(rec, e.nodeId));
        return;
      case 'node:progress': {
        const node = this.#comfyNode(rec, e.nodeId);
        this.#toClient(rec, 'progress', { value: e.step, max: e.total, prompt_id, node });
        return;
      }
      case 'node:cached':
      case 'node:done': {
        const node = this.#comfyNode(rec, e.nodeId);
        if (e.type === 'node:cached')
          this.#toClient(rec, 'execution_cached', { nodes: [node], prompt_id, timestamp: e.at });
        const output = this.#files(e.artifacts);
        if (!output) return;
        rec.outputs[node] = output;
        this.#toClient(rec, 'executed', { node, display_node: node, output, prompt_id });
        return;
      }
      case 'node:failed':
        rec.failed = { nodeId: this.#comfyNode(rec, e.nodeId), nodeType: e.nodeType, ...e.error };
        return;
      case 'job:finished':
        rec.status = e.status === 'success' ? 'success' : 'error';
        if (e.status === 'success') this.#toClient(rec, 'execution_success', { prompt_id, timestamp: e.at });
        else {
          const f = rec.failed;
          const node = f?.nodeId ?? null;
          this.#toClient(rec, 'execution_error', {
            prompt_id,
            node_id: node,
            node_type: node ? (rec.prompt[node]?.class_type ?? f?.nodeType) : null,
            executed: Object.keys(rec.outputs),
            exception_message:
              f?.message ?? this.deps.store.getJob(jobId)?.error?.message ?? 'the job failed',
            exception_type: f?.name ?? 'Error',
            traceback: [],
            current_inputs: {},
            current_outputs: {},
            timestamp: e.at,
          });
        }
        this.#executing(rec, null);
        return;
      case 'job:cancelled':
        rec.status = 'error';
        this.#toClient(rec, 'execution_interrupted', {
          prompt_id,
          node_id: rec.executing ?? null,
          node_type: rec.executing ? rec.prompt[rec.executing]?.class_type : null,
          executed: Object.keys(rec.outputs),
          timestamp: e.at,
        });
        this.#executing(rec, null);
        return;
      default:
        return;
    }
  }

  #restart(rec: PromptRecord): void {
    rec.outputs = {};
    rec.messages = [];
    rec.status = undefined;
    rec.executing = undefined;
    rec.failed = undefined;
  }

  /** Sampler previews as ComfyUI's binary preview-with-metadata frame (the image is an animated WebP). */
  preview(jobId: string, frame: Uint8Array): void {
    const rec = this.#prompts.get(jobId);
    const sockets = rec ? this.#clientSockets(rec) : [];
    if (!rec || !sockets.length) return;
    const p = decodePreviewFrame(frame);
    if (!p) return;
    const node = this.#comfyNode(rec, p.nodeId);
    const meta = Buffer.from(
      JSON.stringify({ node_id: node, display_node_id: node, prompt_id: rec.promptId, image_type: p.mime }),
    );
    const head = Buffer.alloc(8);
    head.writeUInt32BE(PREVIEW_IMAGE_WITH_METADATA, 0);
    head.writeUInt32BE(meta.length, 4);
    const out = Buffer.concat([head, meta, p.data]);
    for (const ws of sockets)
      if (ws.readyState === ws.OPEN && ws.bufferedAmount < 4 * 1024 * 1024) ws.send(out);
  }

  #entry(rec: PromptRecord): Record<string, unknown> {
    return {
      prompt: [rec.number, rec.promptId, rec.prompt, rec.extraData ?? {}, Object.keys(rec.outputs)],
      outputs: rec.outputs,
      status: { status_str: rec.status, completed: rec.status === 'success', messages: rec.messages },
      meta: Object.fromEntries(
        Object.keys(rec.outputs).map((n) => [
          n,
          { node_id: n, display_node: n, parent_node: null, real_node_id: n },
        ]),
      ),
    };
  }

  /** `GET /history[/{id}]`: finished prompts only, as ComfyUI keeps them. */
  history(user: User | undefined, id?: string, maxItems = Number.POSITIVE_INFINITY): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const recs =
      id === undefined ? [...this.#prompts.values()].reverse() : [this.#prompts.get(id)].filter((r) => r);
    for (const rec of recs as PromptRecord[]) {
      if (!mayAccess(user, rec)) continue;
      if (Object.keys(out).length >= maxItems) break;
      if (rec.status) out[rec.promptId] = this.#entry(rec);
    }
    return out;
  }

  /** `GET /queue`: running and queued ComfyUI prompts. */
  queue(user: User | undefined): { queue_running: unknown[]; queue_pending: unknown[] } {
    const running: unknown[] = [];
    const pending: unknown[] = [];
    for (const rec of this.#prompts.values()) {
      if (!mayAccess(user, rec)) continue;
      const state = this.deps.store.getJob(rec.promptId)?.state;
      const item = [rec.number, rec.promptId, rec.prompt, rec.extraData ?? {}, []];
      if (state === 'running') running.push(item);
      else if (state === 'queued') pending.push(item);
    }
    return { queue_running: running, queue_pending: pending };
  }

  /** Ids of this API's prompts that have not finished. */
  active(user: User | undefined): string[] {
    return [...this.#prompts.values()]
      .filter((rec) => {
        const state = this.deps.store.getJob(rec.promptId)?.state;
        return mayAccess(user, rec) && (state === 'queued' || state === 'running');
      })
      .map((rec) => rec.promptId);
  }

  clearHistory(user: User | undefined, ids?: string[]): void {
    for (const [id, rec] of this.#prompts)
      if (rec.status && mayAccess(user, rec) && (!ids || ids.includes(id))) {
        this.#prompts.delete(id);
        this.deps.store.deleteComfyPrompt(id);
      }
  }

  /** Under `--users`: whether an output file belongs to a prompt this user may see. */
  mayView(user: User, subfolder: string, filename: string): boolean {
    for (const rec of this.#prompts.values()) {
      if (!mayAccess(user, rec)) continue;
      for (const out of Object.values(rec.outputs))
        if (out.images?.some((f) => f.filename === filename && f.subfolder === subfolder)) return true;
    }
    return false;
  }
}
