// biome-ignore-all lint/suspicious/noExplicitAny: response bodies in tests are arbitrary JSON
/**
 * Graphs of only the built-in pure and cheap nodes run in the server process; any other graph runs in
 * a node-host child as before. Proved on real servers by killing the children: a core-only job never
 * notices, a job with any other node does.
 */
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { PackCatalog } from '@reelgraph/packs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inProcessTypes, runsInProcess } from '../src/queue/in-process-route';
import type { SplitNodeHost } from '../src/queue/split-host';
import { delayGraph, FIXTURE_PACKS, startServer, type TestServer, until, WsClient } from './helpers';
import { manifest, writeFiles } from './plugins-helpers';

const sumGraph = (a: number, b: number) => ({
  version: 1,
  nodes: {
    a: { type: 'core.int', inputs: { value: a } },
    b: { type: 'core.int', inputs: { value: b } },
    sum: { type: 'core.int-math', inputs: { a: ['a', 'value'], b: ['b', 'value'], op: 'add' } },
    show: { type: 'core.preview', inputs: { value: ['sum', 'result'] } },
  },
});

async function finished(t: TestServer, jobId: string): Promise<any> {
  return until(
    async () => {
      const d = (await t.http.get(`/api/jobs/${jobId}`)).body;
      return ['success', 'failed', 'cancelled'].includes(d.state) ? d : undefined;
    },
    30_000,
    `job ${jobId} to finish`,
  );
}

const gone = (pid: number) => {
  try {
    process.kill(pid, 0);
    return false;
  } catch {
    return true;
  }
};

/** SIGKILL every node-host child and wait until they are gone. */
async function killChildren(host: SplitNodeHost): Promise<number[]> {
  const pids = host.pids;
  for (const pid of pids) process.kill(pid, 'SIGKILL');
  await until(() => pids.every(gone), 20_000, 'the node hosts to exit');
  return pids;
}

describe('which graphs run in the server process', () => {
  const types = new Set(['core.int', 'core.int-math', 'core.preview']);

  it('only graphs whose every node may', () => {
    expect(runsInProcess(sumGraph(1, 2) as any, types)).toBe(true);
    expect(runsInProcess(delayGraph(1) as any, types)).toBe(false);
    expect(runsInProcess({ version: 1, nodes: {} } as any, types)).toBe(false);
  });

  it('only types listed and declared the same by the host catalog and the in-process pack', () => {
    const schema = (title: string) => ({ type: 'x', title, inputs: {}, outputs: {} });
    const catalog = (nodes: Record<string, unknown>) =>
      ({ types: {}, nodes, packs: [] }) as unknown as PackCatalog;
    const host = catalog({
      'core.int': schema('Integer'),
      'core.math': schema('Math'),
      'core.delay': schema('Delay'),
    });
    const local = catalog({
      'core.int': schema('Integer'),
      'core.math': schema('Math, changed'),
      'core.delay': schema('Delay'),
      'core.seed': schema('Seed'),
    });
    expect([...inProcessTypes(host, local)]).toEqual(['core.int']);
  });
});

describe('core-only jobs on a real server', () => {
  let t: TestServer;
  let host: SplitNodeHost;
  beforeAll(async () => {
    t = await startServer({ concurrency: 2 });
    host = t.server.host as SplitNodeHost;
  });
  afterAll(async () => {
    await t?.close();
  });

  it('runs in process with every node host dead, and starts none; a graph with a delay node starts one', async () => {
    expect(host.inProcessTypes.has('core.int-math')).toBe(true);
    const killed = await killChildren(host);
    const job = await finished(t, (await t.http.submit(sumGraph(20, 22))).body.jobId);
    expect(job.state).toBe('success');
    expect(job.outputs).toEqual([{ kind: 'value', nodeId: 'show', value: 42 }]);
    expect(host.pids).toEqual(killed); // nothing was spawned for it

    const hosted = await finished(t, (await t.http.submit(delayGraph(10))).body.jobId);
    expect(hosted.state).toBe('success');
    expect(hosted.outputs).toEqual([{ kind: 'value', nodeId: 'p', value: 7 }]);
    expect(host.pids.some((pid) => !killed.includes(pid))).toBe(true);
  });

  it('a node host crash fails the plugin job it ran; the core-only job beside it succeeds', async () => {
    const ws = new WsClient(t.url, 'beside');
    await ws.opened;
    const mixed = {
      version: 1,
      nodes: {
        n: { type: 'core.int', inputs: { value: 1 } },
        s: { type: 'testkit.steps', inputs: { steps: 300, stepMs: 100, tag: 'long' } },
      },
    };
    const long = (await t.http.submit(mixed, { clientId: 'beside' })).body.jobId;
    await ws.waitFor((m) => m.type === 'node:started' && m.jobId === long && m.nodeId === 's', 30_000);
    const core = (await t.http.submit(sumGraph(1, 2), { clientId: 'beside' })).body.jobId;
    await killChildren(host);
    const crashed = await finished(t, long);
    expect(crashed.state).toBe('failed');
    expect(crashed.error.code).toBe('crashed');
    const done = await finished(t, core);
    expect(done.state).toBe('success');
    expect(done.outputs).toEqual([{ kind: 'value', nodeId: 'show', value: 3 }]);
    // The sequence a child gives: queued, running, each node started and done, finished, success.
    const types = ws.ofJob(core).map((m) => `${m.type}${m.state ? `:${m.state}` : ''}`);
    const node = ['node:started', 'node:done'];
    expect(types).toEqual([
      'job:queued',
      'job:state:running',
      'job:started',
      ...node,
      ...node,
      ...node,
      ...node,
      'job:finished',
      'job:state:success',
    ]);
    const seqs = ws.ofJob(core).map((m) => m.seq as number);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    await ws.close();
  });
});

describe('hot reload with the core pack in process', () => {
  const root = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'rg-in-process-')));
  const pack = path.join(root, 'core');
  /** A stand-in core pack (shadowing the built-in one): an integer and a preview, input named `name`. */
  const writeCore = (name: string) =>
    writeFiles(pack, {
      'reelgraph.pack.json': manifest('core'),
      'index.ts': `import { defineNode, input } from '@reelgraph/sdk';
export const Int = defineNode({
  type: 'core.int', title: 'Integer', category: 'constants', description: 'n',
  inputs: { ${name}: input.int() }, outputs: { value: 'INT' },
  run: (i) => ({ value: i.${name} }),
});
export const Preview = defineNode({
  type: 'core.preview', title: 'Preview', category: 'output', description: 'p', output: true,
  inputs: { value: input.socket('*') }, outputs: {},
  run: ({ value }, ctx) => { ctx.artifact({ kind: 'value', value }); return {}; },
});
`,
    });
  const graph = (name: string) => ({
    version: 1,
    nodes: {
      n: { type: 'core.int', inputs: { [name]: 5 } },
      p: { type: 'core.preview', inputs: { value: ['n', 'value'] } },
    },
  });
  let t: TestServer;
  let host: SplitNodeHost;
  beforeAll(async () => {
    writeCore('value');
    t = await startServer({ nodesDirs: [pack, FIXTURE_PACKS] });
    host = t.server.host as SplitNodeHost;
  });
  afterAll(async () => {
    await t?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('refuses a queued graph the reload made stale, and runs the new shape in process', async () => {
    expect([...host.inProcessTypes].sort()).toEqual(['core.int', 'core.preview']);
    t.server.scheduler.pause();
    const stale = (await t.http.submit(graph('value'))).body.jobId;
    writeCore('count');
    await host.reload();
    expect(t.server.host.catalog.nodes['core.int']?.inputs).toHaveProperty('count');
    expect(host.inProcessTypes.has('core.int')).toBe(true);
    t.server.scheduler.resume();
    const refused = await finished(t, stale);
    expect(refused.state).toBe('failed');
    expect(refused.error.code).toBe('invalid_graph');

    await killChildren(host);
    const fresh = await finished(t, (await t.http.submit(graph('count'))).body.jobId);
    expect(fresh.state).toBe('success');
    expect(fresh.outputs).toEqual([{ kind: 'value', nodeId: 'p', value: 5 }]);
  });
});
