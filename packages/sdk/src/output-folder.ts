import { mkdir, realpath } from 'node:fs/promises';
import path from 'node:path';

/** Each segment starts with a letter, digit, "_" or "-": no absolute paths, no "..", no hidden files. */
const PREFIX = /^[\w-][\w.-]*(\/[\w-][\w.-]*)*$/;

export interface OutputTarget {
  /** The real output folder (links resolved): artifact names are relative to it. */
  root: string;
  /** The real folder the file goes into, created if missing; always inside `root`. */
  dir: string;
  /** The file name's stem (the prefix's last segment). */
  base: string;
}

/**
 * Where an output node writes a file named by `prefix` ("clips/run" → folder "clips", stem "run").
 * The folders are made one at a time and each one's real path is checked before the next is made,
 * so a link under the output folder can neither receive the file nor get folders made outside.
 */
export async function outputTarget(outputDir: string, prefix: string): Promise<OutputTarget> {
  if (!PREFIX.test(prefix)) {
    throw new Error(
      `prefix "${prefix}" must be a relative name made of letters, digits, ".", "_", "-" and "/"`,
    );
  }
  await mkdir(outputDir, { recursive: true });
  const root = await realpath(outputDir);
  const segments = prefix.split('/');
  const base = segments.pop() as string;
  let dir = root;
  for (const segment of segments) {
    const next = path.join(dir, segment);
    await mkdir(next).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'EEXIST') throw err;
    });
    dir = await realpath(next);
    if (!isInside(root, dir)) {
      throw new Error(`prefix "${prefix}" leads out of the output folder through a link; choose another`);
    }
  }
  return { root, dir, base };
}

function isInside(root: string, p: string): boolean {
  const rel = path.relative(root, p);
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel);
}
