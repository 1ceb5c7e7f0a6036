import { readFile } from 'node:fs/promises';
import { extractGraphFromBytes } from './metadata';

export * from './decode';
export * from './encode';
export * from './ffmpeg';
export * from './frames';
export { avcCodec, encodeH264, type H264Stream } from './h264';
export * from './mark';
export * from './metadata';
export { muxMp4 } from './mp4mux';
export { setMp4Tags } from './mp4tag';
export * from './probe';
export * from './resize';

/** The graph embedded in a file Reelgraph wrote (path or bytes), parsed; undefined when there is none. */
export async function extractGraph(file: string | Uint8Array): Promise<unknown> {
  return extractGraphFromBytes(typeof file === 'string' ? await readFile(file) : file);
}
