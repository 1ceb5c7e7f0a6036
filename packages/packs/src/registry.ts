import type { SocketRegistry } from '@reelgraph/graph';
import type { CatalogResponse, PackInfo } from '@reelgraph/protocol';
import { type NodeServices, toCatalog } from '@reelgraph/sdk';
import {
  type LoadPacksOptions,
  type LoadPacksResult,
  loadPacks,
  type PackNode,
  type PackStatus,
} from './load';

/** A pack as the catalog shows it (no file system paths); declared by the protocol. */
export type { PackInfo };

/** `GET /api/catalog`: the node catalog plus every pack with its load status and errors. */
export type PackCatalog = CatalogResponse;

/** `services`: the host's, so that inputs that depend on them (model lists) show what the host has. */
export function packCatalog(result: LoadPacksResult, services?: Partial<NodeServices>): PackCatalog {
  return {
    ...toCatalog(result.nodes.values(), result.sockets, services),
    packs: result.packs.map(({ name, version, description, status, errors, nodes, package: npm }) => ({
      name,
      ...(version !== undefined ? { version } : {}),
      ...(description !== undefined ? { description } : {}),
      status,
      errors: [...errors],
      nodes: [...nodes],
      ...(npm ? { package: { ...npm } } : {}),
    })),
  };
}

/**
 * The loaded node set, usable directly as the executor's `nodes` (`get(type)`). `reload()` loads every
 * pack again from source and swaps the set in one step: lookups made before it (e.g. by a job that is
 * already running) keep the definitions they got.
 */
export class PackRegistry {
  #result: LoadPacksResult;
  readonly #options: LoadPacksOptions | undefined;

  constructor(result: LoadPacksResult, options?: LoadPacksOptions) {
    this.#result = result;
    this.#options = options;
  }

  static async load(options: LoadPacksOptions): Promise<PackRegistry> {
    return new PackRegistry(await loadPacks(options), options);
  }

  async reload(): Promise<void> {
    if (!this.#options)
      throw new Error('This registry was built from a result; create it with PackRegistry.load');
    this.#result = await loadPacks(this.#options);
  }

  get(type: string): PackNode | undefined {
    return this.#result.nodes.get(type);
  }

  has(type: string): boolean {
    return this.#result.nodes.has(type);
  }

  get nodes(): ReadonlyMap<string, PackNode> {
    return this.#result.nodes;
  }

  get packs(): readonly PackStatus[] {
    return this.#result.packs;
  }

  /** Packs that failed, in whole or in part. */
  get failed(): PackStatus[] {
    return this.#result.packs.filter((p) => p.status === 'error');
  }

  /** The loaded socket types (built-in and the packs'): coercions for the executor. */
  get sockets(): SocketRegistry {
    return this.#result.sockets;
  }

  toCatalog(services?: Partial<NodeServices>): PackCatalog {
    return packCatalog(this.#result, services);
  }
}
