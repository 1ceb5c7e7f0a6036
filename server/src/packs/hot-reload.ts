import type { ConnectionMessage } from '@reelgraph/protocol';
import type { ReelgraphApp } from '../app';
import { type PackWatcher, type WatchOptions, watchPackDirs } from './watch';

/** Sent to every WebSocket client after the packs were reloaded: refetch `GET /api/catalog`. */
export type CatalogChangedEvent = Extract<ConnectionMessage, { type: 'catalog:changed' }>;

export interface HotReloadOptions extends WatchOptions {
  log?: (message: string) => void;
}

/**
 * Development hot reload: when a file under a pack folder changes, the node host loads every pack again
 * (jobs already running finish with the code they started with), `GET /api/catalog` serves the new
 * catalog, and every WebSocket client gets a `catalog:changed` event so an open editor refetches it.
 */
export function enableHotReload(server: ReelgraphApp, opts: HotReloadOptions = {}): PackWatcher {
  const { options } = server;
  const log = opts.log ?? (() => {});
  return watchPackDirs(
    options.nodesDirs,
    async () => {
      try {
        await reloadPacks(server, log);
      } catch (err) {
        log(`pack reload failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    },
    // What jobs write (outputs, uploads, the store) never counts as an edit, even inside a pack folder.
    { ...opts, ignore: [...(opts.ignore ?? []), options.outputsDir, options.uploadsDir, options.dataDir] },
  );
}

/**
 * Loads every pack again (after an edit, or an install) and tells every WebSocket client, so open
 * editors refetch the catalog. Jobs already running keep the code they started with.
 */
export async function reloadPacks(
  { host, hub }: Pick<ReelgraphApp, 'host' | 'hub'>,
  log: (message: string) => void = () => {},
): Promise<void> {
  if (!host.reload) return;
  const t0 = performance.now();
  await host.reload();
  const catalog = host.catalog;
  const event: CatalogChangedEvent = {
    type: 'catalog:changed',
    at: Date.now(),
    nodes: Object.keys(catalog.nodes).length,
    packs: catalog.packs.map(({ name, status, errors }) => ({ name, status, errors })),
  };
  const text = JSON.stringify(event);
  for (const conn of hub.connections) hub.sendText(conn, text);
  const failed = catalog.packs.filter((p) => p.status === 'error');
  log(
    `packs reloaded in ${Math.round(performance.now() - t0)} ms: ${event.nodes} nodes` +
      (failed.length ? `; with errors: ${failed.map((p) => `${p.name} (${p.errors[0]})`).join(', ')}` : ''),
  );
}
