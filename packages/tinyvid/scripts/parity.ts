// Checks exported ONNX files against torch outputs (raw little-endian files written by training/export.py).
// Usage: tsx packages/tinyvid/scripts/parity.ts <casesDir> <modelDir>
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';

interface TensorFile {
  dtype?: 'float32' | 'int64';
  shape: number[];
  path: string;
}
interface Case {
  file: string;
  inputs: Record<string, TensorFile>;
  outputs: Record<string, TensorFile>;
}

const TOLERANCE = 2e-3;

function readTensor(t: TensorFile): ort.Tensor {
  const buf = readFileSync(t.path);
  const bytes = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
  if (t.dtype === 'int64') return new ort.Tensor('int64', new BigInt64Array(bytes), t.shape);
  return new ort.Tensor('float32', new Float32Array(bytes), t.shape);
}

async function main(): Promise<void> {
  const [casesDir, modelDir] = process.argv.slice(2);
  if (!casesDir || !modelDir) throw new Error('usage: parity.ts <casesDir> <modelDir>');
  const cases = JSON.parse(readFileSync(join(casesDir, 'cases.json'), 'utf8')) as Case[];
  const sessions = new Map<string, ort.InferenceSession>();
  let failed = 0;
  for (const c of cases) {
    let session = sessions.get(c.file);
    if (!session) {
      session = await ort.InferenceSession.create(join(modelDir, c.file), { intraOpNumThreads: 2 });
      sessions.set(c.file, session);
    }
    const feeds: Record<string, ort.Tensor> = {};
    for (const [name, t] of Object.entries(c.inputs)) feeds[name] = readTensor(t);
    const result = await session.run(feeds);
    for (const [name, t] of Object.entries(c.outputs)) {
      const want = readTensor(t).data as Float32Array;
      const got = result[name];
      if (!got) throw new Error(`${c.file}: missing output ${name}`);
      const data = got.data as Float32Array;
      const shapeOk = got.dims.join(',') === t.shape.join(',');
      let maxDiff = 0;
      let maxAbs = 0;
      for (let i = 0; i < want.length; i++) {
        maxDiff = Math.max(maxDiff, Math.abs((data[i] ?? Number.NaN) - (want[i] ?? 0)));
        maxAbs = Math.max(maxAbs, Math.abs(want[i] ?? 0));
      }
      const ok = shapeOk && data.length === want.length && maxDiff <= TOLERANCE * Math.max(1, maxAbs);
      if (!ok) failed++;
      console.log(
        `${ok ? 'ok  ' : 'FAIL'} ${c.file} ${name} [${got.dims.join(',')}] max|diff| ${maxDiff.toExponential(2)} (max|y| ${maxAbs.toFixed(2)})`,
      );
    }
  }
  if (failed) {
    console.error(`${failed} parity check(s) failed`);
    process.exit(1);
  }
}

await main();
