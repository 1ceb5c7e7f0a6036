/**
 * The ComfyUI workflow and prompt inside a file ComfyUI (or VideoHelperSuite) wrote: PNG text chunks,
 * animated PNG `comf` chunks, WebP EXIF (`Make` = "workflow:<json>", `Model` = "prompt:<json>"),
 * MP4/MKV/WebM container tags `workflow` and `prompt`, or VHS's single `comment` tag holding both.
 */
import { readTextTags } from '@reelgraph/media/metadata';
import { detectFormat } from './format';

export interface Embedded {
  workflow?: unknown;
  prompt?: unknown;
}

/** JSON, or JSON inside a JSON string (some VideoHelperSuite versions encode `prompt` twice). */
function parse(text: unknown): unknown {
  if (typeof text !== 'string') return text;
  try {
    const v = JSON.parse(text);
    return typeof v === 'string' ? parse(v) : v;
  } catch {
    return undefined;
  }
}

const decoder = new TextDecoder();

export function extractComfy(bytes: Uint8Array): Embedded | undefined {
  const head = decoder
    .decode(bytes.subarray(0, 64))
    .replace(/^\uFEFF/, '')
    .trimStart();
  if (head.startsWith('{')) {
    const v = parse(decoder.decode(bytes).replace(/^\uFEFF/, ''));
    const format = detectFormat(v);
    return format ? { [format]: v } : undefined;
  }
  const tags = readTextTags(bytes);
  const found: Embedded = {};
  const take = (key: string, text: string | undefined) => {
    const v = parse(text);
    if (v === undefined) return;
    if (key === 'workflow' && detectFormat(v) === 'workflow') found.workflow ??= v;
    if (key === 'prompt' && detectFormat(v) === 'prompt') found.prompt ??= v;
  };
  take('workflow', tags.workflow);
  take('prompt', tags.prompt);
  // WebP EXIF: each entry is "<key>:<json>".
  for (const [tag, value] of Object.entries(tags)) {
    if (!tag.startsWith('exif.')) continue;
    const m = /^(\w+):/.exec(value);
    if (m) take(m[1] as string, value.slice(m[0].length));
  }
  const comment = parse(tags.comment);
  if (typeof comment === 'object' && comment !== null) {
    const c = comment as Record<string, unknown>;
    take('workflow', typeof c.workflow === 'string' ? c.workflow : JSON.stringify(c.workflow));
    take('prompt', typeof c.prompt === 'string' ? c.prompt : JSON.stringify(c.prompt));
  }
  return found.workflow || found.prompt ? found : undefined;
}
