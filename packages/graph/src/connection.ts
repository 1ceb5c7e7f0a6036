import type { Catalog } from './catalog';
import { canConnect } from './connect';
import type { GraphDocument } from './document';
import { isPlainObject, schemaFor } from './validate';

export interface OutputRef {
  nodeId: string;
  output: string;
}

export interface InputRef {
  nodeId: string;
  input: string;
}

/**
 * Why the editor must refuse linking `source` into `target`, or null when the link is fine. Uses the
 * same rule as the validator (`canConnect`), and refuses self-links and links that would close a loop.
 * Replacing a link already on `target.input` is allowed (the editor swaps it).
 */
export function connectionProblem(
  catalog: Catalog,
  doc: GraphDocument,
  source: OutputRef,
  target: InputRef,
): string | null {
  const nodes = isPlainObject(doc?.nodes) ? doc.nodes : {};
  const from = Object.hasOwn(nodes, source.nodeId) ? nodes[source.nodeId] : undefined;
  const to = Object.hasOwn(nodes, target.nodeId) ? nodes[target.nodeId] : undefined;
  if (!from) return `Node "${source.nodeId}" does not exist`;
  if (!to) return `Node "${target.nodeId}" does not exist`;
  if (source.nodeId === target.nodeId) return 'A node cannot be linked to itself';

  const fromSchema = schemaFor(catalog, from.type);
  const toSchema = schemaFor(catalog, to.type);
  if (!fromSchema) return `Node "${source.nodeId}" has unknown type "${from.type}"`;
  if (!toSchema) return `Node "${target.nodeId}" has unknown type "${to.type}"`;
  const out = Object.hasOwn(fromSchema.outputs, source.output)
    ? fromSchema.outputs[source.output]
    : undefined;
  const inp = Object.hasOwn(toSchema.inputs, target.input) ? toSchema.inputs[target.input] : undefined;
  if (!out) return `Node "${source.nodeId}" has no output "${source.output}"`;
  if (!inp) return `Node "${target.nodeId}" has no input "${target.input}"`;
  if (!canConnect(catalog.types, out.type, inp.type)) {
    return `${out.type} output "${source.output}" cannot feed ${inp.type} input "${target.input}"`;
  }
  if (feeds(nodes, target.nodeId, source.nodeId)) {
    return `Linking would create a cycle: "${target.nodeId}" already feeds "${source.nodeId}"`;
  }
  return null;
}

/** Does `ancestor` feed `nodeId`, directly or through other nodes? (Walks links upstream, iteratively.) */
export function feeds(nodes: GraphDocument['nodes'], ancestor: string, nodeId: string): boolean {
  const seen = new Set<string>([nodeId]);
  const stack = [nodeId];
  while (stack.length > 0) {
    const id = stack.pop()!;
    const node = Object.hasOwn(nodes, id) ? nodes[id] : undefined;
    if (!node || !isPlainObject(node.inputs)) continue;
    for (const value of Object.values(node.inputs)) {
      if (!Array.isArray(value) || typeof value[0] !== 'string') continue;
      const up = value[0];
      if (up === ancestor) return true;
      if (!seen.has(up)) {
        seen.add(up);
        stack.push(up);
      }
    }
  }
  return false;
}
