import { readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { defineNode, input } from '@reelgraph/sdk';
import { outputTarget } from '@reelgraph/sdk/output-folder';
import { toJsonValue } from './json-value';

export const Preview = defineNode({
  type: 'core.preview',
  title: 'Preview value',
  category: 'output',
  description:
    'Show any value in the editor and in the command line output. Makes the graph run what it needs.',
  inputs: { value: input.socket('*', { tooltip: 'Anything: numbers, text, or a summary of larger data' }) },
  outputs: {},
  output: true,
  run: ({ value }, ctx) => {
    ctx.artifact({ kind: 'value', value: toJsonValue(value) });
    return {};
  },
});

export const SaveText = defineNode({
  type: 'core.save-text',
  title: 'Save text',
  category: 'output',
  description:
    'Write text to a new file in the output folder, named <prefix>_00001.txt, <prefix>_00002.txt …; never overwrites.',
  inputs: {
    text: input.string({ multiline: true, tooltip: 'What to write (UTF-8)' }),
    prefix: input.string({
      default: 'reelgraph',
      tooltip: 'File name prefix; "notes/run" writes into a "notes" subfolder of the output folder',
    }),
  },
  outputs: {},
  output: true,
  run: async ({ text, prefix }, ctx) => {
    const outputDir = ctx.services.outputDir;
    if (!outputDir) throw new Error('this host gives no output folder (services.outputDir)');
    const { root, dir, base } = await outputTarget(outputDir, prefix);
    let n = await nextIndex(dir, base);
    for (;;) {
      const file = path.join(dir, `${base}_${String(n).padStart(5, '0')}.txt`);
      try {
        await writeFile(file, text, { encoding: 'utf8', flag: 'wx' }); // wx: a concurrent writer never clobbers
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EEXIST') {
          n++;
          continue;
        }
        throw err;
      }
      const name = path.relative(root, file).split(path.sep).join('/');
      ctx.artifact({
        kind: 'file',
        path: file,
        mime: 'text/plain',
        name,
        meta: { bytes: Buffer.byteLength(text) },
      });
      return {};
    }
  },
});

async function nextIndex(dir: string, base: string): Promise<number> {
  const pattern = new RegExp(`^${base.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}_(\\d+)\\.txt$`);
  let max = 0;
  for (const name of await readdir(dir)) {
    const m = pattern.exec(name);
    if (m) max = Math.max(max, Number(m[1]));
  }
  return max + 1;
}
