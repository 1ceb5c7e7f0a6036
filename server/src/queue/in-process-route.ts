import type { GraphDocument } from '@reelgraph/graph';
import type { PackCatalog } from '@reelgraph/packs';

/**
 * The built-in nodes the server runs on its own event loop, skipping the node-host process. Each is
 * pure and cheap: its time is bounded by the size of its inputs (no loop a widget can make huge, no
 * waiting, no file, model or network), so it cannot hold the server up the way a hung node would.
 * Left out on purpose: `core.delay` (waits, and is the tool for trying kills and crashes),
 * `core.fail`, `core.save-text` (writes files, which get signed), and every plugin or model node.
 * None of these produce files or frames, so C2PA signing and the policy's frame classifiers, which
 * wrap only those, have nothing to do for them.
 */
export const IN_PROCESS_TYPES: ReadonlySet<string> = new Set([
  'core.int',
  'core.float',
  'core.boolean',
  'core.string',
  'core.math',
  'core.int-math',
  'core.format',
  'core.seed',
  'core.preview',
]);

/**
 * The types that may run in process now: listed above, and declared the same by the host's catalog
 * (the one source of truth, which submits were validated against) and by the pack loaded in process.
 * A type that differs (a reload the two did not both see, a pack that shadows the built-in one) runs
 * in the host.
 */
export function inProcessTypes(host: PackCatalog, local: PackCatalog): Set<string> {
  const out = new Set<string>();
  for (const type of IN_PROCESS_TYPES) {
    const theirs = host.nodes[type];
    const ours = local.nodes[type];
    if (theirs && ours && JSON.stringify(theirs) === JSON.stringify(ours)) out.add(type);
  }
  return out;
}

/** True when every node of the graph may run in process. */
export function runsInProcess(graph: GraphDocument, types: ReadonlySet<string>): boolean {
  const nodes = Object.values(graph.nodes ?? {});
  return nodes.length > 0 && nodes.every((n) => types.has(n.type));
}
