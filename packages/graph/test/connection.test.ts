import { describe, expect, it } from 'vitest';
import { connectionProblem, type GraphDocument } from '../src';
import { baseDoc, catalog } from './catalog';

function doc(): GraphDocument {
  const d = baseDoc();
  d.nodes.i = { type: 't.int', inputs: { value: 2 } };
  d.nodes.f = { type: 't.float', inputs: {} };
  d.nodes.add = { type: 't.add', inputs: { a: 1 } };
  d.nodes.p = { type: 't.pass', inputs: { value: ['s', 'latent'] } };
  return d;
}

const link = (nodeId: string, output: string, to: string, input: string) =>
  connectionProblem(catalog, doc(), { nodeId, output }, { nodeId: to, input });

describe('connectionProblem', () => {
  it('allows same-type links, declared coercions and `*`', () => {
    expect(link('s', 'latent', 'dec', 'latent')).toBeNull();
    expect(link('i', 'value', 'add', 'a')).toBeNull(); // INT → FLOAT
    expect(link('i', 'value', 'p', 'value')).toBeNull(); // into *
    expect(link('p', 'value', 'save', 'images')).toBeNull(); // from *
  });

  it('refuses type mismatches with the shared rule', () => {
    expect(link('f', 'value', 'lat', 'seed')).toBe('FLOAT output "value" cannot feed INT input "seed"');
    expect(link('s', 'latent', 'save', 'images')).toMatch(/LATENT output .* cannot feed IMAGE/);
  });

  it('refuses self-links', () => {
    expect(link('add', 'sum', 'add', 'b')).toBe('A node cannot be linked to itself');
  });

  it('refuses links that would close a loop', () => {
    // lat → s → dec; feeding dec's images back into lat would be a cycle… via a * pass node:
    expect(link('p', 'value', 'lat', 'seed')).toMatch(/create a cycle: "lat" already feeds "p"/);
    expect(link('dec', 'images', 'p', 'value')).toBeNull();
  });

  it('names missing nodes, outputs, inputs and unknown types', () => {
    expect(link('ghost', 'x', 'dec', 'latent')).toBe('Node "ghost" does not exist');
    expect(link('s', 'samples', 'dec', 'latent')).toBe('Node "s" has no output "samples"');
    expect(link('s', 'latent', 'dec', 'lat')).toBe('Node "dec" has no input "lat"');
    const d = doc();
    d.nodes.x = { type: 'gone', inputs: {} };
    expect(
      connectionProblem(catalog, d, { nodeId: 'x', output: 'o' }, { nodeId: 'dec', input: 'latent' }),
    ).toBe('Node "x" has unknown type "gone"');
    expect(link('constructor', 'x', 'dec', 'latent')).toBe('Node "constructor" does not exist');
  });
});
