/** The model runtime nodes see as `ctx.services.models`. */
import { type DiscoveredModel, defaultModelDirs, discoverModels } from './discovery';
import { ModelError } from './errors';
import { FILE_KEYS } from './manifest';
import { VideoModel } from './model';
import { type SessionOptions, SessionPool } from './sessions';

export interface ModelRuntimeOptions {
  /** Folders searched for models; defaults to the repository's `models/` and `REELGRAPH_MODEL_DIRS`. */
  dirs?: string[];
  session?: SessionOptions;
  pool?: SessionPool;
}

export class ModelRuntime {
  readonly pool: SessionPool;
  readonly dirs: string[];
  readonly sessionOptions: SessionOptions;
  readonly #models = new Map<string, VideoModel>();

  constructor(opts: ModelRuntimeOptions = {}) {
    this.dirs = opts.dirs ?? defaultModelDirs();
    this.pool = opts.pool ?? new SessionPool();
    this.sessionOptions = opts.session ?? {};
  }

  /** Scans the folders now (cheap: reads manifests and file sizes). */
  list(): DiscoveredModel[] {
    return discoverModels(this.dirs);
  }

  /** A model by id; the same instance (and sessions) for every caller with the same options. */
  load(id: string, session: SessionOptions = {}): VideoModel {
    const options = { ...this.sessionOptions, ...session };
    const key = `${id}\0${JSON.stringify(options)}`;
    const cached = this.#models.get(key);
    if (cached) return cached;
    const found = this.list().find((m) => m.id === id);
    if (!found) {
      const ids = this.list().map((m) => m.id);
      throw new ModelError(
        'MODEL_NOT_FOUND',
        `Model "${id}" was not found in ${this.dirs.join(', ')}${ids.length ? ` (available: ${ids.join(', ')})` : ''}`,
        { model: id },
      );
    }
    if (found.error || !found.manifest)
      throw found.error ?? new ModelError('MANIFEST_INVALID', `${id}: unusable`);
    const model = new VideoModel(id, found.dir, found.manifest, this.pool, options);
    this.#models.set(key, model);
    return model;
  }

  /**
   * Loads the sessions of every usable model with the default options (what "Load video model" asks for
   * unless told otherwise), so the first job does not wait for them. Best effort, never rejects: a model
   * that fails here fails again, with its message, in the job that loads it.
   */
  async warm(): Promise<void> {
    const usable = this.list().filter((m) => !m.error && m.manifest);
    await Promise.all(
      usable.map(async (m) => {
        const model = this.load(m.id);
        await Promise.all(FILE_KEYS.map((key) => model.session(key)));
      }),
    ).catch(() => {});
  }

  async dispose(): Promise<void> {
    this.#models.clear();
    await this.pool.dispose();
  }
}

let shared: ModelRuntime | undefined;
/** The process-wide runtime, used when the host passes none in `ctx.services.models`. */
export function sharedRuntime(): ModelRuntime {
  shared ??= new ModelRuntime();
  return shared;
}
