import type { ImportReport } from './to-graph';

/** The import report as lines for a terminal or a dialog. */
export function reportLines(r: ImportReport): string[] {
  const lines = [
    `ComfyUI ${r.format === 'workflow' ? 'workflow' : 'API prompt'}: ${r.mapped.length} node(s) mapped, ${r.folded.length} folded into others, ${r.foreign.length} foreign; ${r.links.kept} of ${r.links.comfy} link(s) kept`,
  ];
  for (const f of r.foreign)
    lines.push(`  foreign ${f.id} ${f.class}: ${f.reason} (replace or remove it to run the graph)`);
  for (const m of r.missingModels) lines.push(`  missing model ${m.name} (${m.class} ${m.node}.${m.input})`);
  for (const w of r.warnings) lines.push(`  warning: ${w}`);
  return lines;
}
