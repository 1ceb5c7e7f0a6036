import { loadVideo } from '../src/decode';
import { encodeH264 } from '../src/h264';

const f = await loadVideo('/work/main/outputs/text-to-video_00001.mp4');
const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
await encodeH264(f);
for (const gap of [0, 100]) {
  const w: number[] = [],
    c: number[] = [];
  for (let i = 0; i < 30; i++) {
    if (gap) await new Promise((r) => setTimeout(r, gap));
    const u0 = process.cpuUsage();
    const t0 = performance.now();
    await encodeH264(f);
    const t1 = performance.now();
    const u = process.cpuUsage(u0);
    w.push(t1 - t0);
    c.push((u.user + u.system) / 1000);
  }
  console.log(`gap ${gap}: wall ${med(w).toFixed(2)} ms, process CPU ${med(c).toFixed(2)} ms`);
}
process.exit(0);
