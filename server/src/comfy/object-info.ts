/** `GET /object_info`: ComfyUI's description of the classes Reelgraph maps, drawn from the class tables. */
import type { ClassTable, ComfyMappings } from '@reelgraph/comfy';

type InputSpec = [unknown] | [unknown, Record<string, unknown>];

const MODEL_WIDGETS = new Set([
  'ckpt_name',
  'unet_name',
  'clip_name',
  'clip_name1',
  'clip_name2',
  'vae_name',
]);

export function objectInfo(table: ClassTable, models: readonly string[]): Record<string, unknown> {
  const required: Record<string, InputSpec> = {};
  const optional: Record<string, InputSpec> = {};
  for (const [name, type] of Object.entries(table.sockets))
    (table.optional?.includes(name) ? optional : required)[name] = [type];
  for (const w of table.widgets) {
    if (w.uiOnly) continue;
    const opts: Record<string, unknown> = {};
    if (w.default !== undefined) opts.default = w.default;
    if (w.min !== undefined) opts.min = w.min;
    if (w.max !== undefined) opts.max = w.max;
    if (w.multiline) opts.multiline = true;
    if (w.control) opts.control_after_generate = true;
    if (table.class === 'LoadImage' && w.name === 'image') opts.image_upload = true;
    if (w.type === 'COMBO') {
      const options = MODEL_WIDGETS.has(w.name) ? [...models] : [...(w.options ?? [])];
      required[w.name] = [options, opts];
    } else required[w.name] = [w.type, opts];
  }
  return {
    input: { required, optional },
    input_order: { required: Object.keys(required), optional: Object.keys(optional) },
    output: table.outputs.map((o) => o.type),
    output_is_list: table.outputs.map(() => false),
    output_name: table.outputs.map((o) => o.name),
    name: table.class,
    display_name: table.class,
    description: '',
    python_module: 'reelgraph',
    category: table.category ?? 'reelgraph',
    output_node: table.output === true,
  };
}

export function allObjectInfo(mappings: ComfyMappings, models: readonly string[]): Record<string, unknown> {
  const info: Record<string, unknown> = {};
  for (const table of mappings.classes.values())
    if (table.build) info[table.class] = objectInfo(table, models);
  return info;
}
