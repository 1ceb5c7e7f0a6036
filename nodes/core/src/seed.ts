import { defineNode, input } from '@reelgraph/sdk';

export const Seed = defineNode({
  type: 'core.seed',
  title: 'Seed',
  category: 'constants',
  description:
    'One seed for several noise or sampler nodes. The editor can change it after each run (fixed, increment, ' +
    'randomize); the node itself is deterministic, so an unchanged seed is served from the cache.',
  inputs: { seed: input.seed({ tooltip: 'The same seed gives the same result, run after run' }) },
  outputs: { seed: 'INT' },
  run: ({ seed }) => ({ seed }),
});
