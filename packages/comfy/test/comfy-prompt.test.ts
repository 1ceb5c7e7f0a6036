import { readFileSync } from 'node:fs';
import { type GraphDocument, validateGraph } from '@reelgraph/graph';
import { describe, expect, it } from 'vitest';
import { builtinMappings, importComfy, toApiPrompt } from '../src';
import { catalog, models } from './fixtures/catalog';

const fixture = (name: string) =>
  JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8'));

function imported(json: unknown) {
  const r = importComfy(json, { models });
  if (!r.ok) throw new Error(r.message);
  return r;
}

/** Editor-only positions aside, two graphs are the same when nodes, inputs, modes and titles agree. */
const exec = (doc: GraphDocument) =>
  Object.fromEntries(
    Object.entries(doc.nodes).map(([id, n]) => [
      id,
      { ...n, meta: n.meta?.title ? { title: n.meta.title } : undefined },
    ]),
  );

describe('API prompt import', () => {
  it('LTX-Video: SamplerCustom with LTXVConditioning, LTXVScheduler and KSamplerSelect folded in', () => {
    const { doc, report } = imported(fixture('ltxv.prompt.json'));
    expect(report.foreign).toEqual([]);
    expect(doc.nodes['72']?.inputs).toEqual({
      dit: ['44', 'dit'],
      positive: ['6', 'conditioning'],
      negative: ['7', 'conditioning'],
      latent: ['70', 'latent'],
      noise: ['72.noise', 'noise'],
      cfg: 3,
      sampler: 'euler',
      steps: 30,
      scheduler: 'shift',
      denoise: 1,
      add_noise: true,
    });
    expect(doc.nodes['72.noise']?.inputs).toEqual({ seed: 415880217 });
    expect(doc.nodes['70']?.inputs.vae).toEqual(['44', 'vae']);
    expect(doc.nodes['41']?.inputs).toEqual({
      images: ['8', 'images'],
      fps: 24,
      format: 'webp',
      prefix: 'ltxv',
      quality: 85,
    });
    expect(report.folded.map((f) => f.id).sort()).toEqual(['69', '71', '73']);
    expect(doc.nodes['6']?.meta?.title).toBe('CLIP Text Encode (Positive Prompt)');
  });

  it('HunyuanVideo: SamplerCustomAdvanced with guider, scheduler, noise and shift', () => {
    const { doc, report } = imported(fixture('hunyuan.prompt.json'));
    expect(report.foreign).toEqual([]);
    expect(doc.nodes['13']?.inputs).toEqual({
      dit: ['12', 'dit'],
      positive: ['44', 'conditioning'],
      latent: ['45', 'latent'],
      noise: ['25', 'noise'],
      shift: 7,
      cfg: 1,
      sampler: 'euler',
      scheduler: 'shift',
      steps: 20,
      denoise: 1,
    });
    expect(doc.nodes['25']).toMatchObject({ type: 'video.noise', inputs: { seed: 90210 } });
    expect(doc.nodes['73']?.inputs).toEqual({ latent: ['13', 'latent'], vae: ['10', 'vae'] });
    expect(doc.nodes['45']?.inputs.vae).toEqual(['10', 'vae']);
    expect(report.warnings.some((w) => w.startsWith('FluxGuidance 26'))).toBe(true);
  });

  it('Wan 2.2 image to video: two KSamplerAdvanced, WanImageToVideo, a LoRA and unknown classes kept foreign', () => {
    const { doc, report } = imported(fixture('wan22-i2v.prompt.json'));
    expect(report.foreign.map((f) => `${f.id}:${f.class}`)).toEqual([
      '57:LoraLoaderModelOnly',
      '90:SomeCustomLoraStack',
      '91:VHS_VideoCombine',
    ]);
    expect(doc.nodes['50']?.inputs).toEqual({
      vae: ['39', 'vae'],
      start_image: ['52', 'image'],
      latent: ['50.empty', 'latent'],
    });
    expect(doc.nodes['50.empty']?.inputs).toEqual({
      vae: ['39', 'vae'],
      width: 640,
      height: 640,
      frames: 81,
      batch: 1,
    });
    expect(doc.nodes['57b']?.inputs).toMatchObject({
      dit: ['37', 'dit'],
      shift: 8,
      positive: ['6', 'conditioning'],
      negative: ['7', 'conditioning'],
      latent: ['50', 'latent'],
      start_step: 0,
      end_step: 2,
      add_noise: true,
    });
    expect(doc.nodes['58']?.inputs).toMatchObject({
      dit: ['57', 'MODEL'],
      latent: ['57b', 'latent'],
      start_step: 2,
      add_noise: false,
    });
    expect(doc.nodes['90']).toMatchObject({
      type: 'comfy/foreign',
      inputs: { model: ['37', 'dit'], clip: ['38', 'text_encoder'], strength_model: 0.5 },
      foreign: { values: { strength_clip: [0.5, 1] }, outputs: [{ name: '0' }, { name: '1' }] },
    });
    expect(doc.nodes['91']?.inputs).toEqual({ images: ['8', 'images'], extra: ['90', '1'] });
    const errors = validateGraph(doc, catalog).filter((e) => e.code !== 'not_in_options');
    expect(errors.map((e) => `${e.nodeId}:${e.code}`)).toEqual([
      '57:foreign_node',
      '90:foreign_node',
      '91:foreign_node',
    ]);
  });

  it('refuses JSON that is neither format', () => {
    expect(importComfy({ version: 1, nodes: {} })).toMatchObject({ ok: false, error: 'not_comfyui' });
  });
});

describe('API export and the round trip', () => {
  const mappings = builtinMappings();
  it.each(['ltxv.prompt.json', 'hunyuan.prompt.json', 'wan22-i2v.prompt.json'])(
    'import → export → import of %s gives the same graph',
    (name) => {
      const first = imported(fixture(name)).doc;
      const exported = toApiPrompt(first, mappings, catalog);
      expect(exported.errors).toEqual([]);
      const second = imported(JSON.parse(JSON.stringify(exported.prompt))).doc;
      expect(exec(second)).toEqual(exec(first));
    },
  );

  it.each(['ltxv.prompt.json', 'hunyuan.prompt.json', 'wan22-i2v.prompt.json'])(
    'export of %s writes back the classes it came from, with their values',
    (name) => {
      const original = fixture(name) as Record<
        string,
        { class_type: string; inputs: Record<string, unknown> }
      >;
      const { prompt } = toApiPrompt(imported(original).doc, mappings, catalog);
      const changed = Object.entries(original)
        .filter(([id, n]) => prompt[id] && prompt[id].class_type !== n.class_type)
        .map(([id, n]) => `${id}: ${n.class_type} → ${prompt[id]?.class_type}`);
      expect(changed).toEqual([]);
      for (const [id, n] of Object.entries(original)) {
        if (!prompt[id] || prompt[id].class_type !== n.class_type) continue;
        // Mapped on the way (names to Reelgraph's, SaveVideo's "auto" to mp4); model files come back as they were.
        const mapped = /seed|sampler_name|scheduler|^format$/;
        const literal = Object.entries(n.inputs).filter(([, v]) => !Array.isArray(v));
        for (const [k, v] of literal)
          if (!mapped.test(k)) expect([id, k, prompt[id].inputs[k]]).toEqual([id, k, v]);
      }
    },
  );

  it.each(['ltxv.prompt.json', 'hunyuan.prompt.json'])(
    'export of %s writes back the folded chain too: the same classes, as many of each',
    (name) => {
      const original = fixture(name) as Record<string, { class_type: string }>;
      const { prompt } = toApiPrompt(imported(original).doc, mappings, catalog);
      const classes = (p: Record<string, { class_type: string }>) =>
        Object.values(p)
          .map((n) => n.class_type)
          .sort();
      expect(classes(prompt)).toEqual(classes(original));
    },
  );

  it('an imported LTX-Video graph comes back with LTXV classes, not Hunyuan ones', () => {
    const { prompt } = toApiPrompt(imported(fixture('ltxv.prompt.json')).doc, mappings, catalog);
    const classes = Object.values(prompt).map((n) => n.class_type);
    expect(classes).toContain('EmptyLTXVLatentVideo');
    expect(classes).not.toContain('EmptyHunyuanLatentVideo');
    expect(prompt['44']).toEqual({
      class_type: 'CheckpointLoaderSimple',
      inputs: { ckpt_name: 'ltx-video-2b-v0.9.5.safetensors' },
      _meta: { title: 'Load Checkpoint' },
    });
    expect(prompt['38']?.inputs).toEqual({ clip_name: 't5xxl_fp16.safetensors', type: 'ltxv' });
    expect(prompt['72.sigmas']?.inputs).toEqual({
      steps: 30,
      max_shift: 2.05,
      base_shift: 0.95,
      stretch: true,
      terminal: 0.1,
      latent: ['70', 0],
    });
    expect(prompt['72.conditioning']?.inputs).toEqual({
      frame_rate: 25,
      positive: ['6', 0],
      negative: ['7', 0],
    });
    expect(prompt['72']?.inputs).toMatchObject({
      positive: ['72.conditioning', 0],
      negative: ['72.conditioning', 1],
    });
  });

  it('writes foreign nodes back unchanged, values and links included', () => {
    const original = fixture('wan22-i2v.prompt.json');
    const { prompt } = toApiPrompt(imported(original).doc, mappings, catalog);
    // Links into mapped nodes point at the class they came from (CLIPLoader's CLIP is its output 0).
    expect(prompt['90']).toEqual(original['90']);
    expect(prompt['38']).toEqual(original['38']);
    expect(prompt['91']).toEqual(original['91']);
    expect(prompt['57']?.inputs).toEqual(original['57'].inputs);
  });

  it('exports the built-in text-to-video preset as ComfyUI classes', () => {
    const doc = JSON.parse(
      readFileSync(new URL('../../../graphs/text-to-video.json', import.meta.url), 'utf8'),
    );
    const { prompt, errors } = toApiPrompt(doc, mappings, catalog);
    expect(errors).toEqual([]);
    const classes = Object.values(prompt)
      .map((n) => n.class_type)
      .sort();
    expect(classes).toEqual(
      [
        ...['BasicScheduler', 'CFGGuider', 'CLIPTextEncode', 'CheckpointLoaderSimple', 'CreateVideo'],
        ...['EmptyHunyuanLatentVideo', 'KSamplerSelect', 'ModelSamplingSD3', 'RandomNoise'],
        ...['SamplerCustomAdvanced', 'SaveVideo', 'VAEDecode'],
      ].sort(),
    );
  });

  it('names the nodes that have no ComfyUI form', () => {
    const doc: GraphDocument = {
      version: 1,
      nodes: {
        m: { type: 'core.math', inputs: {} },
        s: { type: 'video.save', inputs: { format: 'gif', images: ['m', 'x'] } },
      },
    };
    const { errors } = toApiPrompt(doc, mappings, catalog);
    expect(errors.map((e) => e.nodeId)).toEqual(['m', 's']);
  });
});

describe('value conversions', () => {
  it('turns file prefixes Reelgraph cannot write into safe ones, with a warning', () => {
    const prompt = JSON.parse(JSON.stringify(fixture('wan22-i2v.prompt.json')));
    prompt['48'].inputs.filename_prefix = 'video/My Studio %date%/../clip';
    const { doc, report } = imported(prompt);
    expect(doc.nodes['48']?.inputs.prefix).toBe('video/My_Studio__date_/clip');
    expect(report.warnings.some((w) => w.includes('file prefix'))).toBe(true);
    expect(validateGraph(doc, catalog).some((e) => e.nodeId === '48')).toBe(false);
  });
});

describe('export fidelity', () => {
  const mappings = builtinMappings();
  it('WanImageToVideo comes back as WanImageToVideo, the samplers reading its conditioning again', () => {
    const original = fixture('wan22-i2v.prompt.json');
    const { prompt, errors } = toApiPrompt(imported(original).doc, mappings, catalog);
    expect(errors).toEqual([]);
    expect(prompt['50']?.inputs).toEqual(original['50'].inputs);
    for (const id of ['57b', '58'])
      expect(prompt[id]?.inputs).toMatchObject({ positive: ['50', 0], negative: ['50', 1] });
    expect(prompt['57b']?.inputs.latent_image).toEqual(['50', 2]);
  });

  it('a sampler rewired to other conditioning no longer goes through WanImageToVideo', () => {
    const { doc } = imported(fixture('wan22-i2v.prompt.json'));
    doc.nodes['58']!.inputs.positive = ['7', 'conditioning'];
    const { prompt } = toApiPrompt(doc, mappings, catalog);
    expect(prompt['58']?.inputs.positive).toEqual(['7', 0]);
    expect(prompt['57b']?.inputs.positive).toEqual(['50', 0]);
  });

  it('warns when the conditioning WanImageToVideo passed on is gone', () => {
    const { doc } = imported(fixture('wan22-i2v.prompt.json'));
    delete doc.nodes['6'];
    const { prompt, warnings } = toApiPrompt(doc, mappings, catalog);
    expect(prompt['50']?.inputs.positive).toBeUndefined();
    expect(warnings.some((w) => w.startsWith('50 ') && w.includes('conditioning'))).toBe(true);
  });

  it('a model file matched to a local model is written back under its original name', () => {
    const original = fixture('wan22-i2v.prompt.json');
    original['37'].inputs.unet_name = 'wan/Tiny.safetensors';
    const first = imported(original).doc;
    expect(first.nodes['37']?.inputs.model).toBe('tiny');
    expect(toApiPrompt(first, mappings, catalog).prompt['37']?.inputs.unet_name).toBe('wan/Tiny.safetensors');
    // Re-imported, it is the same graph (the name matches the same model again).
    const again = imported(JSON.parse(JSON.stringify(toApiPrompt(first, mappings, catalog).prompt))).doc;
    expect(exec(again)).toEqual(exec(first));
    // Pointed at another model, the node exports that one.
    first.nodes['37']!.inputs.model = 'other';
    expect(toApiPrompt(first, mappings, catalog).prompt['37']?.inputs.unet_name).toBe('other');
  });
});
