import { defineNode, input } from '@reelgraph/sdk';

const SLOT = /\{\{|\}\}|\{([a-d])\}/g;

/** Fill `{a}`…`{d}` in a template; `{{` and `}}` are literal braces; any other `{…}` is left as is. */
export function formatTemplate(
  template: string,
  values: Partial<Record<'a' | 'b' | 'c' | 'd', unknown>>,
): string {
  return template.replace(SLOT, (match, name: 'a' | 'b' | 'c' | 'd' | undefined) => {
    if (match === '{{') return '{';
    if (match === '}}') return '}';
    const value = name === undefined ? undefined : values[name];
    return value === undefined ? '' : String(value);
  });
}

const slot = (name: string) =>
  input.string({ optional: true, tooltip: `Replaces {${name}} in the template; link numbers here too` });

export const Format = defineNode({
  type: 'core.format',
  title: 'Format text',
  category: 'text',
  description:
    'Build text from a template: "a {a} on {b}" with a, b, c, d filled from the inputs. {{ and }} are braces.',
  inputs: {
    template: input.string({
      default: 'a {a} on {b}',
      multiline: true,
      tooltip: 'Text with {a} … {d} slots',
    }),
    a: slot('a'),
    b: slot('b'),
    c: slot('c'),
    d: slot('d'),
  },
  outputs: { text: 'STRING' },
  run: ({ template, ...values }) => ({ text: formatTemplate(template, values) }),
});
