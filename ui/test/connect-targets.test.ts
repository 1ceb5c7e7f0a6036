import { describe, expect, it } from 'vitest';
import { connectTargets } from '../src/store/connect';
import { fromDocument } from '../src/store/document';
import { catalog, sampleDoc } from './fixtures';

const items = () => fromDocument(structuredClone(sampleDoc), catalog).items;

describe('connectTargets (the keyboard socket-to-socket connect)', () => {
  it('from an output: the inputs on other nodes that take its type, sockets first', () => {
    const prompt = connectTargets(catalog, items(), { node: '2', socket: 'text', side: 'source' });
    // STRING feeds string widgets too (the combo, the image path): the shared rule decides, not the list.
    expect(prompt.map((c) => `${c.target}.${c.input}`)).toEqual(['1.name', '3.prompt', '3.image']);
    expect(prompt.every((c) => c.source === '2' && c.output === 'text')).toBe(true);
    const loader = connectTargets(catalog, items(), { node: '1', socket: 'model', side: 'source' });
    expect(loader.map((c) => `${c.target}.${c.input}`)).toEqual(['3.model']);
  });

  it('from an input: the outputs that may feed it, never its own node nor one that would make a cycle', () => {
    const into = connectTargets(catalog, items(), { node: '4', socket: 'latent', side: 'target' });
    expect(into).toEqual([{ source: '3', output: 'latent', target: '4', input: 'latent' }]);
    // The sampler feeds the save node: the save node has no outputs, and the sampler cannot feed itself.
    const model = connectTargets(catalog, items(), { node: '3', socket: 'model', side: 'target' });
    expect(model.map((c) => c.source)).toEqual(['1']);
  });

  it('nothing compatible: an empty list', () => {
    expect(connectTargets(catalog, items(), { node: '4', socket: 'fps', side: 'target' })).toEqual([]);
  });
});
