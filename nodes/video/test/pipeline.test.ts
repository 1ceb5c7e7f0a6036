/** The pack's nodes end to end on the random-weight fixture model: plumbing, shapes, files, events. */
import { readdirSync, readFileSync } from 'node:fs';
import { extractGraph, loadVideo, probeVideo } from '@reelgraph/media';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE_MODELS, failures, files, type Host, makeHost, preset, withInputs } from './harness';

let host: Host;
beforeAll(async () => {
  host = await makeHost([FIXTURE_MODELS]);
});
afterAll(() => host?.close());

const t2v = () =>
  withInputs(preset('text-to-video'), { 'model.model': 'mini', 'sampler.steps': 4, 'model.threads': 1 });

describe('video pack on the fixture model', () => {
  it('runs text-to-video into an MP4 that carries the graph, with progress and previews', async () => {
    const events: string[] = [];
    const previews: { frames: number; mime: string }[] = [];
    const doc = t2v();
    const r = await host.run(doc, (e) => {
      events.push(e.type);
      if (e.type === 'node:preview') previews.push(e.preview);
    });
    expect(r.status, failures(r)).toBe('success');
    const [mp4] = files(r);
    expect(mp4).toMatch(/text-to-video_\d{5}\.mp4$/);
    expect(await probeVideo(mp4 as string)).toMatchObject({
      codec: 'h264',
      pixFmt: 'yuv420p',
      frames: 17,
      width: 64,
    });
    expect(await extractGraph(mp4 as string)).toEqual(doc);
    expect(events.filter((e) => e === 'node:progress').length).toBe(4);
    expect(previews.length).toBeGreaterThanOrEqual(1);
    expect(previews[0]).toMatchObject({ mime: 'image/webp', frames: 5 });
  });

  it('is deterministic per seed and re-runs only the save node when fps changes', async () => {
    const a = await host.run(withInputs(t2v(), { 'save.format': 'gif' }));
    const again = await host.executor.run(withInputs(t2v(), { 'save.format': 'gif', 'save.fps': 12 }), {});
    expect(again.executed).toEqual(['save']);
    const b = host.fresh();
    try {
      const r2 = await b.run(withInputs(t2v(), { 'save.format': 'gif' }));
      const seed2 = await b.run(withInputs(t2v(), { 'save.format': 'gif', 'noise.seed': 43 }));
      const fa = readFileSync(files(a)[0] as string);
      expect(readFileSync(files(r2)[0] as string).equals(fa)).toBe(true);
      expect(readFileSync(files(seed2)[0] as string).equals(fa)).toBe(false);
    } finally {
      await b.close();
    }
  });

  it('re-times the MP4 when only the fps changes: same frames, new clock, graph updated', async () => {
    const doc = t2v();
    const first = await host.run(doc);
    const faster = withInputs(doc, { 'save.fps': 16 });
    const again = await host.run(faster);
    expect(again.executed).toEqual(['save']);
    const [a, b] = [files(first)[0] as string, files(again)[0] as string];
    expect(await probeVideo(b)).toMatchObject({ codec: 'h264', pixFmt: 'yuv420p', frames: 17, fps: 16 });
    expect((await loadVideo(b)).data).toEqual((await loadVideo(a)).data);
    expect(await extractGraph(b)).toEqual(faster);
  });

  it('decodes in chunks exactly like all at once', async () => {
    const whole = await host.run(
      withInputs(t2v(), { 'decode.chunk': 0, 'save.format': 'webm', 'save.quality': 4 }),
    );
    const chunked = await host.run(
      withInputs(t2v(), { 'decode.chunk': 2, 'save.format': 'webm', 'save.quality': 4 }),
    );
    expect(whole.status, failures(whole)).toBe('success');
    const [fa, fb] = [files(whole)[0] as string, files(chunked)[0] as string];
    const [va, vb] = [await loadVideo(fa), await loadVideo(fb)];
    expect(Buffer.from(va.data).equals(Buffer.from(vb.data))).toBe(true);
  });

  it('a save that fails leaves no file behind under the name it claimed', async () => {
    const doc = withInputs(t2v(), { 'save.audio': 'graphs/text-to-video.json', 'save.prefix': 'broken' });
    const r = await host.run(doc);
    expect(r.status).toBe('failed');
    expect(failures(r)).toMatch(/save/);
    expect(readdirSync(host.outputDir).filter((f) => f.startsWith('broken'))).toEqual([]);
  });

  it('reports a frame count that breaks the rule as a node failure, not a crash', async () => {
    const r = await host.run(withInputs(t2v(), { 'latent.frames': 13 }));
    expect(r.status).toBe('success');
    const bad = await host.executor
      .run(withInputs(t2v(), { 'latent.frames': 14 }), {})
      .catch((e: { errors?: unknown[] }) => e);
    expect('errors' in (bad as object)).toBe(true); // 14 is not 1 + 4n: the validator rejects the step
  });

  it('gives every input and output of every node a tooltip', () => {
    const video = [...host.nodes.values()].filter((n) => n.schema.type.startsWith('video.'));
    expect(video.length).toBe(16);
    for (const n of video) {
      for (const [name, i] of Object.entries(n.schema.inputs))
        expect(i.tooltip, `${n.schema.type}.${name}`).toBeTruthy();
      for (const [name, o] of Object.entries(n.schema.outputs))
        expect(o.tooltip, `${n.schema.type}.${name}`).toBeTruthy();
    }
  });

  it('chains two samplers over one schedule (steps 0–2 then 2–4) exactly like one sampler', async () => {
    const one = t2v();
    const two = structuredClone(one);
    two.nodes.sampler!.inputs.end_step = 2;
    two.nodes.sampler2 = {
      type: 'video.sampler',
      inputs: {
        ...two.nodes.sampler!.inputs,
        latent: ['sampler', 'latent'],
        start_step: 2,
        end_step: 10000,
        add_noise: false,
      },
    };
    two.nodes.decode!.inputs.latent = ['sampler2', 'latent'];
    for (const d of [one, two]) Object.assign(d.nodes.save!.inputs, { format: 'webp', quality: 100 });
    const [a, b] = [await host.run(one), await host.run(two)];
    expect(b.status, failures(b)).toBe('success');
    const { loadAnimated } = await import('@reelgraph/media');
    const [fa, fb] = [await loadAnimated(files(a)[0] as string), await loadAnimated(files(b)[0] as string)];
    expect(Buffer.from(fa.data).equals(Buffer.from(fb.data))).toBe(true);
  });

  it('cancels between sampler steps', async () => {
    const ac = new AbortController();
    let progress = 0;
    const r = await host.run(
      withInputs(t2v(), { 'sampler.steps': 50, 'noise.seed': 7 }),
      (e) => {
        if (e.type === 'node:progress' && ++progress === 2) ac.abort();
      },
      ac.signal,
    );
    expect(r.status).toBe('cancelled');
    expect(progress).toBeLessThan(50);
  });
});
