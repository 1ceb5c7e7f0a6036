/**
 * Writes the pack's two ONNX models (`pnpm --filter @reelgraph/nodes-guard build-models`): logistic
 * regressions, score = sigmoid(features · W + b), as MatMul → Add → Sigmoid. The weights are set
 * here, not trained: they are examples of the classifier contract. The protobuf is written directly
 * (the few ONNX fields these graphs need), so building them needs no Python.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bucket, TEXT_DIM } from '../src/features';

// --- protobuf: varints and length-delimited fields
const varint = (n: number): number[] => {
  const out: number[] = [];
  let v = n;
  while (v > 127) {
    out.push((v & 127) | 128);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return out;
};
const key = (field: number, wire: number) => varint(field * 8 + wire);
const int = (field: number, n: number) => [...key(field, 0), ...varint(n)];
const bytes = (field: number, b: Uint8Array | number[]) => [...key(field, 2), ...varint(b.length), ...b];
const str = (field: number, s: string) => bytes(field, [...Buffer.from(s, 'utf8')]);

// --- ONNX messages (onnx.proto field numbers)
const dim = (d: number | string) => (typeof d === 'number' ? int(1, d) : str(2, d));
const valueInfo = (name: string, shape: (number | string)[]) => [
  ...str(1, name),
  ...bytes(
    2,
    bytes(1, [
      ...int(1, 1),
      ...bytes(
        2,
        shape.flatMap((d) => bytes(1, dim(d))),
      ),
    ]),
  ),
];
const tensor = (name: string, dims: number[], values: number[]) => [
  ...dims.flatMap((d) => int(1, d)),
  ...int(2, 1), // FLOAT
  ...str(8, name),
  ...bytes(9, new Uint8Array(Float32Array.from(values).buffer)),
];
const node = (op: string, inputs: string[], output: string) => [
  ...inputs.flatMap((i) => str(1, i)),
  ...str(2, output),
  ...str(3, `${op.toLowerCase()}_0`),
  ...str(4, op),
];

function linearModel(name: string, weights: number[], bias: number): Uint8Array {
  const d = weights.length;
  const graph = [
    ...bytes(1, node('MatMul', ['features', 'W'], 'z')),
    ...bytes(1, node('Add', ['z', 'b'], 'logit')),
    ...bytes(1, node('Sigmoid', ['logit'], 'score')),
    ...str(2, name),
    ...bytes(5, tensor('W', [d, 1], weights)),
    ...bytes(5, tensor('b', [1], [bias])),
    ...bytes(11, valueInfo('features', ['N', d])),
    ...bytes(12, valueInfo('score', ['N', 1])),
  ];
  return new Uint8Array([
    ...int(1, 8), // ir_version
    ...str(2, 'reelgraph nodes/guard build-models'),
    ...bytes(7, graph),
    ...bytes(8, [...str(1, ''), ...int(2, 13)]), // opset 13
  ]);
}

/** Scam wording: one word of these scores ~0.2, two ~0.7, three ~0.96 (threshold 0.5). */
const SCAM = [
  'giveaway',
  'crypto',
  'bitcoin',
  'lottery',
  'jackpot',
  'casino',
  'winner',
  'prize',
  'click',
  'subscribe',
  'discount',
  'promo',
  'airdrop',
  'wallet',
  'guaranteed',
  'profit',
  'investment',
];
const textWeights = new Array<number>(TEXT_DIM).fill(0);
for (const w of SCAM) textWeights[bucket(w)] = 2.6;

const out = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'models');
writeFileSync(path.join(out, 'scam-text.onnx'), linearModel('scam_text', textWeights, -4));
// mean (r, g, b): pure red → 0.99, grey → 0.05, a purple and yellow still → ~0.1
writeFileSync(path.join(out, 'red-frames.onnx'), linearModel('red_frames', [9, -5, -5], -4));
console.log(`wrote scam-text.onnx and red-frames.onnx to ${out}`);
