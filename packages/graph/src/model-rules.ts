/**
 * Model-aware input rules. A loader's combo lists each model's constraints (from its manifest); an input
 * that declares `modelRule` is checked against the model that reaches its node through the `via` socket.
 * Pure: the validator refuses numbers that break a rule, the editor snaps widgets and marks prompt words.
 */

export type ModelRuleKind = 'width' | 'height' | 'frames' | 'prompt';

/** Declared on an input: its value must suit the model linked into input `via`. */
export interface ModelRule {
  via: string;
  rule: ModelRuleKind;
}

/** Pixel sizes `min ≤ v ≤ max`, on the grid `k·multiple`. `min === max` means one size only. */
export interface SizeRule {
  multiple: number;
  min: number;
  max: number;
}

/** What one model accepts, derived from its manifest (`@reelgraph/runtime`'s `modelConstraints`). */
export interface ModelConstraints {
  width: SizeRule;
  height: SizeRule;
  /** Frames follow `multiple·n + offset` (4n+1), up to `max`. */
  frames: { multiple: number; offset: number; max?: number };
  text: {
    /** Words kept after the tokenizer's start token; later words are cut. */
    maxWords: number;
    lowercase: boolean;
    /** The tokenizer's word separator, a regular expression source. */
    split: string;
    /** Known words; absent for tokenizers that know every word. */
    vocab?: string[];
  };
}

/** The slice of a node the rules read: a catalog schema's inputs, and the node's input values. */
export interface RuleNode {
  inputs?: Record<string, unknown>;
  /** The node's declared inputs: `models` marks a model combo, `type` lets a link pass through. */
  decls?: Record<string, { type?: string; models?: Record<string, ModelConstraints> } | undefined>;
  outputs?: Record<string, { type?: string } | undefined>;
}

export interface ResolvedModel {
  id: string;
  constraints: ModelConstraints;
}

const MAX_HOPS = 32;

/**
 * The model that reaches `node` through its input `via`: the first node upstream with a model combo set
 * to a known model, following links of the same socket type through pass-through nodes.
 */
export function resolveModel(
  node: RuleNode,
  via: string,
  lookup: (id: string) => RuleNode | undefined,
): ResolvedModel | undefined {
  const seen = new Set<string>();
  let link = node.inputs?.[via];
  for (let hop = 0; hop < MAX_HOPS; hop++) {
    if (!isLink(link) || seen.has(link[0])) return undefined;
    seen.add(link[0]);
    const src = lookup(link[0]);
    if (!src) return undefined;
    const type = src.outputs?.[link[1]]?.type;
    let next: unknown;
    for (const [name, decl] of Object.entries(src.decls ?? {})) {
      const value = src.inputs?.[name];
      if (decl?.models && typeof value === 'string') {
        const constraints = Object.hasOwn(decl.models, value) ? decl.models[value] : undefined;
        return constraints ? { id: value, constraints } : undefined;
      }
      if (next === undefined && type !== undefined && decl?.type === type && isLink(value)) next = value;
    }
    link = next;
  }
  return undefined;
}

function isLink(v: unknown): v is [string, string] {
  return Array.isArray(v) && v.length === 2 && typeof v[0] === 'string' && typeof v[1] === 'string';
}

/** Why `value` does not suit the model, or undefined when it does. Prompts never fail here (see `promptCheck`). */
export function modelRuleProblem(
  value: number,
  rule: ModelRuleKind,
  model: ResolvedModel,
): string | undefined {
  const c = model.constraints;
  if (rule === 'width' || rule === 'height') {
    const r = c[rule];
    if (r.min === r.max && c.width.min === c.width.max && c.height.min === c.height.max) {
      return value === r.min
        ? undefined
        : `the model "${model.id}" makes ${c.width.min}×${c.height.min} video only (use a resize node after decoding)`;
    }
    if (value < r.min || value > r.max || value % r.multiple !== 0)
      return `the model "${model.id}" takes a ${rule} that is a multiple of ${r.multiple} from ${r.min} to ${r.max}`;
    return undefined;
  }
  if (rule === 'frames') {
    const { multiple: m, offset: o, max } = c.frames;
    if (!Number.isInteger(value) || value < o || (value - o) % m !== 0)
      return `the model "${model.id}" takes ${m}n+${o} frames (${o}, ${m + o}, ${2 * m + o}, ${4 * m + o} …)`;
    if (max !== undefined && value > max)
      return `the model "${model.id}" makes at most ${max} frames per clip`;
  }
  return undefined;
}

/** The allowed value nearest to `value` (ties go up). */
export function snapToModel(value: number, rule: ModelRuleKind, c: ModelConstraints): number {
  if (rule === 'width' || rule === 'height') {
    const r = c[rule];
    const v = Math.round(value / r.multiple) * r.multiple;
    return Math.min(r.max, Math.max(r.min, v));
  }
  if (rule === 'frames') {
    const { multiple: m, offset: o, max } = c.frames;
    let v = o + Math.max(0, Math.round((value - o) / m)) * m;
    if (max !== undefined && v > max) v = o + Math.floor((max - o) / m) * m;
    return v;
  }
  return value;
}

export interface PromptWord {
  word: string;
  known: boolean;
  /** Past the model's text length: cut before encoding. */
  cut: boolean;
}

/** The prompt as the model's tokenizer sees it: each word, whether the model knows it, whether it is cut. */
export function promptWords(text: string, c: ModelConstraints): PromptWord[] {
  const t = c.text;
  const vocab = t.vocab ? new Set(t.vocab) : undefined;
  const src = t.lowercase ? text.toLowerCase() : text;
  let kept = 0;
  const out: PromptWord[] = [];
  for (const word of src.split(new RegExp(t.split))) {
    if (!word) continue;
    const known = vocab ? vocab.has(word) : true;
    if (known) kept++;
    out.push({ word, known, cut: known && kept > t.maxWords });
  }
  return out;
}

/** Warnings about a prompt for this model: unknown words, no known word at all, words cut by the length. */
export function promptWarnings(text: string, model: ResolvedModel): string[] {
  const words = promptWords(text, model.constraints);
  const unknown = [...new Set(words.filter((w) => !w.known).map((w) => w.word))];
  const warnings: string[] = [];
  if (words.length > 0 && unknown.length === words.length)
    warnings.push(`The model "${model.id}" knows none of these words: the prompt will have no effect`);
  else if (unknown.length) warnings.push(`The model "${model.id}" ignores: ${unknown.join(', ')}`);
  const cut = words.filter((w) => w.cut).length;
  if (cut) warnings.push(`The model reads ${model.constraints.text.maxWords} words; ${cut} more are cut`);
  return warnings;
}
