/**
 * Hot reload on a real server with the child-process node host: editing a pack's file on disk changes
 * the catalog and a node's output without a restart, tells WebSocket clients, and a job already running
 * finishes with the code it started with.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enableHotReload } from '../src/packs/hot-reload';
import type { PackWatcher } from '../src/packs/watch';
import { Listener, manifest, type PluginServer, startPluginServer, writeFiles } from './plugins-helpers';

/** The live pack's node: waits `ms` (honouring cancellation), then returns and shows `word`. */
const liveNode = (word: string, title = 'Word') => `
import { defineNode, input } from '@reelgraph/sdk';
import { WORD } from './word';
export const Word = defineNode({
  type: 'live.word',
  title: '${title}',
  category: 'test',
  description: 'says a word',
  inputs: { ms: input.int({ default: 0, min: 0, max: 60000 }) },
  outputs: { word: 'STRING' },
  output: true,
  cache: 'volatile',
  run: async ({ ms }, ctx) => {
    await new Promise((resolve, reject) => {
      const t = setTimeout(resolve, ms);
      ctx.signal.addEventListener('abort', () => { clearTimeout(t); reject(ctx.signal.reason); });
    });
    const word = WORD + '${word}';
    ctx.artifact({ kind: 'value', value: word, label: 'word' });
    return { word };
  },
});
`;

const graph = (ms = 0) => ({ version: 1, nodes: { w: { type: 'live.word', inputs: { ms } } } });
const wordOf = (job: any) => job.outputs.find((o: any) => o.nodeId === 'w')?.value;

describe('hot reload', () => {
  let t: PluginServer;
  let watcher: PackWatcher;
  let ws: Listener;
  const entry = () => path.join(t.packs, 'live', 'index.ts');
  const changes = () => ws.messages.filter((m) => m.type === 'catalog:changed').length;
  /** Edit a file, then wait for the catalog:changed that follows. */
  const edit = async (file: string, text: string) => {
    const before = changes();
    writeFileSync(file, text);
    await ws.waitFor(() => changes() > before, 20_000);
  };

  beforeAll(async () => {
    t = await startPluginServer({
      'live/reelgraph.pack.json': manifest('live', ['live.word']),
      'live/index.ts': liveNode('one'),
      'live/word.ts': "export const WORD = 'v1:';\n",
      'other/reelgraph.pack.json': manifest('other'),
      'other/index.ts':
        "import { defineNode } from '@reelgraph/sdk';\n" +
        "export const N = defineNode({ type: 'other.n', title: 'N', category: 't', description: 'd', inputs: {}, outputs: {}, output: true, run: () => ({}) });\n",
    });
    watcher = enableHotReload(t.server, { debounceMs: 100 });
    ws = new Listener(t.url, 'editor');
    await ws.opened;
  });
  afterAll(async () => {
    watcher?.close();
    ws?.close();
    await t?.close();
  });

  it('a running job finishes with the old code; the next job and the catalog get the new code', async () => {
    expect(wordOf(await t.finished((await t.submit(graph())).jobId))).toBe('v1:one');
    expect((await t.get('/api/catalog')).nodes['live.word'].title).toBe('Word');

    const slow = await t.submit(graph(1500), { clientId: 'editor' });
    await ws.waitFor((m) => m.type === 'node:started' && m.jobId === slow.jobId);
    await edit(entry(), liveNode('two', 'Word v2'));

    const catalog = await t.get('/api/catalog');
    expect(catalog.nodes['live.word'].title).toBe('Word v2');
    expect((await t.get(`/api/jobs/${slow.jobId}`)).state).toBe('running');
    const old = await t.finished(slow.jobId);
    expect(old.state).toBe('success');
    expect(wordOf(old)).toBe('v1:one');
    expect(wordOf(await t.finished((await t.submit(graph())).jobId))).toBe('v1:two');
  });

  it('an edit to a file the entry imports reloads too', async () => {
    await edit(path.join(t.packs, 'live', 'word.ts'), "export const WORD = 'v2:';\n");
    expect(wordOf(await t.finished((await t.submit(graph())).jobId))).toBe('v2:two');
  });

  it('a syntax error shows in the catalog with the pack named; the other packs stay; fixing it recovers', async () => {
    await edit(entry(), 'export const = ;\n');
    const event = ws.messages.filter((m) => m.type === 'catalog:changed').at(-1);
    expect(event?.packs.find((p: any) => p.name === 'live')).toMatchObject({ status: 'error' });
    const broken = await t.get('/api/catalog');
    const live = broken.packs.find((p: any) => p.name === 'live');
    expect(live.status).toBe('error');
    expect(live.errors.join('\n')).toMatch(/failed to import index\.ts/);
    expect(broken.nodes['live.word']).toBeUndefined();
    expect(broken.packs.find((p: any) => p.name === 'other').status).toBe('loaded');
    expect(broken.nodes['core.int']).toBeDefined();
    // A job that needs the broken pack's node is refused with a clear error, not run.
    const r = await fetch(`${t.url}/api/jobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-reelgraph-csrf': t.csrf },
      body: JSON.stringify({ graph: graph() }),
    });
    expect(r.status).toBe(400);
    expect(((await r.json()) as any).errors[0].code).toBe('unknown_node_type');

    await edit(entry(), liveNode('three'));
    expect((await t.get('/api/catalog')).packs.find((p: any) => p.name === 'live').status).toBe('loaded');
    expect(wordOf(await t.finished((await t.submit(graph())).jobId))).toBe('v2:three');
  });

  it('a new pack folder dropped in is picked up', async () => {
    writeFiles(t.packs, {
      'late/index.ts':
        "import { defineNode } from '@reelgraph/sdk';\n" +
        "export const L = defineNode({ type: 'late.n', title: 'Late', category: 't', description: 'd', inputs: {}, outputs: {}, output: true, run: () => ({}) });\n",
      'late/reelgraph.pack.json': manifest('late'),
    });
    // The folder and its files may arrive as separate changes: wait for the reload that sees both.
    await ws.waitFor(
      (m) =>
        m.type === 'catalog:changed' && m.packs.some((p: any) => p.name === 'late' && p.status === 'loaded'),
    );
    expect((await t.get('/api/catalog')).nodes['late.n']).toMatchObject({ title: 'Late', pack: 'late' });
  });
});
