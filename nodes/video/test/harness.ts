/** Runs graphs through the real pack loader, executor and onnxruntime (no mocks). */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type EngineEvent, Executor, type JobResult } from '@reelgraph/executor';
import type { GraphDocument } from '@reelgraph/graph';
import { loadPacks } from '@reelgraph/packs';
import { ModelRuntime } from '@reelgraph/runtime';

export const REPO = resolve(import.meta.dirname, '../../..');
export const FIXTURE_MODELS = join(REPO, 'packages/runtime/test/fixtures');
export const TINY = join(REPO, 'models/tiny');

export interface Host {
  executor: Executor;
  nodes: Awaited<ReturnType<typeof loadPacks>>['nodes'];
  /** A second host on the same loaded pack: fresh cache, fresh runtime and sessions. */
  fresh(): Host;
  runtime: ModelRuntime;
  outputDir: string;
  run(doc: GraphDocument, onEvent?: (e: EngineEvent) => void, signal?: AbortSignal): Promise<JobResult>;
  close(): Promise<void>;
}

/** Loads the video pack on a host whose model runtime (and so its model combo) sees `modelDirs`. */
export async function makeHost(modelDirs: string[]): Promise<Host> {
  const { nodes, packs } = await loadPacks({ dirs: [join(REPO, 'nodes/video')] });
  const failed = packs.filter((p) => p.status !== 'loaded');
  if (failed.length) throw new Error(`pack failed: ${failed.flatMap((p) => p.errors).join('\n')}`);
  return hostOn(nodes, modelDirs);
}

function hostOn(nodes: Host['nodes'], modelDirs: string[]): Host {
  const runtime = new ModelRuntime({ dirs: modelDirs, session: { intraOpThreads: 2 } });
  const outputDir = mkdtempSync(join(tmpdir(), 'rg-video-'));
  const executor = new Executor({ nodes, services: { outputDir, models: runtime } });
  return {
    executor,
    nodes,
    fresh: () => hostOn(nodes, modelDirs),
    runtime,
    outputDir,
    run: (doc, onEvent, signal) =>
      executor.run(doc, {
        services: { graph: doc },
        ...(onEvent ? { onEvent } : {}),
        ...(signal ? { signal } : {}),
      }),
    async close() {
      await runtime.dispose();
      rmSync(outputDir, { recursive: true, force: true });
    },
  };
}

export function preset(name: string): GraphDocument {
  return JSON.parse(readFileSync(join(REPO, 'graphs', `${name}.json`), 'utf8')) as GraphDocument;
}

/** Sets constant inputs: `{ 'sampler.steps': 4 }`. */
export function withInputs(
  doc: GraphDocument,
  sets: Record<string, string | number | boolean>,
): GraphDocument {
  const out = structuredClone(doc);
  for (const [key, value] of Object.entries(sets)) {
    const [id, name] = key.split('.') as [string, string];
    const node = out.nodes[id];
    if (!node) throw new Error(`no node ${id}`);
    node.inputs[name] = value;
  }
  return out;
}

/** Only the file artifacts of a result. */
export function files(r: JobResult): string[] {
  return Object.values(r.artifacts)
    .flat()
    .flatMap((a) => (a.kind === 'file' ? [a.path] : []));
}

export function failures(r: JobResult): string {
  return Object.entries(r.errors)
    .map(([id, e]) => `${id}: ${e.message}`)
    .join('\n');
}
