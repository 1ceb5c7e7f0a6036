/**
 * A Reelgraph graph → a ComfyUI API prompt, by the exporters of the mapping tables. Foreign nodes are
 * written back as they came; muted nodes are left out and bypassed ones wired through, as ComfyUI's
 * frontend does when it queues a prompt.
 */
import {
  type Catalog,
  FOREIGN_TYPE,
  flattenGraph,
  type GraphDocument,
  type GraphNode,
  INNER_SEPARATOR,
  type InputValue,
  isLink,
  type Link,
  schemaFor,
} from '@reelgraph/graph';
import type { ApiLink, ApiNode, ApiPrompt } from './format';
import type { ComfyMappings, ExportContext } from './mapping';

export interface ExportResult {
  prompt: ApiPrompt;
  /** Nodes with no ComfyUI form: when any, the prompt is incomplete. */
  errors: { nodeId: string; message: string }[];
  warnings: string[];
}

export function toApiPrompt(doc: GraphDocument, mappings: ComfyMappings, catalog?: Catalog): ExportResult {
  const result: ExportResult = { prompt: {}, errors: [], warnings: [] };
  const nodes = comfyNodes(doc);
  const consumers = new Map<string, number>();
  for (const n of Object.values(nodes))
    for (const v of Object.values(n.inputs))
      if (isLink(v)) consumers.set(v[0], (consumers.get(v[0]) ?? 0) + 1);

  /** Through bypassed nodes to a real output (first linked input of the same type, as the executor does). */
  const through = (link: Link, hops = 0): Link | undefined => {
    const src = nodes[link[0]];
    if (!src || src.mode === 'muted' || hops > 1000) return undefined;
    if (src.mode !== 'bypassed') return link;
    const type = outputType(src, link[1], catalog);
    for (const [name, v] of Object.entries(src.inputs)) {
      if (!isLink(v)) continue;
      if (type === undefined || inputType(src, name, catalog) === type) return through(v, hops + 1);
    }
    return undefined;
  };
  const apiLink = (link: Link): ApiLink | undefined => {
    const real = through(link);
    if (!real) return undefined;
    const src = nodes[real[0]] as GraphNode;
    if (src.type === FOREIGN_TYPE) {
      const slot = src.foreign?.outputs.findIndex((o) => o.name === real[1]) ?? -1;
      return slot >= 0 ? [real[0], slot] : undefined;
    }
    const outputs = mappings.exporters.get(src.type)?.outputs;
    const at = (typeof outputs === 'function' ? outputs(src) : outputs)?.[real[1]];
    if (!at) result.warnings.push(`${real[0]} (${src.type}): output ${real[1]} has no ComfyUI form here`);
    return at ? [real[0] + at[0], at[1]] : undefined;
  };
  const convert = (v: InputValue | undefined): unknown => (isLink(v) ? apiLink(v) : v);

  const absorbed = new Set<string>();
  const written = new Map<string, string[]>();
  for (const [id, node] of Object.entries(nodes)) {
    if (node.mode === 'muted' || node.mode === 'bypassed') continue;
    if (node.type === FOREIGN_TYPE && node.foreign) {
      const inputs: Record<string, unknown> = { ...node.foreign.values };
      for (const [name, v] of Object.entries(node.inputs)) {
        const c = convert(v);
        if (c !== undefined) inputs[name] = c;
      }
      if (node.foreign.widgets?.length)
        result.warnings.push(
          `${id} (${node.foreign.class}): widget values whose names are unknown are not in the prompt`,
        );
      result.prompt[id] = { class_type: node.foreign.class, inputs, ...titled(node, node.foreign.class) };
      written.set(id, [id]);
      continue;
    }
    const exporter = mappings.exporters.get(node.type);
    if (!exporter) {
      result.errors.push({ nodeId: id, message: `${id} (${node.type}) has no ComfyUI equivalent` });
      continue;
    }
    const ctx: ExportContext = {
      id,
      node,
      origin: node.meta?.comfy?.class,
      value: (name) => {
        const v = node.inputs[name];
        if (v !== undefined && !isLink(v)) return v;
        if (v !== undefined) return undefined;
        const d = catalog ? schemaFor(catalog, node.type)?.inputs[name]?.default : undefined;
        return d;
      },
      link: (name) => {
        const v = node.inputs[name];
        return isLink(v) ? apiLink(v) : undefined;
      },
      convert,
      source: (name) => {
        const v = node.inputs[name];
        const src = isLink(v) ? nodes[v[0]] : undefined;
        return src && isLink(v) ? { id: v[0], node: src } : undefined;
      },
      peer: (other) => (Object.hasOwn(nodes, other) ? nodes[other] : undefined),
      consumers: (other) => consumers.get(other) ?? 0,
      absorb: (other) => absorbed.add(other),
      warn: (message) => result.warnings.push(`${id} (${node.type}): ${message}`),
    };
    const emitted = exporter.emit(ctx);
    if (!Object.keys(emitted).length) {
      result.errors.push({ nodeId: id, message: `${id} (${node.type}) has no ComfyUI form here` });
      continue;
    }
    const ids: string[] = [];
    for (const [suffix, api] of Object.entries(emitted)) {
      // The values Reelgraph has no input for go back into the class they came from.
      const kept = suffix === '' && api.class_type === ctx.origin ? node.meta?.comfy?.values : undefined;
      const apiNode: ApiNode = {
        ...api,
        ...(kept ? { inputs: { ...kept, ...api.inputs } } : {}),
        ...(suffix === '' ? titled(node, api.class_type) : {}),
      };
      result.prompt[id + suffix] = apiNode;
      ids.push(id + suffix);
    }
    written.set(id, ids);
  }
  for (const id of absorbed) for (const w of written.get(id) ?? []) delete result.prompt[w];
  result.errors = result.errors.filter((e) => !absorbed.has(e.nodeId));
  return result;
}

function titled(node: GraphNode, cls: string): Pick<ApiNode, '_meta'> {
  return { _meta: { title: node.meta?.title ?? cls } };
}

function inputType(node: GraphNode, input: string, catalog?: Catalog): string | undefined {
  if (node.type === FOREIGN_TYPE) return node.foreign?.inputs.find((i) => i.name === input)?.type;
  return catalog ? schemaFor(catalog, node.type)?.inputs[input]?.type : undefined;
}

function outputType(node: GraphNode, output: string, catalog?: Catalog): string | undefined {
  if (node.type === FOREIGN_TYPE) return node.foreign?.outputs.find((o) => o.name === output)?.type;
  return catalog ? schemaFor(catalog, node.type)?.outputs[output]?.type : undefined;
}

/**
 * The graph's nodes with subgraph instances expanded, interior nodes under ComfyUI's ids
 * (`instance:inner`, as its frontend writes them when it queues a workflow with subgraphs) instead of
 * Reelgraph's `instance/inner`.
 */
export function comfyNodes(doc: GraphDocument): Record<string, GraphNode> {
  const id = (x: string) => x.split(INNER_SEPARATOR).join(':');
  return Object.fromEntries(
    Object.entries(flattenGraph(doc).nodes).map(([k, n]) => [
      id(k),
      {
        ...n,
        inputs: Object.fromEntries(
          Object.entries(n.inputs).map(([name, v]) => [name, isLink(v) ? [id(v[0]), v[1]] : v]),
        ),
      },
    ]),
  );
}
