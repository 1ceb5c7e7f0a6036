import { defineNode, input } from '@reelgraph/sdk';

const FLOAT_OPS = ['add', 'subtract', 'multiply', 'divide', 'power', 'min', 'max'] as const;
type FloatOp = (typeof FLOAT_OPS)[number];

const floatOps: Record<FloatOp, (a: number, b: number) => number> = {
  add: (a, b) => a + b,
  subtract: (a, b) => a - b,
  multiply: (a, b) => a * b,
  divide: (a, b) => {
    if (b === 0) throw new Error('division by zero');
    return a / b;
  },
  power: (a, b) => a ** b,
  min: Math.min,
  max: Math.max,
};

export const MathNode = defineNode({
  type: 'core.math',
  title: 'Math',
  category: 'math',
  description: 'Combine two numbers: add, subtract, multiply, divide, power, min or max.',
  inputs: {
    op: input.combo(FLOAT_OPS, { tooltip: 'The operation: result = a <op> b' }),
    a: input.float({ tooltip: 'Left operand' }),
    b: input.float({ tooltip: 'Right operand' }),
  },
  outputs: { result: 'FLOAT' },
  run: ({ op, a, b }) => {
    const result = floatOps[op](a, b);
    if (!Number.isFinite(result)) throw new Error(`${op}(${a}, ${b}) is not a finite number`);
    return { result };
  },
});

const INT_OPS = ['add', 'subtract', 'multiply', 'divide', 'modulo', 'power', 'min', 'max'] as const;
type IntOp = (typeof INT_OPS)[number];

const intOps: Record<IntOp, (a: number, b: number) => number> = {
  add: (a, b) => a + b,
  subtract: (a, b) => a - b,
  multiply: (a, b) => a * b,
  divide: (a, b) => {
    if (b === 0) throw new Error('division by zero');
    return Math.floor(a / b);
  },
  modulo: (a, b) => {
    if (b === 0) throw new Error('modulo by zero');
    return ((a % b) + b) % b;
  },
  power: (a, b) => {
    if (b < 0) throw new Error('a negative power of an integer is not an integer');
    return a ** b;
  },
  min: Math.min,
  max: Math.max,
};

export const IntMath = defineNode({
  type: 'core.int-math',
  title: 'Integer math',
  category: 'math',
  description:
    'Combine two whole numbers. Division rounds down and modulo takes the sign of b, so frame indices wrap cleanly.',
  inputs: {
    op: input.combo(INT_OPS, { tooltip: 'The operation: result = a <op> b' }),
    a: input.int({ tooltip: 'Left operand' }),
    b: input.int({ tooltip: 'Right operand' }),
  },
  outputs: { result: 'INT' },
  run: ({ op, a, b }) => {
    const result = intOps[op](a, b);
    if (!Number.isSafeInteger(result)) throw new Error(`${op}(${a}, ${b}) is too large for an integer`);
    return { result: result === 0 ? 0 : result }; // no -0 in the output
  },
});
