/** Stream facts of a media file, read with ffmpeg (the static build ships no ffprobe). */
import { FfmpegError, runFfmpeg } from './ffmpeg';

export interface VideoInfo {
  container: string;
  codec: string;
  pixFmt: string;
  width: number;
  height: number;
  fps: number;
  /** Decoded-from-stream frame count (counted, not estimated). */
  frames: number;
  durationSec?: number;
  hasAudio: boolean;
  audioCodec?: string;
  /** Container-level metadata tags. */
  tags: Record<string, string>;
}

export async function probeVideo(path: string, opts: { signal?: AbortSignal } = {}): Promise<VideoInfo> {
  const { stderr } = await runFfmpeg(['-i', path, '-map', '0:v:0', '-c', 'copy', '-f', 'null', '-'], {
    allowFail: true,
    signal: opts.signal,
  });
  const input = /Input #0, ([^,\n]+)[^\n]*from/.exec(stderr);
  const video =
    /Stream #0:\d+[^:]*: Video: (\w+)[^,\n]*, (\w+)(?:\([^)]*\))?(?:, [^,\n]*?)*?, (\d+)x(\d+)/.exec(stderr);
  if (!input || !video) {
    const tail = stderr.trim().split('\n').slice(-2).join(' | ');
    throw new FfmpegError(`Not a readable video: ${path} (${tail})`, stderr);
  }
  const fps = /, ([\d.]+) fps/.exec(stderr) ?? /, ([\d.]+) tbr/.exec(stderr);
  const counted = [...stderr.matchAll(/frame=\s*(\d+)/g)].pop();
  const duration = /Duration: (\d+):(\d+):([\d.]+)/.exec(stderr);
  const audio = /Stream #0:\d+[^:]*: Audio: (\w+)/.exec(stderr);
  return {
    container: (input[1] as string).trim(),
    codec: video[1] as string,
    pixFmt: video[2] as string,
    width: Number(video[3]),
    height: Number(video[4]),
    fps: fps ? Number(fps[1]) : 0,
    frames: counted ? Number(counted[1]) : 0,
    ...(duration
      ? { durationSec: Number(duration[1]) * 3600 + Number(duration[2]) * 60 + Number(duration[3]) }
      : {}),
    hasAudio: Boolean(audio),
    ...(audio ? { audioCodec: audio[1] as string } : {}),
    tags: containerTags(stderr),
  };
}

/** The `Metadata:` block right under `Input #0` (before the first stream). */
function containerTags(stderr: string): Record<string, string> {
  const tags: Record<string, string> = {};
  const lines = stderr.split('\n');
  const start = lines.findIndex((l) => l.startsWith('Input #0'));
  if (start < 0 || !lines[start + 1]?.trim().startsWith('Metadata:')) return tags;
  for (let i = start + 2; i < lines.length; i++) {
    const m = /^ {4}(\S[^:]*?)\s*: (.*)$/.exec(lines[i] as string);
    if (!m) break;
    tags[m[1] as string] = m[2] as string;
  }
  return tags;
}
