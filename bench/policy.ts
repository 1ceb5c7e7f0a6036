/**
 * Prompt policy check time per job (`pnpm bench policy`): a graph with one 2,000-character prompt and a
 * few short text inputs, against 100 rules (the example policy's 9 plus 91 made-up rules of 12 terms,
 * every 10th a "near" rule and every 15th a pattern). Prints the median and p99 of the per-job check,
 * then the same for the example text classifier (nodes/guard) over the job's text inputs.
 */
import { readFileSync } from 'node:fs';
import { ScamText } from '../nodes/guard/src/index';
import type { GraphDocument } from '../packages/graph/src';
import example from '../policies/example.json' with { type: 'json' };
import { checkGraph, textInputs } from '../server/src/policy/check-graph';
import { compilePolicy, type PolicyRule, parsePolicy } from '../server/src/policy/rules';

// Deterministic made-up words (no blocked meaning), so the rule count is real without inventing a policy.
let seed = 7;
const rand = () => {
  seed = (seed * 1103515245 + 12345) % 2 ** 31;
  return seed / 2 ** 31;
};
const word = () =>
  Array.from(
    { length: 4 + Math.floor(rand() * 6) },
    () => 'abcdefghijkmnopqrstuvwxyz'[Math.floor(rand() * 25)],
  ).join('');

const rules: PolicyRule[] = [...(example.rules as PolicyRule[])];
for (let i = rules.length; i < 100; i++) {
  const rule: PolicyRule = { id: `synthetic.${i}`, category: 'synthetic', action: i % 3 ? 'refuse' : 'warn' };
  if (i % 10 === 0)
    rule.near = {
      sets: [
        [word(), word(), word()],
        [word(), word()],
      ],
      within: 5,
    };
  else if (i % 15 === 0) rule.patterns = [`\\b${word()}\\s+\\d+\\b`];
  else rule.terms = Array.from({ length: 12 }, () => (rand() < 0.3 ? `${word()} ${word()}` : word()));
  rules.push(rule);
}
const policy = compilePolicy(parsePolicy({ version: 1, rules }));

const sentence =
  'A slow dolly shot through a rain-soaked neon street at night, reflections on the asphalt, a woman in a yellow coat walks past a noodle bar, steam rising, 35mm film grain, shallow depth of field. ';
let prompt = '';
while (prompt.length < 2000) prompt += sentence;
prompt = prompt.slice(0, 2000);

const doc: GraphDocument = {
  version: 1,
  nodes: {
    prompt: { type: 'video.prompt', inputs: { text: prompt, negative: 'blurry, low quality, watermark' } },
    save: { type: 'video.save', inputs: { prefix: 'reelgraph', format: 'mp4' } },
    model: { type: 'video.load_model', inputs: { model: 'tiny-t2v' } },
  },
};

const verdict = checkGraph(doc, policy);
if (verdict.refused.length > 0) throw new Error('the bench prompt must pass');

for (let i = 0; i < 200; i++) checkGraph(doc, policy); // warm-up
const times: number[] = [];
for (let i = 0; i < 2000; i++) {
  const t0 = performance.now();
  checkGraph(doc, policy);
  times.push(performance.now() - t0);
}
times.sort((a, b) => a - b);
const q = (p: number) =>
  (times[Math.min(times.length - 1, Math.floor(p * times.length))] as number).toFixed(3);
console.log(
  `policy check, ${rules.length} rules, ${prompt.length}-char prompt: median ${q(0.5)} ms, p99 ${q(0.99)} ms (${times.length} jobs)`,
);

// The example text classifier (nodes/guard, ONNX through onnxruntime-node) over the same job's text
// inputs: what `classifiers: [{ "node": "guard.scam-text" }]` adds at submit, in the node host.
const texts = textInputs(doc);
const classify = async () => {
  for (const t of texts) await ScamText.classifier.score(t.text, {});
};
for (let i = 0; i < 50; i++) await classify(); // session load and warm-up
const ctimes: number[] = [];
for (let i = 0; i < 500; i++) {
  const t0 = performance.now();
  await classify();
  ctimes.push(performance.now() - t0);
}
ctimes.sort((a, b) => a - b);
const cq = (p: number) =>
  (ctimes[Math.min(ctimes.length - 1, Math.floor(p * ctimes.length))] as number).toFixed(3);
console.log(
  `text classifier guard.scam-text (ONNX), ${texts.length} text inputs: median ${cq(0.5)} ms, p99 ${cq(0.99)} ms per job (${ctimes.length} jobs; load ${readFileSync('/proc/loadavg', 'utf8').split(' ')[0]})`,
);
