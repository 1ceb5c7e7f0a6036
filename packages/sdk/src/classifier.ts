import type { Frames } from '@reelgraph/media/frames';
import type { NodeServices } from './context';
import { type AnyNodeDefinition, defineNode, type NodeDefinition } from './define';
import { input } from './inputs';

/** What a classifier reads: every text input of a submitted graph, or the frames an output node writes. */
export type ClassifierTarget = 'text' | 'frames';

type ValueOf<T extends ClassifierTarget> = T extends 'text' ? string : Frames;

export interface ClassifierDeclaration<T extends ClassifierTarget> {
  /** Node type id, as for `defineNode`; the policy file names it (`classifiers: [{ node }]`). */
  type: string;
  version?: number;
  title: string;
  description: string;
  on: T;
  /** Scores at or above it are refused (a policy file may set its own). */
  threshold: number;
  /** What a high score means, shown in the refusal ("spam", "mostly red frames"). */
  label: string;
  /** A score from 0 (fine) to 1 (refuse). Called for every text or every output clip: keep it fast. */
  score(value: ValueOf<T>, services: Partial<NodeServices>): Promise<number> | number;
}

/** How a host runs a classifier outside any graph (at submit, before an output is written). */
export interface ClassifierSpec {
  on: ClassifierTarget;
  threshold: number;
  label: string;
  score(value: string | Frames, services: Partial<NodeServices>): Promise<number>;
}

/** A node of the "policy" kind: usable in a graph like any node, and run by the server's policy. */
export type ClassifierDefinition = AnyNodeDefinition & { readonly classifier: ClassifierSpec };

/**
 * A policy classifier a pack provides (contract in docs/plugins.md). It is also a node (category
 * `policy`: input `text` or `images`, outputs `score` and `flagged`), so a graph can show a score.
 */
export function defineClassifier<const T extends ClassifierTarget>(
  decl: ClassifierDeclaration<T>,
): NodeDefinition & { readonly classifier: ClassifierSpec } {
  if (!(decl.threshold > 0 && decl.threshold <= 1))
    throw new Error(`Classifier "${decl.type}": threshold must be in (0, 1]`);
  const score = async (value: string | Frames, services: Partial<NodeServices>) => {
    const s = await decl.score(value as ValueOf<T>, services);
    if (typeof s !== 'number' || !(s >= 0 && s <= 1))
      throw new Error(`Classifier "${decl.type}" returned ${String(s)}, not a score from 0 to 1`);
    return s;
  };
  const common = {
    type: decl.type,
    version: decl.version ?? 1,
    title: decl.title,
    category: 'policy',
    description: decl.description,
    outputs: { score: 'FLOAT', flagged: 'BOOLEAN' },
  } as const;
  const verdict = async (value: string | Frames, services: Partial<NodeServices>) => {
    const s = await score(value, services);
    return { score: s, flagged: s >= decl.threshold };
  };
  const node =
    decl.on === 'text'
      ? defineNode({
          ...common,
          inputs: { text: input.string({ multiline: true }) },
          run: ({ text }, ctx) => verdict(text, ctx.services),
        })
      : defineNode({
          ...common,
          inputs: { images: input.socket('IMAGE') },
          run: ({ images }, ctx) => verdict(images as Frames, ctx.services),
        });
  const classifier: ClassifierSpec = { on: decl.on, threshold: decl.threshold, label: decl.label, score };
  return Object.freeze({ ...node, classifier }) as NodeDefinition & { readonly classifier: ClassifierSpec };
}

export function isClassifier(def: AnyNodeDefinition): def is ClassifierDefinition {
  const c = (def as { classifier?: ClassifierSpec }).classifier;
  return typeof c === 'object' && c !== null && typeof c.score === 'function';
}
