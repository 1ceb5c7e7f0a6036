import { defineNode, input } from '@reelgraph/sdk';

export const Int = defineNode({
  type: 'core.int',
  title: 'Integer',
  category: 'constants',
  description: 'A whole number to feed into several inputs at once.',
  inputs: { value: input.int({ tooltip: 'The number this node outputs' }) },
  outputs: { value: 'INT' },
  run: ({ value }) => ({ value }),
});

export const Float = defineNode({
  type: 'core.float',
  title: 'Number',
  category: 'constants',
  description: 'A decimal number to feed into several inputs at once.',
  inputs: { value: input.float({ tooltip: 'The number this node outputs' }) },
  outputs: { value: 'FLOAT' },
  run: ({ value }) => ({ value }),
});

export const Str = defineNode({
  type: 'core.string',
  title: 'Text',
  category: 'constants',
  description: 'A piece of text, e.g. a prompt shared by several nodes.',
  inputs: { value: input.string({ multiline: true, tooltip: 'The text this node outputs' }) },
  outputs: { value: 'STRING' },
  run: ({ value }) => ({ value }),
});

export const Bool = defineNode({
  type: 'core.boolean',
  title: 'Boolean',
  category: 'constants',
  description: 'A true/false switch to feed into several inputs at once.',
  inputs: { value: input.boolean({ tooltip: 'The value this node outputs' }) },
  outputs: { value: 'BOOLEAN' },
  run: ({ value }) => ({ value }),
});
