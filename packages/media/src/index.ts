import { readFile } from 'node:fs/promises';
import { extractGraphFromBytes } from './metadata';

export * from './decode';
export * from './encode';
export * from './ffmpeg';
export * from './frames';
export * from './metadata';
export { retimeMp4, setMp4Tags } from './mp4tag';
export * from './probe';
export * from './resize';

/** The graph embedded in a file Reelgraph wrote (path or bytes), parsed; undefined when there is none. */
export async function extractGraph(file: string | Uint8Array): Promise<unknown> {
  return extractGraphFromBytes(typeof file === 'string' ? await readFile(file) : file);
}
