import { existsSync, realpathSync } from 'node:fs';
import path from 'node:path';
import type { GraphDocument } from '@reelgraph/graph';
import type { AnyNodeDefinition, Artifact, NodeContext } from '@reelgraph/sdk';
import { mimeFromName } from '../files/mime';
import { REPO_ROOT, SERVER_VERSION } from '../options';
import { type ContentCredentials, sha256 } from './credentials';
import type { Ingredient, ModelFacts } from './manifest';
import { C2PA_FORMATS } from './wasm';

/** The part of `@reelgraph/runtime`'s ModelRuntime read here (the server runs without it too). */
interface ModelList {
  list(): {
    id: string;
    manifest?: { name: string; version: string; files: Record<string, { sha256: string }> };
  }[];
}

/**
 * Output nodes whose file artifacts get signed before they are reported: every file any pack's output
 * node writes carries a manifest, without the pack doing anything. The node's artifacts are held until
 * its run resolves, signed, then passed on with the result in their `meta.credentials`.
 */
export function withCredentials(
  nodes: ReadonlyMap<string, AnyNodeDefinition>,
  credentials: ContentCredentials,
): Map<string, AnyNodeDefinition> {
  const out = new Map<string, AnyNodeDefinition>();
  for (const [type, def] of nodes) {
    if (!def.schema.output) {
      out.set(type, def);
      continue;
    }
    out.set(type, {
      schema: def.schema,
      cache: def.cache,
      run: async (inputs, ctx) => {
        const held: Artifact[] = [];
        const result = await def.run(inputs, holdingArtifacts(ctx, held));
        for (const a of held) {
          if (a.kind === 'file') {
            ctx.signal.throwIfAborted();
            const credentials_ = await signArtifact(credentials, a, type, ctx);
            ctx.artifact({ ...a, meta: { ...a.meta, credentials: credentials_ } });
          } else ctx.artifact(a);
        }
        return result;
      },
    });
  }
  return out;
}

/** The node's context with artifacts collected instead of reported. Every member is passed on. */
function holdingArtifacts(ctx: NodeContext, held: Artifact[]): NodeContext {
  return {
    jobId: ctx.jobId,
    nodeId: ctx.nodeId,
    signal: ctx.signal,
    progress: (step, total) => ctx.progress(step, total),
    preview: (p) => ctx.preview(p),
    artifact: (a) => {
      held.push(a);
    },
    log: ctx.log,
    services: ctx.services,
  };
}

async function signArtifact(
  credentials: ContentCredentials,
  a: Artifact & { kind: 'file' },
  type: string,
  ctx: NodeContext,
) {
  const graph = (ctx.services as { graph?: GraphDocument }).graph;
  const models = (ctx.services as { models?: ModelList }).models;
  return credentials.sign(
    a.path,
    {
      title: path.basename(a.path),
      mime: a.mime ?? 'application/octet-stream',
      version: SERVER_VERSION,
      ...(graph ? { graphHash: sha256(JSON.stringify(graph)) } : {}),
      models: graph && models ? modelsOf(graph, models) : [],
      jobId: ctx.jobId,
      node: { id: ctx.nodeId, type },
    },
    graph ? ingredientsOf(graph, ctx.services.uploadDir) : [],
  );
}

const modelCache = new Map<string, ModelFacts>();

/** Models the graph names (any input whose value is a known model id). */
export function modelsOf(graph: GraphDocument, models: ModelList): ModelFacts[] {
  const named = new Set(
    activeNodes(graph).flatMap((n) => Object.values(n.inputs).filter((v) => typeof v === 'string')),
  );
  const facts: ModelFacts[] = [];
  for (const m of models.list()) {
    if (!named.has(m.id) || !m.manifest) continue;
    const files = Object.fromEntries(
      Object.entries(m.manifest.files)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, f]) => [k, f.sha256]),
    );
    const listing = Object.entries(files)
      .map(([k, h]) => `${k} ${h}\n`)
      .join('');
    const key = `${m.id}\0${listing}`;
    let f = modelCache.get(key);
    if (!f) {
      f = { id: m.id, name: m.manifest.name, version: m.manifest.version, hash: sha256(listing), files };
      modelCache.set(key, f);
    }
    facts.push(f);
  }
  return facts;
}

/**
 * Media files the graph reads (image-to-video, video-to-video, extend …): string inputs naming a media
 * file in the upload folder or the presets' assets — the places a load node may read from.
 */
export function ingredientsOf(graph: GraphDocument, uploadDir: string | undefined): Ingredient[] {
  const roots = [uploadDir, path.join(REPO_ROOT, 'graphs', 'assets')]
    .filter((d): d is string => !!d && existsSync(d))
    .map((d) => realpathSync(d));
  const bases = [uploadDir, REPO_ROOT, path.join(REPO_ROOT, 'graphs', 'assets')].filter(
    (d): d is string => !!d,
  );
  const found = new Map<string, Ingredient>();
  for (const node of activeNodes(graph)) {
    for (const v of Object.values(node.inputs)) {
      if (typeof v !== 'string') continue;
      const mime = mimeFromName(v);
      if (!mime || !C2PA_FORMATS.has(mime)) continue;
      for (const base of bases) {
        const p = path.resolve(base, v);
        if (!existsSync(p)) continue;
        const real = realpathSync(p);
        if (roots.some((r) => real.startsWith(r + path.sep)))
          found.set(real, { file: real, mime, title: path.basename(v) });
        break;
      }
    }
  }
  return [...found.values()];
}

const activeNodes = (graph: GraphDocument) =>
  Object.values(graph.nodes).filter((n) => (n.mode ?? 'active') === 'active');
