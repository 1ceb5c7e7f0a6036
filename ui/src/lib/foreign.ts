import type { ForeignNode, InputSchema, InputValue, NodeSchema } from '@reelgraph/graph';
import { FOREIGN_TYPE, isLink } from '@reelgraph/graph';

/**
 * A node schema drawn from a foreign node's own description, so the one node component shows it: its
 * ComfyUI class as title, its sockets, its values as widgets (kept and written back on export).
 */
export function foreignSchema(foreign: ForeignNode, inputs: Record<string, InputValue>): NodeSchema {
  const schemaInputs: Record<string, InputSchema> = {};
  for (const s of foreign.inputs) schemaInputs[s.name] = { type: s.type, widget: 'socket', optional: true };
  for (const [name, v] of Object.entries(inputs)) {
    if (schemaInputs[name] || isLink(v)) continue;
    schemaInputs[name] =
      typeof v === 'number'
        ? { type: 'FLOAT', widget: 'number', optional: true }
        : typeof v === 'boolean'
          ? { type: 'BOOLEAN', widget: 'toggle', optional: true }
          : { type: 'STRING', widget: 'text', optional: true };
  }
  for (const name of Object.keys(inputs))
    if (!schemaInputs[name]) schemaInputs[name] = { type: '*', widget: 'socket', optional: true };
  return {
    type: FOREIGN_TYPE,
    version: 1,
    title: foreign.class,
    category: 'ComfyUI',
    description: `ComfyUI node ${foreign.class}: Reelgraph has no equivalent, so the graph cannot run until it is replaced or removed`,
    inputs: schemaInputs,
    outputs: Object.fromEntries(foreign.outputs.map((o) => [o.name, { type: o.type }])),
    output: false,
    cache: 'pure',
  };
}
