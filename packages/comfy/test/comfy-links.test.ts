import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { builtinMappings, importComfy, toApiPrompt } from '../src';
import { catalog, models } from './fixtures/catalog';
import { promotedWidgets } from './fixtures/promoted-widgets';
import { hunyuanT2v, ltxvI2v, wan21I2v, wan22T2v } from './fixtures/video-templates';
import { wan21T2v } from './fixtures/wan21-t2v';
import { wan22Subgraph } from './fixtures/wan22-subgraph';

const fixture = (name: string) =>
  JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8'));

type UiNode = { id: number; type: string; mode: number; inputs: { link: number | null }[] };
type UiLink = [number, number, number, number, number, string];
const VIRTUAL = new Set(['Note', 'MarkdownNote', 'Reroute', 'PrimitiveNode']);

/** Links between executable nodes, counted from the file itself (reroute chains are one link). */
function uiLinks(wf: { nodes: UiNode[]; links: UiLink[] }): number {
  const type = new Map(wf.nodes.map((n) => [n.id, n.type]));
  const byTarget = new Map(wf.links.map((l) => [`${l[3]}#${l[4]}`, l]));
  let count = 0;
  for (const l of wf.links) {
    if (VIRTUAL.has(type.get(l[3]) ?? '')) continue;
    let origin: UiLink | undefined = l;
    while (origin && type.get(origin[1]) === 'Reroute') origin = byTarget.get(`${origin[1]}#0`);
    if (origin && !VIRTUAL.has(type.get(origin[1]) ?? '')) count++;
  }
  return count;
}

function promptLinks(p: Record<string, { inputs: Record<string, unknown> }>): number {
  return Object.values(p)
    .flatMap((n) => Object.values(n.inputs))
    .filter((v) => Array.isArray(v) && v.length === 2 && typeof v[0] === 'string' && v[0] in p).length;
}

const workflows = { wan21I2v, wan21T2v, wan22T2v, ltxvI2v, hunyuanT2v };
const prompts = ['ltxv.prompt.json', 'hunyuan.prompt.json', 'wan22-i2v.prompt.json'];

function imported(json: unknown) {
  const r = importComfy(json, { models });
  if (!r.ok) throw new Error(r.message);
  return r;
}

describe('no link lost: template-shaped workflows', () => {
  for (const [name, make] of Object.entries(workflows)) {
    it(`${name}: every link kept, every node mapped, folded or foreign, modes and groups kept`, () => {
      const wf = make() as unknown as { nodes: UiNode[]; links: UiLink[]; groups: unknown[] };
      const { doc, report } = imported(wf);
      const links = uiLinks(wf);
      expect(links).toBeGreaterThan(10);
      expect(report.links).toEqual({ comfy: links, kept: links });
      expect(report.warnings.filter((w) => w.includes('could not be kept'))).toEqual([]);

      const executable = wf.nodes.filter((n) => !VIRTUAL.has(n.type)).map((n) => String(n.id));
      const accounted = [...report.mapped, ...report.folded, ...report.foreign].map((n) => n.id);
      expect(accounted.sort()).toEqual(executable.sort());
      for (const n of wf.nodes) {
        const mode = { 2: 'muted', 4: 'bypassed' }[n.mode];
        if (mode && doc.nodes[String(n.id)]) expect(doc.nodes[String(n.id)]?.mode).toBe(mode);
      }
      expect(doc.meta?.groups?.length).toBe(wf.groups.length);
      const notes = wf.nodes.filter((n) => n.type === 'Note' || n.type === 'MarkdownNote').length;
      expect(doc.meta?.notes?.length ?? 0).toBe(notes);
    });
  }

  it('a subgraph workflow keeps every link across the boundary', () => {
    const { report } = imported(wan22Subgraph());
    // Root: LoadImage → start_image and the instance's VIDEO → SaveVideo, each wired to the interior
    // node across the boundary; interior: 10 links between nodes.
    expect(report.links).toEqual({ comfy: 12, kept: 12 });
  });

  for (const name of prompts)
    it(`${name}: every link kept`, () => {
      const p = fixture(name);
      const { report } = imported(p);
      const links = promptLinks(p);
      expect(report.links).toEqual({ comfy: links, kept: links });
    });
});

describe('where a link would be lost the node stays foreign', () => {
  it('Wan 2.1 image to video: the CLIP vision output has no Reelgraph input, so WanImageToVideo is kept', () => {
    const { doc, report } = imported(wan21I2v());
    expect(report.foreign.map((f) => `${f.id}:${f.class}`).sort()).toEqual([
      '49:CLIPVisionLoader',
      '50:WanImageToVideo',
      '51:CLIPVisionEncode',
    ]);
    expect(report.foreign.find((f) => f.id === '50')?.reason).toMatch(/clip_vision_output/);
    expect(doc.nodes['50']?.inputs).toMatchObject({
      positive: ['6', 'conditioning'],
      negative: ['7', 'conditioning'],
      vae: ['39', 'vae'],
      clip_vision_output: ['51', 'CLIP_VISION_OUTPUT'],
      start_image: ['52', 'image'],
      width: 512,
    });
    expect(doc.nodes['3']?.inputs).toMatchObject({
      positive: ['50', 'positive'],
      negative: ['50', 'negative'],
      latent: ['50', 'latent'],
    });
  });

  it('without the CLIP vision link the same node maps (start image only)', () => {
    const wf = wan21I2v() as { links: UiLink[] };
    wf.links = wf.links.filter((l) => !(l[3] === 50 && l[4] === 3));
    const { report } = imported(wf);
    expect(report.foreign.map((f) => f.class).sort()).toEqual(['CLIPVisionEncode', 'CLIPVisionLoader']);
    expect(report.links.kept).toBe(report.links.comfy);
  });

  it('a pack table that ignores one of its inputs does not lose the link: the node is kept foreign', () => {
    const mappings = builtinMappings().register({
      classes: [
        {
          class: 'MyUpscale',
          widgets: [],
          sockets: { images: 'IMAGE', model: 'UPSCALE_MODEL' },
          outputs: [{ name: 'IMAGE', type: 'IMAGE' }],
          build: (ctx) => [ctx.flow('images')],
        },
      ],
    });
    const prompt = {
      '1': { class_type: 'LoadImage', inputs: { image: 'a.png' } },
      '2': { class_type: 'UpscaleModelLoader', inputs: { model_name: 'x4.pth' } },
      '3': { class_type: 'MyUpscale', inputs: { images: ['1', 0], model: ['2', 0] } },
      '4': { class_type: 'PreviewImage', inputs: { images: ['3', 0] } },
    };
    const r = importComfy(prompt, { mappings });
    if (!r.ok) throw new Error(r.message);
    expect(r.report.foreign.map((f) => f.id).sort()).toEqual(['2', '3']);
    expect(r.report.links).toEqual({ comfy: 3, kept: 3 });
    expect(r.doc.nodes['4']?.inputs.images).toEqual(['3', 'IMAGE']);
  });

  it('a muted folding node is kept as a muted node, not folded away', () => {
    const wf = wan21T2v() as { nodes: UiNode[] };
    const shift = wf.nodes.find((n) => n.type === 'ModelSamplingSD3') as UiNode;
    shift.mode = 2;
    const { doc, report } = imported(wf);
    expect(doc.nodes[String(shift.id)]).toMatchObject({ type: 'comfy/foreign', mode: 'muted' });
    expect(report.links.kept).toBe(report.links.comfy);
  });

  it('a bypassed folding node is kept as a bypassed node, and export wires through it', () => {
    const wf = wan21T2v() as { nodes: UiNode[] };
    const shift = wf.nodes.find((n) => n.type === 'ModelSamplingSD3') as UiNode;
    shift.mode = 4;
    const { doc, report } = imported(wf);
    const id = String(shift.id);
    expect(doc.nodes[id]).toMatchObject({
      type: 'comfy/foreign',
      mode: 'bypassed',
      foreign: { class: 'ModelSamplingSD3' },
    });
    expect(report.foreign.find((f) => f.id === id)?.reason).toMatch(/bypassed/);
    expect(report.links.kept).toBe(report.links.comfy);
    // The sampler reads the model through it, with no shift of its own; the prompt skips it, as ComfyUI does.
    const sampler = Object.values(doc.nodes).find((n) => n.type === 'video.sampler');
    expect(sampler?.inputs.dit).toEqual([id, 'MODEL']);
    expect(sampler?.inputs.shift).toBeUndefined();
    const { prompt } = toApiPrompt(doc, builtinMappings(), catalog);
    expect(prompt[id]).toBeUndefined();
    const ks = Object.values(prompt).find((n) => n.class_type === 'KSampler');
    const model = ks?.inputs.model as [string, number] | undefined;
    expect(prompt[model?.[0] ?? '']?.class_type).toBe('UNETLoader');
  });
});

describe('export is a fixed point: a prompt exported from any fixture exports the same again', () => {
  const mappings = builtinMappings();
  const exportOf = (value: unknown) => {
    const r = importComfy(value, { models });
    if (!r.ok) throw new Error(r.message);
    return toApiPrompt(r.doc, mappings, catalog).prompt;
  };
  const cases: [string, () => unknown][] = [
    ...Object.entries({ ...workflows, wan22Subgraph, promotedWidgets }),
    ...prompts.map((name): [string, () => unknown] => [name, () => fixture(name)]),
  ];
  it.each(cases)('%s', (_, make) => {
    const first = exportOf(make());
    expect(Object.keys(first).length).toBeGreaterThan(0);
    expect(exportOf(JSON.parse(JSON.stringify(first)))).toEqual(first);
  });
});
