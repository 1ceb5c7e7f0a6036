import { validateGraph } from '@reelgraph/graph';
import { describe, expect, it } from 'vitest';
import { builtinMappings, comfyNodes as flat, importComfy, toApiPrompt } from '../src';
import { catalog, models } from './fixtures/catalog';
import { promotedWidgets } from './fixtures/promoted-widgets';
import { wan21T2v } from './fixtures/wan21-t2v';
import { wan22Subgraph } from './fixtures/wan22-subgraph';
import { buildNodes, workflow } from './fixtures/workflow-builder';

function imported(json: unknown) {
  const r = importComfy(json, { models, catalog });
  if (!r.ok) throw new Error(r.message);
  return r;
}

describe('UI workflow import: Wan 2.1 text to video', () => {
  const { doc, report } = imported(wan21T2v());

  it('maps every node, keeps the unknown-to-Reelgraph LoRA as a bypassed foreign node', () => {
    expect(report.format).toBe('workflow');
    expect(report.foreign).toEqual([
      { id: '60', class: 'LoraLoaderModelOnly', reason: 'no Reelgraph equivalent' },
    ]);
    expect(doc.nodes['60']).toMatchObject({
      type: 'comfy/foreign',
      mode: 'bypassed',
      inputs: {
        model: ['37', 'dit'],
        lora_name: 'wan_fox_lora.safetensors',
        strength_model: 1.0000000000000002,
      },
      foreign: { class: 'LoraLoaderModelOnly', outputs: [{ name: 'MODEL', type: 'MODEL' }] },
    });
    expect(report.folded.map((f) => f.class)).toEqual(['ModelSamplingSD3', 'CreateVideo']);
    expect(report.absorbed.map((a) => a.class).sort()).toEqual(['PrimitiveNode', 'Reroute']);
  });

  it('folds the model patch into the sampler, takes the seed from the primitive, follows the reroute', () => {
    expect(doc.nodes['3']).toEqual({
      type: 'video.sampler',
      inputs: {
        dit: ['60', 'MODEL'],
        positive: ['6', 'conditioning'],
        negative: ['7', 'conditioning'],
        latent: ['40', 'latent'],
        noise: ['3.noise', 'noise'],
        steps: 30,
        cfg: 6,
        shift: 8,
        sampler: 'euler',
        scheduler: 'shift',
        denoise: 1,
      },
      meta: expect.objectContaining({ position: expect.any(Object) }),
    });
    expect(doc.nodes['3.noise']?.inputs).toEqual({ seed: 123456 });
    expect(doc.nodes['8']).toMatchObject({
      type: 'video.vae_decode',
      inputs: { latent: ['3', 'latent'], vae: ['39', 'vae'] },
      meta: { collapsed: true },
    });
    expect(doc.nodes['40']?.inputs).toEqual({
      vae: ['39', 'vae'],
      width: 832,
      height: 480,
      frames: 33,
      batch: 1,
    });
    expect(report.warnings).toContain('KSampler 3: sampler "uni_pc" is not in Reelgraph: using euler');
  });

  it('turns CreateVideo + SaveVideo into one save node; the muted save stays muted', () => {
    expect(doc.nodes['50']?.inputs).toEqual({
      images: ['8', 'images'],
      fps: 16,
      format: 'mp4',
      prefix: 'video/ComfyUI',
    });
    expect(doc.nodes['51']).toMatchObject({
      type: 'video.save',
      mode: 'muted',
      inputs: { format: 'webp', fps: 16, quality: 90 },
    });
    expect(doc.nodes['6']?.meta?.title).toBe('CLIP Text Encode (Positive Prompt)');
  });

  it('keeps notes, groups and the viewport; lists the missing model files', () => {
    expect(doc.meta?.notes).toEqual([
      expect.objectContaining({
        id: 'note-52',
        text: 'Models\n\n## Wan 2.1\nPut the **models** in `models/`.',
      }),
    ]);
    expect(doc.meta?.groups).toEqual([
      {
        id: 'group-1',
        title: 'Step1 - Load models',
        color: '#3f789e',
        bounds: { x: -20, y: -40, width: 700, height: 600 },
      },
    ]);
    expect(doc.meta?.viewport).toEqual({ x: 120, y: -40, zoom: 0.8 });
    expect(report.missingModels.map((m) => m.name)).toEqual([
      'wan2.1_t2v_1.3B_fp16.safetensors',
      'umt5_xxl_fp8_e4m3fn_scaled.safetensors',
      'wan_2.1_vae.safetensors',
    ]);
  });

  it('validates with only the foreign node and the missing models in the way', () => {
    const errors = validateGraph(doc, catalog);
    expect(errors.map((e) => `${e.nodeId}:${e.code}`).sort()).toEqual(
      ['60:foreign_node', '37:not_in_options', '38:not_in_options', '39:not_in_options'].sort(),
    );
  });
});

describe('UI workflow import: a subgraph (Wan 2.2 image to video)', () => {
  const { doc, report } = imported(wan22Subgraph());
  const nodes = flat(doc);

  it('flattens the interior with instance:inner ids and wires the boundary through', () => {
    expect(report.foreign).toEqual([]);
    expect(nodes['130:128']).toMatchObject({
      type: 'video.image_to_video',
      inputs: { vae: ['130:106', 'vae'], start_image: ['97', 'image'], latent: ['130:128.empty', 'latent'] },
    });
    // width is linked from the interior PrimitiveInt, so the link wins over the stale 1280.
    expect(nodes['130:128.empty']?.inputs).toEqual({
      vae: ['130:106', 'vae'],
      width: ['130:109', 'value'],
      height: 704,
      frames: 41,
      batch: 1,
    });
    expect(nodes['130:109']).toMatchObject({ type: 'core.int', inputs: { value: 704 } });
    expect(nodes['108']?.inputs).toEqual({
      images: ['130:111', 'images'],
      fps: 24,
      format: 'mp4',
      prefix: 'video/eagle',
    });
    expect(nodes['130:107']?.inputs.text).toBe('a felt eagle rings up groceries');
    expect(nodes['130:110']?.inputs.noise).toEqual(['130:110.noise', 'noise']);
    const def = Object.values(doc.definitions?.subgraphs ?? {})[0];
    expect(def?.meta?.notes?.map((n) => n.id)).toEqual(['note-112']);
    expect(nodes['97']?.meta?.title).toBe('Start Frame Image');
  });

  it('validates except for the model files', () => {
    const errors = validateGraph(doc, catalog);
    expect(errors.every((e) => e.code === 'not_in_options' && e.inner?.input === 'model')).toBe(true);
    expect(errors).toHaveLength(3);
  });
});

describe('UI workflow import: promoted widgets of a subgraph instance (proxyWidgets)', () => {
  const { doc, report } = imported(promotedWidgets());
  const nodes = flat(doc);

  it('takes the values the instance shows, not the interior copies', () => {
    // ["-1", "text"]: the definition input's value reaches the interior prompt.
    expect(nodes['20:6']?.inputs.text).toBe('a paper boat on a puddle');
    // ["9", "steps"]: an interior widget named directly.
    expect(nodes['20:9']?.inputs.steps).toBe(12);
    expect(nodes['20:9']?.inputs.cfg).toBe(6);
  });

  it('keeps the groups drawn inside the definition, and a PrimitiveInt control value is no stray widget', () => {
    expect(doc.meta?.groups?.map((g) => [g.id, g.title])).toEqual([['group-1', 'Outside']]);
    const def = Object.values(doc.definitions?.subgraphs ?? {})[0];
    expect(def?.meta?.groups?.map((g) => [g.id, g.title])).toEqual([['group-2', 'Prompt']]);
    expect(nodes['20:7']).toMatchObject({ type: 'core.int', inputs: { value: 33 } });
    expect(report.warnings.filter((w) => w.includes('PrimitiveInt'))).toEqual([]);
    expect(report.foreign.map((f) => f.class)).toEqual(['SomePackToggle', 'SomePackSeed']);
  });

  it("names an unknown class's widget values by its widget slots when every value has one", () => {
    expect(nodes['20:11']?.foreign?.values ?? nodes['20:11']?.inputs).toMatchObject({
      enabled: true,
    });
    expect(nodes['20:11']?.foreign?.widgets).toBeUndefined();
    expect(nodes['20:12']?.inputs).toEqual({});
    expect(nodes['20:12']?.foreign?.widgets).toEqual([7, 'fixed']);
    // Named, the value reaches an API prompt; unnamed ones cannot.
    const { prompt } = toApiPrompt(doc, builtinMappings(), catalog);
    expect(prompt['20:11']).toMatchObject({ class_type: 'SomePackToggle', inputs: { enabled: true } });
  });
});

describe('UI workflow export', () => {
  it('leaves muted nodes out and wires bypassed ones through, as ComfyUI queues them', () => {
    const { doc } = imported(wan21T2v());
    const { prompt, errors } = toApiPrompt(doc, builtinMappings(), catalog);
    expect(errors).toEqual([]);
    expect(prompt['51']).toBeUndefined();
    expect(prompt['60']).toBeUndefined();
    expect(prompt['3.shift']?.inputs).toEqual({ model: ['37', 0], shift: 8 });
    expect(prompt['3']?.inputs).toMatchObject({ model: ['3.shift', 0], seed: 123456, sampler_name: 'euler' });
    expect(prompt['50']?.class_type).toBe('SaveVideo');
    expect(prompt['50.video']?.inputs).toEqual({ images: ['8', 0], fps: 16 });
  });
});

describe('UI workflow import: a subgraph inside a subgraph', () => {
  const def = (id: string, inner: ReturnType<typeof buildNodes>, ins: string[], outs: string[]) => ({
    id,
    version: 1,
    name: id,
    inputNode: { id: -10, bounding: [0, 0, 120, 80] },
    outputNode: { id: -20, bounding: [900, 0, 120, 80] },
    inputs: ins.map((name, i) => ({ id: `${id}-in${i}`, name, type: 'CLIP' })),
    outputs: outs.map((name, i) => ({ id: `${id}-out${i}`, name, type: 'CONDITIONING' })),
    nodes: inner.nodes,
    links: inner.links,
    groups: [],
  });
  const encode = (id: number, text: string) => ({
    id,
    type: 'CLIPTextEncode',
    in: ['clip:CLIP'],
    out: ['CONDITIONING:CONDITIONING'],
    w: [text],
  });
  const B = 'b0000000-0000-4000-8000-000000000002';
  const A = 'a0000000-0000-4000-8000-000000000001';
  /** With `second`: another instance of A (in that mode) feeding a second sampler. */
  const make = (instanceMode = 0, second?: number) =>
    workflow({
      nodes: [
        ...(second === undefined
          ? []
          : [
              {
                id: 11,
                type: A,
                mode: second,
                in: ['clip:CLIP'],
                out: ['positive:CONDITIONING', 'negative:CONDITIONING'],
              },
              {
                id: 24,
                type: 'KSampler',
                in: ['model:MODEL', 'positive:CONDITIONING', 'negative:CONDITIONING', 'latent_image:LATENT'],
                out: ['LATENT:LATENT'],
                w: [2, 'fixed', 8, 5, 'euler', 'simple', 1],
              },
            ]),
        {
          id: 1,
          type: 'UNETLoader',
          out: ['MODEL:MODEL'],
          w: ['wan2.1_t2v_1.3B_fp16.safetensors', 'default'],
        },
        { id: 2, type: 'CLIPLoader', out: ['CLIP:CLIP'], w: ['umt5.safetensors', 'wan', 'default'] },
        { id: 3, type: 'VAELoader', out: ['VAE:VAE'], w: ['wan_2.1_vae.safetensors'] },
        {
          id: 10,
          type: A,
          mode: instanceMode,
          in: ['clip:CLIP'],
          out: ['positive:CONDITIONING', 'negative:CONDITIONING'],
        },
        {
          id: 20,
          type: 'KSampler',
          in: ['model:MODEL', 'positive:CONDITIONING', 'negative:CONDITIONING', 'latent_image:LATENT'],
          out: ['LATENT:LATENT'],
          w: [1, 'fixed', 8, 5, 'euler', 'simple', 1],
        },
        { id: 21, type: 'EmptyHunyuanLatentVideo', out: ['LATENT:LATENT'], w: [64, 64, 9, 1] },
        { id: 22, type: 'VAEDecode', in: ['samples:LATENT', 'vae:VAE'], out: ['IMAGE:IMAGE'] },
        { id: 23, type: 'SaveAnimatedWEBP', in: ['images:IMAGE'], w: ['nested', 8, false, 80, 'default'] },
      ],
      links: [
        [2, 0, 10, 0],
        [1, 0, 20, 0],
        [10, 0, 20, 1],
        [10, 1, 20, 2],
        [21, 0, 20, 3],
        [20, 0, 22, 0],
        [3, 0, 22, 1],
        [22, 0, 23, 0],
        ...(second === undefined
          ? []
          : ([
              [2, 0, 11, 0],
              [1, 0, 24, 0],
              [11, 0, 24, 1],
              [11, 1, 24, 2],
              [21, 0, 24, 3],
            ] as [number, number, number, number][])),
      ],
      definitions: {
        subgraphs: [
          def(
            A,
            buildNodes(
              {
                nodes: [
                  { id: 5, type: B, in: ['clip:CLIP'], out: ['CONDITIONING:CONDITIONING'] },
                  encode(6, 'blurry'),
                ],
                links: [
                  [-10, 0, 5, 0],
                  [-10, 0, 6, 0],
                  [5, 0, -20, 0],
                  [6, 0, -20, 1],
                ],
              },
              100,
              true,
            ),
            ['clip'],
            ['positive', 'negative'],
          ),
          def(
            B,
            buildNodes(
              {
                nodes: [encode(7, 'a lantern floats upward')],
                links: [
                  [-10, 0, 7, 0],
                  [7, 0, -20, 0],
                ],
              },
              200,
              true,
            ),
            ['clip'],
            ['CONDITIONING'],
          ),
        ],
      },
    });

  it('flattens both levels with nested instance ids and wires each boundary through', () => {
    const { doc, report } = imported(make());
    const nodes = flat(doc);
    expect(report.foreign).toEqual([]);
    expect(nodes['10:5:7']).toMatchObject({
      type: 'video.text_encode',
      inputs: { text_encoder: ['2', 'text_encoder'], text: 'a lantern floats upward' },
    });
    expect(nodes['10:6']?.inputs.text_encoder).toEqual(['2', 'text_encoder']);
    expect(nodes['20']?.inputs).toMatchObject({
      positive: ['10:5:7', 'conditioning'],
      negative: ['10:6', 'conditioning'],
    });
    // 2 → both encoders, both encoders → the sampler, and the root's five other links.
    expect(report.links).toEqual({ comfy: 9, kept: 9 });
  });

  it('comes across as Reelgraph subgraphs: a version-2 document, definitions nested, instances kept', () => {
    const { doc } = imported(make());
    expect(doc.version).toBe(2);
    const defs = doc.definitions?.subgraphs ?? {};
    expect(Object.keys(defs)).toHaveLength(2);
    expect(doc.nodes['10']).toMatchObject({
      type: expect.stringMatching(/^subgraph:/),
      inputs: { clip: ['2', 'text_encoder'] },
    });
    const outer = defs[doc.nodes['10']!.type.slice('subgraph:'.length)]!;
    expect(Object.keys(outer.nodes).sort()).toEqual(['5', '6']);
    // Sockets are named after the ComfyUI instance's (clip, positive, negative), typed from the catalog.
    expect(outer.inputs).toEqual([{ name: 'clip', type: 'TEXT_ENCODER' }]);
    expect(outer.outputs.map((o) => o.name)).toEqual(['positive', 'negative']);
    expect(outer.outputs.map((o) => o.from)).toEqual([
      ['5', 'conditioning'],
      ['6', 'conditioning'],
    ]);
    expect(outer.nodes['6']?.inputs.text_encoder).toEqual(['$inputs', 'clip']);
    const inner = defs[outer.nodes['5']!.type.slice('subgraph:'.length)]!;
    expect(Object.keys(inner.nodes)).toEqual(['7']);
    expect(doc.nodes['20']?.inputs).toMatchObject({
      positive: ['10', 'positive'],
      negative: ['10', 'negative'],
    });
    expect(validateGraph(doc, catalog).filter((e) => e.code !== 'not_in_options')).toEqual([]);
  });

  it('exports the subgraphs flattened with ComfyUI ids, and the prompt exports to itself again', () => {
    const { doc } = imported(make());
    const { prompt, errors } = toApiPrompt(doc, builtinMappings(), catalog);
    expect(errors).toEqual([]);
    expect(prompt['10:5:7']).toMatchObject({ class_type: 'CLIPTextEncode', inputs: { clip: ['2', 0] } });
    expect(prompt['20']?.inputs).toMatchObject({ positive: ['10:5:7', 0], negative: ['10:6', 0] });
    const again = imported(JSON.parse(JSON.stringify(prompt))).doc;
    expect(toApiPrompt(again, builtinMappings(), catalog).prompt).toEqual(prompt);
  });

  it('two instances of one definition share it; the muted one keeps its mode on the instance only', () => {
    const { doc } = imported(make(0, 2));
    expect(Object.keys(doc.definitions?.subgraphs ?? {})).toHaveLength(2);
    expect(doc.nodes['11']?.type).toBe(doc.nodes['10']?.type);
    expect(doc.nodes['11']?.mode).toBe('muted');
    const def = doc.definitions?.subgraphs?.[doc.nodes['11']!.type.slice('subgraph:'.length)];
    expect(Object.values(def?.nodes ?? {}).every((n) => n.mode === undefined)).toBe(true);
  });

  it('a muted instance mutes everything inside it, nested levels too', () => {
    const { doc } = imported(make(2));
    const nodes = flat(doc);
    expect(nodes['10:5:7']?.mode).toBe('muted');
    expect(nodes['10:6']?.mode).toBe('muted');
    expect(nodes['20']?.mode).toBeUndefined();
  });
});
