import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type ort from 'onnxruntime-node';

const MODELS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'models');
const sessions = new Map<string, Promise<ort.InferenceSession>>();
let runtime: Promise<typeof ort> | undefined;
/** onnxruntime-node on first use: every CLI start loads this pack, and most never classify anything. */
const onnxruntime = () => {
  // CommonJS: the namespace's default is module.exports, unless a bundler already unwrapped it.
  runtime ??= import('onnxruntime-node').then((m) => (m.default ?? m) as typeof ort);
  return runtime;
};

/**
 * One row of features through a model in `models/` (input `features` [1, D] → output `score` [1, 1]).
 * The session is made once per process, on first use.
 */
export async function scoreWith(model: string, features: Float32Array): Promise<number> {
  const ort = await onnxruntime();
  let session = sessions.get(model);
  if (!session) {
    session = ort.InferenceSession.create(path.join(MODELS, model), {
      executionProviders: ['cpu'],
      intraOpNumThreads: 1,
    });
    sessions.set(model, session);
    session.catch(() => sessions.delete(model));
  }
  const s = await session;
  const out = await s.run({ features: new ort.Tensor('float32', features, [1, features.length]) });
  const score = out.score;
  if (!score) throw new Error(`${model} has no output "score"`);
  return (score.data as Float32Array)[0] as number;
}
