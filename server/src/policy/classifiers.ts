import type { PolicyFinding } from '@reelgraph/protocol';
import {
  type AnyNodeDefinition,
  type ClassifierSpec,
  type ClassifierTarget,
  isClassifier,
  type NodeServices,
} from '@reelgraph/sdk';
import type { TextInput } from './check-graph';
import type { PolicyClassifier } from './rules';

/** A classifier the policy names, found among the host's nodes. */
interface Resolved {
  type: string;
  spec: ClassifierSpec;
  threshold: number;
}

/** The failure name of an output refused by a classifier (the job's error for that node). */
export const POLICY_REFUSED = 'policy_refused';

/** The policy's classifiers for `on`; throws (stopping the start) when one is not a loaded classifier. */
export function resolveClassifiers(
  nodes: ReadonlyMap<string, AnyNodeDefinition>,
  list: readonly PolicyClassifier[],
  on?: ClassifierTarget,
): Resolved[] {
  return list.flatMap((c) => {
    const def = nodes.get(c.node);
    if (!def) throw new Error(`policy: classifier "${c.node}" is not a node of any loaded pack`);
    if (!isClassifier(def))
      throw new Error(`policy: node "${c.node}" is not a classifier (made with defineClassifier)`);
    const spec = def.classifier;
    if (on && spec.on !== on) return [];
    return [{ type: c.node, spec, threshold: c.threshold ?? spec.threshold }];
  });
}

/** Score one value; a classifier that fails refuses (the policy fails closed). */
async function judge(
  c: Resolved,
  value: Parameters<ClassifierSpec['score']>[0],
  services: Partial<NodeServices>,
): Promise<string | undefined> {
  let score: number;
  try {
    score = await c.spec.score(value, services);
  } catch (err) {
    return `classifier failed: ${err instanceof Error ? err.message : String(err)}`.slice(0, 80);
  }
  return score >= c.threshold ? `score ${score.toFixed(2)} ≥ ${c.threshold}` : undefined;
}

/** Every text input through every text classifier: the hits, as policy findings. */
export async function classifyTexts(
  nodes: ReadonlyMap<string, AnyNodeDefinition>,
  list: readonly PolicyClassifier[],
  texts: readonly TextInput[],
  services: Partial<NodeServices>,
): Promise<PolicyFinding[]> {
  const found: PolicyFinding[] = [];
  for (const c of resolveClassifiers(nodes, list, 'text')) {
    for (const t of texts) {
      const match = await judge(c, t.text, services);
      if (match)
        found.push({
          ruleId: `classifier:${c.type}`,
          category: c.spec.label,
          action: 'refuse',
          match,
          nodeId: t.nodeId,
          input: t.input,
        });
    }
  }
  return found;
}

const isFrames = (v: unknown): v is Parameters<ClassifierSpec['score']>[0] =>
  typeof v === 'object' && v !== null && (v as { data?: unknown }).data instanceof Uint8Array;

/**
 * Output nodes that first run the policy's frame classifiers over the frames they are given: a
 * refused clip is never written (nothing to delete, nothing served), and the node fails with
 * `policy_refused` naming the classifier.
 */
export function withFrameClassifiers(
  nodes: ReadonlyMap<string, AnyNodeDefinition>,
  list: readonly PolicyClassifier[],
): Map<string, AnyNodeDefinition> {
  const classifiers = resolveClassifiers(nodes, list, 'frames');
  const out = new Map(nodes);
  if (classifiers.length === 0) return out;
  for (const [type, def] of nodes) {
    if (!def.schema.output) continue;
    out.set(type, {
      schema: def.schema,
      cache: def.cache,
      run: async (inputs, ctx) => {
        for (const [input, value] of Object.entries(inputs)) {
          if (!isFrames(value)) continue;
          for (const c of classifiers) {
            const match = await judge(c, value, ctx.services);
            if (!match) continue;
            const err = new Error(
              `refused by the server's usage policy: classifier ${c.type} (${c.spec.label}) on input ${input}: ${match}`,
            );
            err.name = POLICY_REFUSED;
            throw err;
          }
        }
        return def.run(inputs, ctx);
      },
    });
  }
  return out;
}
