/** The smallest unused positive integer id, ComfyUI-style. */
export function nextId(items: Record<string, unknown>, skip: ReadonlySet<string> = new Set()): string {
  let max = 0;
  for (const id of Object.keys(items)) {
    const n = Number(id);
    if (Number.isInteger(n) && n > max) max = n;
  }
  let n = max + 1;
  while (skip.has(String(n))) n++;
  return String(n);
}
