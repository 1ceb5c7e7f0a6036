/**
 * Mapping tables from the ComfyUI classes packs claim in the catalog (`comfy` on a node schema): one
 * ComfyUI node ↔ one Reelgraph node, inputs renamed, widgets in the claimed order.
 */
import type { Catalog, InputSchema, NodeSchema } from '@reelgraph/graph';
import { builtinMappings } from './classes';
import { scalar } from './classes/values';
import type { ClassTable, ComfyMappings, TypeExporter, WidgetSpec, WidgetType } from './mapping';

function widgetType(decl: InputSchema): WidgetType {
  if (decl.options) return 'COMBO';
  return decl.type === 'INT' || decl.type === 'FLOAT' || decl.type === 'BOOLEAN' ? decl.type : 'STRING';
}

function claimTables(schema: NodeSchema): { table: ClassTable; exporter: TypeExporter } | undefined {
  const claim = schema.comfy;
  if (!claim) return undefined;
  const toOurs = (name: string) => claim.inputs?.[name] ?? name;
  const toTheirs = new Map(Object.keys(schema.inputs).map((n) => [n, n]));
  for (const [theirs, ours] of Object.entries(claim.inputs ?? {})) toTheirs.set(ours, theirs);
  const theirName = (ours: string) => toTheirs.get(ours) ?? ours;
  const isWidget = (ours: string) =>
    schema.inputs[ours] !== undefined && schema.inputs[ours].widget !== 'socket';
  const widgetNames = claim.widgets ?? Object.keys(schema.inputs).filter(isWidget).map(theirName);
  const widgets: WidgetSpec[] = widgetNames.map((theirs) => {
    const decl = schema.inputs[toOurs(theirs)];
    if (!decl) return { name: theirs, type: 'STRING', uiOnly: true };
    return {
      name: theirs,
      type: widgetType(decl),
      ...(decl.default !== undefined ? { default: decl.default } : {}),
      ...(decl.options ? { options: decl.options } : {}),
      ...(decl.min !== undefined ? { min: decl.min } : {}),
      ...(decl.max !== undefined ? { max: decl.max } : {}),
      ...(decl.controlAfterGenerate ? { control: true } : {}),
    };
  });
  const sockets = Object.fromEntries(
    Object.entries(schema.inputs)
      .filter(([, d]) => d.widget === 'socket')
      .map(([ours, d]) => [theirName(ours), d.type]),
  );
  const optional = Object.entries(schema.inputs)
    .filter(([, d]) => d.widget === 'socket' && d.optional)
    .map(([ours]) => theirName(ours));
  const outputNames = claim.outputs ?? Object.keys(schema.outputs);
  const table: ClassTable = {
    class: claim.class,
    category: schema.category,
    widgets,
    sockets,
    optional,
    outputs: outputNames.map((o) => ({ name: o, type: schema.outputs[o]?.type ?? '*' })),
    output: schema.output,
    build: (ctx) => {
      const inputs: Record<string, ReturnType<typeof ctx.link> | ReturnType<typeof scalar>> = {};
      for (const name of Object.keys(ctx.node.inputs)) {
        const ours = toOurs(name);
        if (!schema.inputs[ours]) continue; // a ComfyUI-only input (an upload button …)
        inputs[ours] = ctx.link(name) ?? scalar(ctx.value(name));
      }
      const id = ctx.emit('', schema.type, inputs);
      return outputNames.map((o) => ({ link: [id, o] }));
    },
  };
  const exporter: TypeExporter = {
    type: schema.type,
    outputs: Object.fromEntries(outputNames.map((o, i) => [o, ['', i] as const])),
    emit: (ctx) => {
      const inputs: Record<string, unknown> = {};
      for (const [ours, v] of Object.entries(ctx.node.inputs)) {
        const c = ctx.convert(v);
        if (c !== undefined) inputs[theirName(ours)] = c;
      }
      return { '': { class_type: claim.class, inputs } };
    },
  };
  return { table, exporter };
}

/** The built-in tables plus every ComfyUI class the catalog's packs claim (a claim wins over a built-in). */
export function mappingsFor(catalog: Catalog | undefined): ComfyMappings {
  const mappings = builtinMappings();
  for (const schema of Object.values(catalog?.nodes ?? {})) {
    const t = claimTables(schema);
    if (t) mappings.register({ classes: [t.table], exporters: [t.exporter] });
  }
  return mappings;
}
