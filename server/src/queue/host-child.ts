/**
 * Entry of the node-host child process: loads the packs and runs graphs for the server over IPC.
 * Any uncaught error in a node's stray callbacks ends this process, never the server; the server
 * fails the running job with the reason and starts a fresh child.
 */
import type { EngineEvent } from '@reelgraph/executor';
import type { HostCore as HostCoreType } from './host-core';
import type { ToChild, ToParent } from './host-messages';

const send = (m: ToParent) => {
  if (!process.connected) return;
  try {
    process.send?.(m);
  } catch {
    // Not structured-cloneable (a node put a function in an artifact): send its JSON shape instead.
    process.send?.(JSON.parse(JSON.stringify(m)) as ToParent);
  }
};

/**
 * Engine events wait for the end of the tick and leave together, except `node:started`: it leaves at
 * once (with what waited), since a node that then blocks this process would keep it here, and the
 * server names the node it kills by it.
 */
let events: EngineEvent[] = [];
function sendEvents(): void {
  if (events.length === 0) return;
  const batch = events;
  events = [];
  send({ t: 'events', events: batch });
}
function queueEvent(event: EngineEvent): void {
  if (events.length === 0 && event.type !== 'node:started') setImmediate(sendEvents);
  events.push(event);
  if (event.type === 'node:started') sendEvents();
}

let core: HostCoreType | undefined;
const controllers = new Map<string, AbortController>();

function fatal(what: string, err: unknown): void {
  const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  sendEvents(); // the server blames the node these say was running
  send({ t: 'fatal', message: `${what}: ${message}` });
  // Let the IPC message flush before going.
  setTimeout(() => process.exit(70), 50).unref();
}
process.on('uncaughtException', (err) => fatal('uncaught exception in a node', err));
process.on('unhandledRejection', (err) => fatal('unhandled promise rejection in a node', err));
process.on('disconnect', () => process.exit(0));

process.on('message', async (raw: ToChild) => {
  if (raw.t === 'init') {
    try {
      const { HostCore } = await import('./host-core');
      core = await HostCore.create(raw.config);
      send({ t: 'ready', catalog: core.catalog, system: core.system });
    } catch (err) {
      send({ t: 'init-failed', message: err instanceof Error ? err.message : String(err) });
    }
    return;
  }
  if (raw.t === 'reload') {
    if (!core) return;
    let catalog = core.catalog;
    try {
      catalog = await core.reload();
    } catch (err) {
      console.error(`[reelgraph] pack reload failed: ${err instanceof Error ? err.message : String(err)}`);
    }
    send({ t: 'reloaded', catalog });
    return;
  }
  if (raw.t === 'classify') {
    send({ t: 'classified', id: raw.id, findings: core ? await core.classifyTexts(raw.texts) : [] });
    return;
  }
  if (raw.t === 'abort') {
    controllers.get(raw.jobId)?.abort(new Error(raw.reason));
    return;
  }
  if (raw.t === 'run') {
    if (!core)
      return send({
        t: 'outcome',
        jobId: raw.jobId,
        outcome: { kind: 'crashed', message: 'host not ready' },
      });
    const controller = new AbortController();
    controllers.set(raw.jobId, controller);
    const outcome = await core.run(raw.jobId, raw.graph, raw.targets, controller.signal, queueEvent);
    controllers.delete(raw.jobId);
    sendEvents(); // every event before the outcome
    send({ t: 'outcome', jobId: raw.jobId, outcome });
  }
});
