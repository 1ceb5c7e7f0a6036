import { loadVideo } from '../src/decode';
import { drawI420, i420Size } from '../src/yuv';

const codecs = await import('@napi-rs/webcodecs');
const f = await loadVideo('/work/main/outputs/text-to-video_00001.mp4');
const W = f.width,
  H = f.height;
let outs: number[] = [];
const enc = new codecs.VideoEncoder({
  output: (c) => {
    outs.push(performance.now());
  },
  error: (e) => console.error(e),
});
enc.configure({
  codec: 'avc1.64000a',
  width: W,
  height: H,
  bitrateMode: 'quantizer',
  avc: { format: 'avc' },
});
const px = new Uint8Array(i420Size(W, H));
let ts = 0;
for (let r = 0; r < 5; r++) {
  await new Promise((r) => setTimeout(r, 100));
  outs = [];
  const t0 = performance.now();
  for (let t = 0; t < f.count; t++) {
    drawI420(f, t, px, W, H);
    const fr = new codecs.VideoFrame(px, { format: 'I420', codedWidth: W, codedHeight: H, timestamp: ts++ });
    enc.encode(fr, { keyFrame: t === 0, avc: { quantizer: 18 } });
    fr.close();
  }
  const t1 = performance.now();
  await new Promise((r) => setTimeout(r, 30));
  const n30 = outs.length;
  const last = outs.at(-1)! - t0;
  const t2 = performance.now();
  await enc.flush();
  console.log(
    `calls ${(t1 - t0).toFixed(2)} ms; outputs within 30ms: ${n30}, last at ${last.toFixed(2)} ms; flush took ${(performance.now() - t2).toFixed(2)} ms, total outs ${outs.length}`,
  );
}
process.exit(0);
