import { catalogModels, detectFormat, importComfyFile, mappingsFor, toApiPrompt } from '@reelgraph/comfy';
import { type GraphDocument, migrateGraph, type ValidationError, validateGraph } from '@reelgraph/graph';
import { extractGraphText } from '@reelgraph/media/metadata';
import type { CatalogResponse, PackInfo, PolicyFinding } from '@reelgraph/protocol';
import { ApiError } from './api/api-error';
import { EventSocket } from './api/socket';
import { extractEmbeddedGraph } from './lib/embedded';
import { findMissing } from './lib/missing';
import { packFailureText, packRefs } from './lib/packs';
import { api, editor } from './state';
import {
  applyEvent,
  applyPreview,
  forgetFinished,
  mergeJobs,
  runStore,
  setProblems,
  trackJob,
} from './store/runStore';
import { ask, type MissingReport, toast, uiStore } from './store/uiStore';
import { markClean, openWorkflows, startAutosave } from './workflows';

const CLIENT_KEY = 'reelgraph.clientId';

export const clientId = (() => {
  let id = sessionStorage.getItem(CLIENT_KEY);
  if (!id) {
    id = `tab-${Math.random().toString(36).slice(2, 12)}`;
    sessionStorage.setItem(CLIENT_KEY, id);
  }
  return id;
})();

let socket: EventSocket | undefined;

export async function start(): Promise<void> {
  // Marks for the load benchmark's breakdown (performance.getEntriesByType('mark')).
  performance.mark('rg:start');
  try {
    // Both at once; the catalog answers 401 when a token is required, and the session says so.
    const [session, catalog] = await Promise.allSettled([api.session(), api.catalog()]);
    if (session.status === 'rejected') throw session.reason;
    if (session.value.authRequired && !session.value.authenticated) {
      uiStore.setState({ dialog: 'login' });
      return;
    }
    if (catalog.status === 'fulfilled') applyCatalog(catalog.value);
    else await refreshCatalog();
  } catch (err) {
    toast(`Cannot reach the server: ${message(err)}`, 'error', 10000);
  }
  performance.mark('rg:catalog');
  if (!(await openWorkflows())) await loadDefaultPreset();
  performance.mark('rg:loaded');
  startAutosave();
  socket = new EventSocket(clientId, {
    onEvent: applyEvent,
    onPreview: applyPreview,
    onStatus: (connected) => runStore.setState({ connected }),
    onCatalogChanged: () => {
      refreshCatalog().then(
        () => toast('Node packs reloaded'),
        (err) => toast(`Could not reload the node catalog: ${message(err)}`, 'error'),
      );
    },
  });
  refreshJobs();
}

async function refreshCatalog(): Promise<void> {
  applyCatalog(await api.catalog());
}

/** The packs the server has loaded, and those the open document named (for packs this server lacks). */
let loadedPacks: PackInfo[] = [];
let openedPacks: GraphDocument['packs'];

/** The current graph as saved, run or exported: it names the pack version behind each node type. */
export function currentDocument(): GraphDocument {
  const doc = editor.getState().toDocument();
  const packs = packRefs(doc, editor.getState().catalog, loadedPacks, openedPacks);
  return packs ? { ...doc, packs } : doc;
}

function applyCatalog(catalog: CatalogResponse): void {
  loadedPacks = catalog.packs;
  editor.getState().setCatalog({ types: catalog.types, nodes: catalog.nodes });
  const failed = packFailureText(catalog.packs);
  if (failed) toast(failed, 'error', 10000);
}

export async function refreshJobs(): Promise<void> {
  try {
    mergeJobs(await api.jobs());
  } catch {
    // offline: the queue panel shows what this tab knows
  }
}

async function loadDefaultPreset(): Promise<void> {
  try {
    const presets = await api.presets();
    const first = presets.find((p) => p.name === 'text-to-video') ?? presets[0];
    if (first) loadDocument(await api.preset(first.name), { quiet: true });
  } catch {
    // an empty canvas is fine
  }
}

/** Load a document (from a file, a preset or a drop), reporting what the server lacks. */
export function loadDocument(
  raw: unknown,
  opts: { quiet?: boolean; source?: string; imported?: MissingReport['imported'] } = {},
): boolean {
  const doc = migrateGraph(raw) as GraphDocument;
  const catalog = editor.getState().catalog;
  if (!doc || typeof doc !== 'object' || typeof doc.nodes !== 'object' || doc.nodes === null) {
    toast(`${opts.source ?? 'That file'} is not a Reelgraph graph.`, 'error');
    return false;
  }
  editor.getState().load(doc, { keepHistory: !opts.quiet });
  openedPacks = doc.packs;
  markClean();
  setProblems([]);
  runStore.setState({ nodes: {}, activeJob: undefined });
  uiStore.setState((u) => ({ fit: u.fit + 1 }));
  const found = catalog ? findMissing(doc, catalog) : null;
  const missing = opts.imported
    ? { nodes: [], packs: [], values: [], ...found, imported: opts.imported }
    : found;
  if (missing) {
    uiStore.setState({ dialog: 'missing', missing });
    void api.canInstallPacks().then(
      (canInstallPacks) => uiStore.setState({ canInstallPacks }),
      () => {},
    );
  } else if (!opts.quiet) toast(`Loaded ${doc.meta?.title ?? opts.source ?? 'graph'}`);
  return true;
}

export async function loadPreset(name: string): Promise<void> {
  try {
    loadDocument(await api.preset(name), { source: name });
    uiStore.setState({ dialog: undefined });
  } catch (err) {
    toast(`Could not load preset ${name}: ${message(err)}`, 'error');
  }
}

/** A ComfyUI workflow or prompt (JSON, or inside a PNG/WebP/MP4/WebM ComfyUI wrote), imported; false when there is none. */
function openComfy(bytes: Uint8Array, source: string): boolean {
  const catalog = editor.getState().catalog;
  const result = importComfyFile(bytes, {
    mappings: mappingsFor(catalog),
    ...(catalog ? { models: catalogModels(catalog), catalog } : {}),
  });
  if (!result.ok) return false;
  const { report } = result;
  return loadDocument(result.doc, {
    source,
    imported: {
      source,
      format: report.format,
      mapped: report.mapped.length,
      folded: report.folded.length,
      warnings: [
        ...report.missingModels.map((m) => `model ${m.name} (${m.class} ${m.node}) is not installed`),
        ...report.warnings,
      ],
    },
  });
}

/** A dropped or opened file: graph JSON, a ComfyUI workflow, or a video/image with either embedded. */
export async function openFile(file: File): Promise<boolean> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  const isJson = file.name.endsWith('.json') || file.type === 'application/json';
  if (isJson) {
    let value: unknown;
    try {
      value = JSON.parse(new TextDecoder().decode(bytes));
    } catch (err) {
      toast(`${file.name} is not valid JSON: ${message(err)}`, 'error');
      return false;
    }
    if (detectFormat(value)) return openComfy(bytes, file.name);
    return loadDocument(value, { source: file.name });
  }
  // Reelgraph's own tag first, then ComfyUI's keys, then a scan for graph JSON anywhere in the file.
  const own = extractGraphText(bytes);
  if (!own && openComfy(bytes, file.name)) return true;
  const doc = extractEmbeddedGraph(bytes);
  if (!doc) {
    toast(`No Reelgraph graph found in ${file.name}.`, 'error', 8000);
    return false;
  }
  return loadDocument(doc, { source: file.name });
}

function download(value: unknown, name: string): void {
  const blob = new Blob([`${JSON.stringify(value, null, 2)}\n`], { type: 'application/json' });
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
  markClean();
}

const fileStem = (doc: GraphDocument) => (doc.meta?.title ?? 'graph').replace(/[^\w.-]+/g, '-');

export function saveToFile(): void {
  const doc = currentDocument();
  download(doc, `${fileStem(doc)}.json`);
}

/** Export → ComfyUI API prompt (`reelgraph export --comfy-api` in the editor); nodes with no ComfyUI form are named. */
export function exportComfyApi(): void {
  const s = editor.getState();
  const doc = s.toDocument();
  const result = toApiPrompt(doc, mappingsFor(s.catalog), s.catalog);
  if (result.errors.length) {
    toast(`Not exportable to ComfyUI: ${result.errors.map((e) => e.message).join('; ')}`, 'error', 8000);
    return;
  }
  download(result.prompt, `${fileStem(doc)}.comfy-api.json`);
  if (result.warnings.length)
    toast(`Exported with ${result.warnings.length} warning(s): ${result.warnings[0]}`, 'info', 8000);
}

export function pickFile(): void {
  const input = document.createElement('input');
  input.type = 'file';
  input.accept = '.json,application/json,video/mp4,video/webm,image/webp,image/gif,image/png';
  input.onchange = () => {
    const f = input.files?.[0];
    if (f) void openFile(f);
  };
  input.click();
}

/**
 * A policy refusal shown like a validation problem, on the node and input that hold the refused text.
 * `policy_refused` is the server's code, not one of the graph's validation codes.
 */
function policyProblems(refusals: PolicyFinding[] = []): ValidationError[] {
  return refusals.map((r) => ({
    nodeId: r.nodeId,
    input: r.input,
    code: 'policy_refused' as ValidationError['code'],
    message: `refused by the server's usage policy (${r.category}, rule ${r.ruleId}): "${r.match}"`,
  }));
}

/** Queue the current graph (Run / Ctrl+Enter). */
export async function runGraph(doc = currentDocument()): Promise<string | null> {
  try {
    const { jobId, position } = await api.submit(doc, clientId);
    setProblems([]);
    trackJob(jobId, doc, position);
    socket?.subscribe([jobId]);
    editor.getState().applySeedControls();
    toast(position > 0 ? `Queued (#${position + 1})` : 'Queued');
    return jobId;
  } catch (err) {
    if (err instanceof ApiError && err.code === 'invalid_graph') {
      setProblems(err.errors);
      toast(
        `The graph has ${err.errors.length} problem${err.errors.length === 1 ? '' : 's'}; see the marked nodes.`,
        'error',
      );
    } else if (err instanceof ApiError && err.code === 'policy_refused') {
      setProblems(policyProblems(err.body.refusals as PolicyFinding[] | undefined));
      toast(err.message, 'error');
    } else if (err instanceof ApiError) {
      toast(err.message, 'error');
    } else {
      // Offline: still tell the user what is wrong with the graph.
      const catalog = editor.getState().catalog;
      if (catalog) setProblems(validateGraph(doc, catalog));
      toast(`Could not queue: ${message(err)}`, 'error');
    }
    return null;
  }
}

export async function cancelJob(id: string): Promise<void> {
  try {
    await api.cancel(id);
  } catch (err) {
    toast(`Cancel failed: ${message(err)}`, 'error');
  }
}

export async function rerunJob(id: string): Promise<void> {
  const job = runStore.getState().jobs[id];
  let graph = job?.graph;
  if (!graph) {
    try {
      graph = (await api.job(id, true)).graph;
    } catch (err) {
      toast(`Cannot fetch that job's graph: ${message(err)}`, 'error');
      return;
    }
  }
  if (graph) await runGraph(graph);
}

/** Open the graph a finished job ran (gallery: "load the graph that made this"). */
export async function loadJobGraph(id: string): Promise<void> {
  try {
    const { graph } = await api.job(id, true);
    if (graph) loadDocument(graph, { source: 'the job' });
  } catch (err) {
    toast(`Cannot fetch that job's graph: ${message(err)}`, 'error');
  }
}

/** Delete one finished job from the server's history, after asking. True when it went. */
export async function deleteJob(id: string, what: string): Promise<boolean> {
  const ok = await ask(
    'Delete this output?',
    `“${what}” leaves the history and is no longer served; the file stays in the server's outputs folder.`,
    'Delete',
  );
  if (!ok) return false;
  try {
    await api.deleteJob(id);
    const { [id]: _gone, ...jobs } = runStore.getState().jobs;
    runStore.setState({ jobs });
    return true;
  } catch (err) {
    toast(`Delete failed: ${message(err)}`, 'error');
    return false;
  }
}

/** Queue panel: forget every finished job, here and on the server, after asking. */
export async function clearFinished(): Promise<void> {
  const ok = await ask(
    'Clear finished jobs?',
    "Every finished, failed and cancelled job leaves the history (and the gallery). Queued and running jobs stay; output files stay in the server's outputs folder.",
    'Clear finished',
  );
  if (!ok) return;
  try {
    const { deleted } = await api.clearFinished();
    forgetFinished();
    toast(`Cleared ${deleted} finished job${deleted === 1 ? '' : 's'}`);
  } catch (err) {
    toast(`Clear failed: ${message(err)}`, 'error');
  }
}

export async function layoutGraph(options?: Record<string, string>): Promise<void> {
  // elkjs is large: load it on first use.
  const { autoLayout } = await import('./lib/layout');
  const { positions, routes } = await autoLayout(editor.getState(), drawnSockets, options);
  editor.getState().setPositions(positions, routes);
}

/** A node's sockets top to bottom as the canvas draws them (widget rows interleave with sockets). */
function drawnSockets(nodeId: string): { inputs: string[]; outputs: string[] } | undefined {
  const el = document.querySelector(`.react-flow__node[data-id="${CSS.escape(nodeId)}"]`);
  if (!el) return undefined;
  const side = (kind: 'target' | 'source') =>
    [...el.querySelectorAll<HTMLElement>(`.react-flow__handle.${kind}`)]
      .map((h) => ({ id: h.dataset.handleid ?? '', y: h.getBoundingClientRect().top }))
      .sort((a, b) => a.y - b.y)
      .map((h) => h.id);
  return { inputs: side('target'), outputs: side('source') };
}

export function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * The missing-nodes dialog's "install": the server installs the pack from the npm registry (where it is
 * allowed), reloads its packs, and the dialog shows what is still missing.
 */
export async function installMissingPack(pkg: string, range: string | undefined): Promise<void> {
  try {
    const done = await api.installPack({ package: pkg, ...(range ? { range } : {}) });
    toast(`Installed ${done.package}@${done.version}`);
    await refreshCatalog();
    const catalog = editor.getState().catalog;
    const missing = catalog ? findMissing(currentDocument(), catalog) : null;
    uiStore.setState(missing ? { missing } : { missing: undefined, dialog: undefined });
  } catch (err) {
    toast(`Could not install ${pkg}: ${message(err)}`, 'error', 10000);
  }
}
export { closeTab, newTab, saveNow, switchTab } from './workflows';
