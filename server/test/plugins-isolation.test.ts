/**
 * Broken and misbehaving plugins on a real server (child-process node host): load errors are reported
 * per pack in GET /api/catalog while the other packs load; a plugin that throws, hangs past its deadline
 * or crashes its process fails only its own job, named in the error, and the next job runs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manifest, type PluginServer, startPluginServer } from './plugins-helpers';

const SDK = "import { defineNode, input } from '@reelgraph/sdk';\n";
const node = (type: string, run: string) =>
  `export const N_${type.replace(/\W/g, '_')} = defineNode({ type: '${type}', title: '${type}', category: 't', ` +
  `description: 'd', inputs: { text: input.string({ default: 'hi' }) }, outputs: { text: 'STRING' }, output: true, ` +
  `cache: 'volatile', run: ${run} });\n`;

const packs = {
  'good/reelgraph.pack.json': manifest('good', ['good.echo']),
  'good/index.ts':
    SDK +
    node(
      'good.echo',
      "({ text }, ctx) => { ctx.artifact({ kind: 'value', value: text }); return { text }; }",
    ),
  'bad-manifest/reelgraph.pack.json': '{ "name": "bad-manifest", ',
  'bad-manifest/index.ts': '',
  'throws-import/reelgraph.pack.json': manifest('throws-import'),
  'throws-import/index.ts': "throw new Error('import exploded');\n",
  'syntax/reelgraph.pack.json': manifest('syntax'),
  'syntax/index.ts': 'export const = ;\n',
  'future/reelgraph.pack.json': manifest('future', undefined, { reelgraph: '>=2.0.0' }),
  'future/index.ts': SDK + node('future.x', '({ text }) => ({ text })'),
  'zz-dup/reelgraph.pack.json': manifest('zz-dup'),
  'zz-dup/index.ts': SDK + node('good.echo', '({ text }) => ({ text: text + "!" })'),
  'flaky/reelgraph.pack.json': manifest('flaky'),
  'flaky/index.ts':
    SDK +
    node('flaky.throw', "() => { throw new Error('run exploded'); }") +
    // Ignores its abort signal and never settles.
    node('flaky.hang', '() => new Promise(() => {})') +
    // Throws from a stray timer: an uncaught exception in the node host process.
    node(
      'flaky.crash',
      "() => new Promise(() => { setTimeout(() => { throw new Error('stray timer'); }, 10); })",
    ),
};

const one = (type: string) => ({ version: 1, nodes: { n: { type, inputs: { text: 'hi' } } } });

describe('plugin isolation', () => {
  let t: PluginServer;
  beforeAll(async () => {
    t = await startPluginServer(packs, { abortGraceMs: 300 });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('reports every broken pack with its reason while the others load', async () => {
    const catalog = await t.get('/api/catalog');
    const status = Object.fromEntries(catalog.packs.map((p: any) => [p.name, p]));
    expect(status.good).toMatchObject({ status: 'loaded', nodes: ['good.echo'] });
    expect(status.core.status).toBe('loaded');
    expect(status.flaky.status).toBe('loaded');
    expect(status['bad-manifest']).toMatchObject({ status: 'error' });
    expect(status['bad-manifest'].errors[0]).toMatch(/not valid JSON/);
    expect(status['throws-import'].errors[0]).toMatch(/failed to import index\.ts: .*import exploded/);
    expect(status.syntax.errors[0]).toMatch(/failed to import index\.ts/);
    expect(status.future.errors[0]).toMatch(/incompatible: the pack requires Reelgraph >=2\.0\.0/);
    expect(status['zz-dup'].errors[0]).toMatch(/"good.echo" is already provided by pack "good"/);
    expect(catalog.nodes['good.echo'].pack).toBe('good');
    expect(catalog.nodes['future.x']).toBeUndefined();
    const system = await t.get('/api/system');
    expect(system.packs).toEqual({ loaded: 3, failed: 5 });

    const job = await t.finished((await t.submit(one('good.echo'))).jobId);
    expect(job.state).toBe('success');
    expect(job.outputs[0].value).toBe('hi');
  });

  it('a plugin that throws at run fails its job, naming the node and its pack', async () => {
    const job = await t.finished((await t.submit(one('flaky.throw'))).jobId);
    expect(job.state).toBe('failed');
    expect(job.error).toMatchObject({
      code: 'node_failed',
      nodeId: 'n',
      nodeType: 'flaky.throw',
      pack: 'flaky',
    });
    expect(job.error.message).toBe('node "n" (flaky.throw from pack "flaky") failed: run exploded');
  });

  it('a plugin that hangs past the deadline is stopped, named, and the next job succeeds', async () => {
    const hung = await t.submit(one('flaky.hang'), { timeoutMs: 400 });
    const next = await t.submit(one('good.echo'));
    const health = await fetch(`${t.url}/api/health`);
    expect(health.status).toBe(200);
    const job = await t.finished(hung.jobId);
    expect(job.state).toBe('failed');
    expect(job.error).toMatchObject({ code: 'timeout', nodeType: 'flaky.hang', pack: 'flaky' });
    expect(job.error.message).toContain('while node "n" (flaky.hang from pack "flaky") was running');
    // The hung node is the one that failed, as timed out; not "skipped".
    expect(job.nodes.n).toMatchObject({ state: 'failed', error: { name: 'Timeout' } });
    expect((await t.finished(next.jobId)).state).toBe('success');
  });

  it('a plugin that crashes its process fails only its job, named; the host restarts for the next', async () => {
    const crash = await t.finished((await t.submit(one('flaky.crash'))).jobId);
    expect(crash.state).toBe('failed');
    expect(crash.error).toMatchObject({ code: 'crashed', pack: 'flaky', nodeType: 'flaky.crash' });
    expect(crash.error.message).toContain('stray timer');
    expect(crash.error.message).toContain('from pack "flaky"');
    const after = await t.finished((await t.submit(one('good.echo'))).jobId);
    expect(after.state).toBe('success');
  });
});
