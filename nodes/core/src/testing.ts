import { defineNode, input } from '@reelgraph/sdk';

const TICK_MS = 100;

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

export const Delay = defineNode({
  type: 'core.delay',
  title: 'Delay',
  category: 'utility/testing',
  description:
    'Wait, then pass the value through. Reports progress and stops as soon as the job is cancelled: handy to ' +
    'try cancellation and the queue. Runs every time (never cached).',
  inputs: {
    ms: input.int({ default: 1000, min: 0, max: 600_000, tooltip: 'How long to wait, in milliseconds' }),
    value: input.socket('*', { optional: true, tooltip: 'Passed through unchanged once the wait is over' }),
  },
  outputs: { value: '*' },
  cache: 'volatile',
  run: async ({ ms, value }, ctx) => {
    const ticks = Math.max(1, Math.ceil(ms / TICK_MS));
    for (let i = 0; i < ticks; i++) {
      await sleep(Math.min(TICK_MS, ms - i * TICK_MS), ctx.signal);
      ctx.progress(i + 1, ticks);
    }
    return { value };
  },
});

export const Fail = defineNode({
  type: 'core.fail',
  title: 'Fail',
  category: 'utility/testing',
  description: 'Throw an error with the given message: handy to see how a failure is reported and isolated.',
  inputs: {
    message: input.string({ default: 'failed on purpose', tooltip: 'The error message' }),
    value: input.socket('*', { optional: true, tooltip: 'Link something to fail after it' }),
  },
  outputs: { value: '*' },
  run: ({ message }): { value: unknown } => {
    throw new Error(message);
  },
});
