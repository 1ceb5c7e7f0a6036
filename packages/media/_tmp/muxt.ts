import { readFileSync } from 'node:fs';
import { loadVideo } from '../src/decode';
import { encodeH264 } from '../src/h264';
import { muxMp4 } from '../src/mp4mux';

const f = await loadVideo('/work/main/outputs/text-to-video_00001.mp4');
const s = await encodeH264(f);
const graph = readFileSync('/work/main/graphs/text-to-video.json', 'utf8');
const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
for (let k = 0; k < 1000; k++) muxMp4(s, 16, { reelgraph: graph });
const a: number[] = [];
for (let k = 0; k < 50; k++) {
  await new Promise((r) => setTimeout(r, 20));
  const t0 = performance.now();
  muxMp4(s, 16, { reelgraph: graph });
  a.push(performance.now() - t0);
}
const t0 = performance.now();
for (let k = 0; k < 1000; k++) muxMp4(s, 16, { reelgraph: graph });
console.log('hot µs', (performance.now() - t0).toFixed(1), 'cold-ish ms', med(a).toFixed(3));
process.exit(0);
