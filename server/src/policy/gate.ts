import { randomUUID } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import path from 'node:path';
import type { GraphDocument } from '@reelgraph/graph';
import { HttpError } from '../errors';
import { checkGraph, type PolicyFinding, type TextInput, textInputs } from './check-graph';
import type { CompiledPolicy } from './rules';

/** Who submitted: the user (with `--users`), else only the client id and address are known. */
export interface Submitter {
  user?: string;
  clientId?: string;
  address: string;
}

export interface PolicyGate {
  /**
   * Throws `422 policy_refused` (with the rule ids and the node/input of each hit) when a refuse rule
   * matches; otherwise returns the warn rules' hits. Every refusal is logged.
   */
  enforce(doc: GraphDocument, who: Submitter): Promise<PolicyFinding[]>;
}

/** The append-only record of refusals, one JSON object a line, in the data folder. */
export const REFUSAL_LOG = 'policy-refusals.jsonl';

/**
 * The rules first (cheap, in this process), then the plugins' text classifiers (in the node host,
 * where pack code runs) only when no rule refused already.
 */
export function createPolicyGate(
  policy: CompiledPolicy,
  dataDir: string,
  log: (message: string) => void,
  classify: (texts: TextInput[]) => Promise<PolicyFinding[]>,
): PolicyGate {
  const logFile = path.join(dataDir, REFUSAL_LOG);
  return {
    async enforce(doc, who) {
      const { refused, warnings } = checkGraph(doc, policy);
      if (refused.length === 0 && policy.classifiers.length > 0)
        refused.push(...(await classify(textInputs(doc))));
      if (refused.length === 0) return warnings;
      // The job never exists: the refusal gets its own id, shown to the user and kept in the log.
      const refusalId = randomUUID();
      const record = {
        at: new Date().toISOString(),
        refusalId,
        user: who.user ?? null,
        clientId: who.clientId ?? null,
        address: who.address,
        rules: [...new Set(refused.map((f) => f.ruleId))],
        findings: refused,
      };
      appendFileSync(logFile, `${JSON.stringify(record)}\n`);
      log(
        `policy refused submission ${refusalId} from ${who.user ?? who.clientId ?? '-'}@${who.address}: ` +
          refused.map((f) => `${f.ruleId} in ${f.nodeId}.${f.input}`).join(', '),
      );
      const first = refused[0] as PolicyFinding;
      const messages = new Map(policy.rules.map((c) => [c.rule.id, c.rule.message ?? c.rule.category]));
      for (const f of refused)
        if (!messages.has(f.ruleId)) messages.set(f.ruleId, `${f.category} (${f.ruleId})`);
      throw new HttpError(
        422,
        'policy_refused',
        `refused by the server's usage policy: ${messages.get(first.ruleId)} (node ${first.nodeId}, input ${first.input})`,
        { refusalId, refusals: refused },
      );
    },
  };
}
