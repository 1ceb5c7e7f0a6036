import { type EngineEvent, Executor, GraphValidationError } from '@reelgraph/executor';
import type { GraphDocument } from '@reelgraph/graph';
import { type PackCatalog, PackRegistry, packCatalog } from '@reelgraph/packs';
import type { NodeServices } from '@reelgraph/sdk';
import { ContentCredentials } from '../c2pa/credentials';
import { loadSigningKey } from '../c2pa/keys';
import { precompileC2pa } from '../c2pa/wasm';
import { withCredentials } from '../c2pa/wrap-nodes';
import { filesMissing } from '../files/missing';
import type { TextInput } from '../policy/check-graph';
import { classifyTexts, resolveClassifiers, withFrameClassifiers } from '../policy/classifiers';
import type { PolicyClassifier } from '../policy/rules';
import type { HostConfig, RunOutcome } from './node-host';

/**
 * Loads the packs and runs graphs with the executor. Shared by the inline host (server process) and
 * the child process host, so both behave the same.
 */
export class HostCore {
  #reloading: Promise<PackCatalog> | undefined;

  private constructor(
    readonly registry: PackRegistry,
    public catalog: PackCatalog,
    public executor: Executor,
    readonly services: Partial<NodeServices>,
    readonly system: Record<string, unknown>,
    readonly classifiers: PolicyClassifier[],
    readonly credentials?: ContentCredentials,
  ) {}

  /** `models: false`: no model runtime (onnxruntime is never imported), for a host of engine-only nodes. */
  static async create(config: HostConfig, { models = true } = {}): Promise<HostCore> {
    const registry = await PackRegistry.load({ dirs: config.nodesDirs });
    const services: Partial<NodeServices> & Record<string, unknown> = {
      outputDir: config.outputsDir,
      uploadDir: config.uploadsDir,
      ...(config.mark ? { mark: config.mark } : {}),
    };
    const runtime = models ? await loadRuntime() : undefined;
    const system: Record<string, unknown> = { executionProviders: ['cpu'], onnxruntime: null, models: [] };
    if (runtime?.ModelRuntime) {
      const models = new runtime.ModelRuntime({ dirs: config.modelsDirs });
      (services as Record<string, unknown>).models = models;
      if (config.warmModels) void models.warm();
      try {
        system.executionProviders = runtime.availableProviders?.() ?? ['cpu'];
        system.onnxruntime = runtime.onnxruntime?.().env?.versions?.common ?? null;
        system.models = models.list().map((m) => ({ id: m.id, ok: !m.error }));
      } catch {
        // system info is best effort
      }
    }
    // After the services: model lists and defaults in the catalog come from this host's models.
    const catalog = catalogOf(registry, services);
    const credentials = config.credentials
      ? new ContentCredentials(loadSigningKey(config.credentials))
      : undefined;
    if (credentials) {
      // a failure shows at the first signing
      const compiled = precompileC2pa().catch(() => {});
      if (config.warmModels) void compiled.then(() => credentials.warm());
    }
    const classifiers = config.classifiers ?? [];
    resolveClassifiers(registry.nodes, classifiers); // a policy naming a missing classifier stops the start
    const executor = executorFor(registry, catalog, services, classifiers, credentials);
    return new HostCore(registry, catalog, executor, services, system, classifiers, credentials);
  }

  /**
   * Load every pack again from source (hot reload) and swap in a new executor over the new node set.
   * Jobs already running keep the executor, and so the code, they started with. Concurrent calls share
   * one reload.
   */
  reload(): Promise<PackCatalog> {
    this.#reloading ??= (async () => {
      try {
        await this.registry.reload();
        const { registry, services } = this;
        this.catalog = catalogOf(registry, services);
        this.executor = executorFor(registry, this.catalog, services, this.classifiers, this.credentials);
        return this.catalog;
      } finally {
        this.#reloading = undefined;
      }
    })();
    return this.#reloading;
  }

  async run(
    jobId: string,
    graph: GraphDocument,
    targets: string[] | undefined,
    signal: AbortSignal,
    onEvent: (e: EngineEvent) => void,
  ): Promise<RunOutcome> {
    try {
      const result = await this.executor.run(graph, {
        jobId,
        signal,
        onEvent,
        ...(targets ? { targets } : {}),
        services: { graph } as Partial<NodeServices>,
      });
      return { kind: 'result', status: result.status, durationMs: result.durationMs, errors: result.errors };
    } catch (err) {
      if (err instanceof GraphValidationError) return { kind: 'invalid', errors: err.errors };
      return { kind: 'crashed', message: err instanceof Error ? err.message : String(err) };
    }
  }

  classifyTexts(texts: TextInput[]) {
    return classifyTexts(this.registry.nodes, this.classifiers, texts, this.services);
  }

  async close(): Promise<void> {
    const models = (this.services as { models?: { dispose?: () => Promise<void> } }).models;
    await models?.dispose?.().catch(() => {});
  }
}

function catalogOf(registry: PackRegistry, services: Partial<NodeServices>): PackCatalog {
  return packCatalog(
    { nodes: new Map(registry.nodes), packs: [...registry.packs], sockets: registry.sockets },
    services,
  );
}

function executorFor(
  registry: PackRegistry,
  catalog: PackCatalog,
  services: Partial<NodeServices>,
  classifiers: PolicyClassifier[],
  credentials: ContentCredentials | undefined,
): Executor {
  // A snapshot: a reload replaces the registry's map, never this one. Classified, then signed.
  const guarded = withFrameClassifiers(registry.nodes, classifiers);
  return new Executor({
    nodes: credentials ? withCredentials(guarded, credentials) : guarded,
    catalog: { types: catalog.types, nodes: catalog.nodes },
    sockets: registry.sockets,
    services,
    logger: quietLogger,
    isStale: filesMissing,
  });
}

interface RuntimeModule {
  ModelRuntime?: new (o: {
    dirs: string[];
  }) => { list(): { id: string; error?: unknown }[]; warm(): Promise<void>; dispose(): Promise<void> };
  availableProviders?: () => string[];
  onnxruntime?: () => { env?: { versions?: { common?: string } } };
}

/** `@reelgraph/runtime` when present: the server also runs engine-only graphs without it. */
async function loadRuntime(): Promise<RuntimeModule | undefined> {
  try {
    return (await import('@reelgraph/runtime')) as RuntimeModule;
  } catch {
    return undefined;
  }
}

const quietLogger = {
  debug() {},
  info() {},
  warn(message: string, data?: unknown) {
    console.warn(`[node] ${message}`, data ?? '');
  },
  error(message: string, data?: unknown) {
    console.error(`[node] ${message}`, data ?? '');
  },
};
