/** onnxruntime-node sessions: created by file path, cached by path + options, shared by every node and job. */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type ort from 'onnxruntime-node';

export type ExecutionProvider = 'cpu' | 'cuda' | 'webgpu';
export type GraphOptimizationLevel = 'disabled' | 'basic' | 'extended' | 'all';

export interface SessionOptions {
  /** Intra-op threads; 0 lets onnxruntime decide. */
  intraOpThreads?: number;
  graphOptimization?: GraphOptimizationLevel;
  /** Tried in order; CPU is always appended as the fallback. Unavailable providers are skipped. */
  executionProviders?: ExecutionProvider[];
  /**
   * Let intra-op threads spin-wait between runs (onnxruntime's own default). Off by default here: on
   * shared cores the spinning threads starve everything else (previews, encoding, other processes)
   * and, measured on the 2-core box under load, made the DiT loop itself 3–7× slower.
   */
  spinning?: boolean;
}

export interface SessionStats {
  calls: number;
  /** Milliseconds spent inside `session.run` (including its host copies). */
  runMs: number;
  loads: number;
  loadMs: number;
}

const require = createRequire(import.meta.url);

let loadedOrt: typeof ort | undefined;
/**
 * onnxruntime-node, loaded on first use: loading it costs tens of milliseconds that `reelgraph validate`
 * and jobs without a model must not pay.
 */
export function onnxruntime(): typeof ort {
  loadedOrt ??= require('onnxruntime-node') as typeof ort;
  return loadedOrt;
}

/** Which providers this process can actually use: bundled ones, plus CUDA when its libraries are present. */
export function availableProviders(): ExecutionProvider[] {
  const out: ExecutionProvider[] = ['cpu'];
  const backends = onnxruntime().listSupportedBackends?.() ?? [];
  const bundled = (name: string) => backends.some((b) => b.name === name && b.bundled);
  if (bundled('webgpu')) out.push('webgpu');
  if (backends.some((b) => b.name === 'cuda')) {
    try {
      const bin = join(dirname(require.resolve('onnxruntime-node')), '..', 'bin', 'napi-v6', 'linux', 'x64');
      if (existsSync(join(bin, 'libonnxruntime_providers_cuda.so'))) out.push('cuda');
    } catch {
      // not resolvable: no CUDA
    }
  }
  return out;
}

export interface LoadedSession {
  readonly session: ort.InferenceSession;
  readonly path: string;
  /** Providers actually in use (the requested ones that loaded, else ['cpu']). */
  readonly providers: ExecutionProvider[];
}

export class SessionPool {
  readonly #sessions = new Map<string, Promise<LoadedSession>>();
  readonly stats: SessionStats = { calls: 0, runMs: 0, loads: 0, loadMs: 0 };
  /** Bumped by `dispose`: sessions handed out before are released. */
  #generation = 0;
  readonly #warn: (msg: string) => void;

  constructor(opts: { warn?: (msg: string) => void } = {}) {
    this.#warn = opts.warn ?? ((m) => process.emitWarning(m));
  }

  get generation(): number {
    return this.#generation;
  }

  /** One session per (absolute path, options); concurrent callers share the same load. */
  get(path: string, options: SessionOptions = {}): Promise<LoadedSession> {
    const key = `${path}\0${JSON.stringify(normalise(options))}`;
    let p = this.#sessions.get(key);
    if (!p) {
      p = this.#create(path, options);
      this.#sessions.set(key, p);
      p.catch(() => this.#sessions.delete(key));
    }
    return p;
  }

  async #create(path: string, options: SessionOptions): Promise<LoadedSession> {
    const t0 = performance.now();
    const requested = (options.executionProviders ?? ['cpu']).filter((p) => p !== 'cpu');
    const available = availableProviders();
    const usable = requested.filter((p) => available.includes(p));
    for (const p of requested)
      if (!usable.includes(p)) this.#warn(`Execution provider "${p}" is not available here; using CPU`);
    const base: ort.InferenceSession.SessionOptions = {
      graphOptimizationLevel: options.graphOptimization ?? 'all',
      ...(options.intraOpThreads ? { intraOpNumThreads: options.intraOpThreads } : {}),
      ...(options.spinning !== true ? { extra: { session: { intra_op: { allow_spinning: '0' } } } } : {}),
      logSeverityLevel: 3,
    };
    let session: ort.InferenceSession;
    let providers: ExecutionProvider[] = ['cpu'];
    if (usable.length) {
      try {
        session = await onnxruntime().InferenceSession.create(path, {
          ...base,
          executionProviders: [...usable, 'cpu'],
        });
        providers = [...usable, 'cpu'];
      } catch (err) {
        this.#warn(`Could not start ${usable.join(', ')} for ${path} (${(err as Error).message}); using CPU`);
        session = await onnxruntime().InferenceSession.create(path, { ...base, executionProviders: ['cpu'] });
      }
    } else {
      session = await onnxruntime().InferenceSession.create(path, { ...base, executionProviders: ['cpu'] });
    }
    this.stats.loads++;
    this.stats.loadMs += performance.now() - t0;
    return { session, path, providers };
  }

  /** Runs a session, accounting the time spent inside onnxruntime. */
  async run(
    s: LoadedSession,
    feeds: Record<string, ort.Tensor>,
  ): Promise<ort.InferenceSession.OnnxValueMapType> {
    const t0 = performance.now();
    try {
      return await s.session.run(feeds);
    } finally {
      this.stats.calls++;
      this.stats.runMs += performance.now() - t0;
    }
  }

  resetStats(): void {
    Object.assign(this.stats, { calls: 0, runMs: 0, loads: 0, loadMs: 0 });
  }

  /** Releases every session (tests, shutdown). */
  async dispose(): Promise<void> {
    const all = [...this.#sessions.values()];
    this.#sessions.clear();
    this.#generation++;
    for (const p of all) {
      try {
        await (await p).session.release();
      } catch {
        // already failed or released
      }
    }
  }
}

function normalise(o: SessionOptions) {
  return {
    t: o.intraOpThreads ?? 0,
    g: o.graphOptimization ?? 'all',
    s: o.spinning ?? false,
    ep: (o.executionProviders ?? ['cpu']).filter((p) => p !== 'cpu'),
  };
}
