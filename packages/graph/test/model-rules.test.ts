import { describe, expect, it } from 'vitest';
import {
  type Catalog,
  type ModelConstraints,
  modelRuleProblem,
  promptWarnings,
  promptWords,
  snapToModel,
  validateGraph,
} from '../src';

const tiny: ModelConstraints = {
  width: { multiple: 8, min: 64, max: 64 },
  height: { multiple: 8, min: 64, max: 64 },
  frames: { multiple: 4, offset: 1, max: 61 },
  text: { maxWords: 3, lowercase: true, split: '[^a-z]+', vocab: ['red', 'circle', 'moves', 'a'] },
};
const free: ModelConstraints = { ...tiny, width: { multiple: 16, min: 16, max: 1024 } };
const model = { id: 'tiny', constraints: tiny };

const catalog: Catalog = {
  types: {
    VAE: { color: '#fff', accepts: [] },
    LATENT: { color: '#fff', accepts: [] },
  },
  nodes: {
    load: {
      type: 'load',
      version: 1,
      title: 'Load',
      category: 't',
      description: '',
      inputs: {
        model: { type: 'STRING', widget: 'combo', options: ['tiny', 'other'], models: { tiny } },
      },
      outputs: { vae: { type: 'VAE' } },
      output: false,
      cache: 'pure',
    },
    pass: {
      type: 'pass',
      version: 1,
      title: 'Pass',
      category: 't',
      description: '',
      inputs: { vae: { type: 'VAE', widget: 'socket' } },
      outputs: { vae: { type: 'VAE' } },
      output: false,
      cache: 'pure',
    },
    latent: {
      type: 'latent',
      version: 1,
      title: 'Latent',
      category: 't',
      description: '',
      inputs: {
        vae: { type: 'VAE', widget: 'socket' },
        width: {
          type: 'INT',
          widget: 'number',
          min: 8,
          max: 4096,
          step: 8,
          modelRule: { via: 'vae', rule: 'width' },
        },
        frames: {
          type: 'INT',
          widget: 'number',
          min: 1,
          max: 1025,
          modelRule: { via: 'vae', rule: 'frames' },
        },
      },
      outputs: { latent: { type: 'LATENT' } },
      output: true,
      cache: 'pure',
    },
  },
};

const graph = (model: string, width: number, frames: number, through = false) => ({
  version: 1,
  nodes: {
    l: { type: 'load', inputs: { model } },
    ...(through ? { p: { type: 'pass', inputs: { vae: ['l', 'vae'] } } } : {}),
    x: { type: 'latent', inputs: { vae: [through ? 'p' : 'l', 'vae'], width, frames } },
  },
});

describe('model rules', () => {
  it('say why a size or a frame count does not suit the model', () => {
    expect(modelRuleProblem(64, 'width', model)).toBeUndefined();
    expect(modelRuleProblem(1000, 'height', model)).toMatch(/64×64 video only/);
    expect(modelRuleProblem(17, 'frames', model)).toBeUndefined();
    expect(modelRuleProblem(16, 'frames', model)).toMatch(/4n\+1/);
    expect(modelRuleProblem(65, 'frames', model)).toMatch(/at most 61/);
    expect(modelRuleProblem(40, 'width', { id: 'f', constraints: free })).toMatch(/multiple of 16/);
  });

  it('snap to the nearest allowed value', () => {
    expect(snapToModel(63, 'width', tiny)).toBe(64);
    expect(snapToModel(1000, 'height', tiny)).toBe(64);
    expect(snapToModel(40, 'width', free)).toBe(48);
    expect(snapToModel(16, 'frames', tiny)).toBe(17);
    expect(snapToModel(14, 'frames', tiny)).toBe(13);
    expect(snapToModel(200, 'frames', tiny)).toBe(61);
    expect(snapToModel(-5, 'frames', tiny)).toBe(1);
  });

  it('read a prompt as the tokenizer does', () => {
    expect(promptWords('A red CIRCLE, zooms!', tiny)).toEqual([
      { word: 'a', known: true, cut: false },
      { word: 'red', known: true, cut: false },
      { word: 'circle', known: true, cut: false },
      { word: 'zooms', known: false, cut: false },
    ]);
    expect(promptWords('a red circle moves', tiny).at(-1)).toEqual({ word: 'moves', known: true, cut: true });
    expect(promptWarnings('a red ball', model)).toEqual(['The model "tiny" ignores: ball']);
    expect(promptWarnings('dog cat', model)[0]).toMatch(/knows none of these words/);
    expect(promptWarnings('a red circle', model)).toEqual([]);
    expect(promptWarnings('', model)).toEqual([]);
  });

  it('refuse at validation on the right input, through pass-through nodes too', () => {
    expect(validateGraph(graph('tiny', 64, 17), catalog)).toEqual([]);
    for (const through of [false, true]) {
      const errors = validateGraph(graph('tiny', 1000, 16, through), catalog);
      expect(errors.map((e) => [e.nodeId, e.input, e.code])).toEqual([
        ['x', 'width', 'model_mismatch'],
        ['x', 'frames', 'model_mismatch'],
      ]);
      expect(errors[0]?.message).toMatch(/"tiny" makes 64×64 video only/);
    }
    // A model without constraints, or an unlinked model input, adds no rule.
    expect(validateGraph(graph('other', 1000, 16), catalog)).toEqual([]);
    // The generic step rule still comes first: 63 is off the step, not also a model problem.
    expect(validateGraph(graph('tiny', 63, 17), catalog).map((e) => e.code)).toEqual(['off_step']);
  });
});
