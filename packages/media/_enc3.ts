const codecs = await import('@napi-rs/webcodecs');
const W = 64,
  H = 64,
  n = 17;
async function trial(format: 'RGBA' | 'I420', reps = 40) {
  const enc = new codecs.VideoEncoder({ output: () => {}, error: (e) => console.error(e) });
  enc.configure({
    codec: 'avc1.64000a',
    width: W,
    height: H,
    bitrateMode: 'quantizer',
    avc: { format: 'avc' },
  } as never);
  const px = new Uint8Array(format === 'RGBA' ? W * H * 4 : (W * H * 3) / 2).fill(128);
  let ts = 0;
  const times: number[] = [],
    sub: number[] = [];
  for (let r = 0; r < reps + 2; r++) {
    await new Promise((res) => setTimeout(res, 30));
    const t0 = performance.now();
    for (let t = 0; t < n; t++) {
      px[(t * 37) % px.length] = (t * 13) & 255;
      const fr = new codecs.VideoFrame(px, { format, codedWidth: W, codedHeight: H, timestamp: ts++ });
      enc.encode(fr, { keyFrame: t === 0, avc: { quantizer: 18 } });
      fr.close();
    }
    const t1 = performance.now();
    await enc.flush();
    if (r >= 2) {
      times.push(performance.now() - t0);
      sub.push(t1 - t0);
    }
  }
  enc.close();
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!.toFixed(2);
  console.log(format, 'total', med(times), 'submit', med(sub));
}
for (let i = 0; i < 2; i++) {
  await trial('RGBA');
  await trial('I420');
}
