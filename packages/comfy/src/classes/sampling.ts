/**
 * Samplers. ComfyUI spreads one Reelgraph sampler over several nodes (model patches, guiders, sampler
 * and scheduler selectors, noise); those fold into the sampler's inputs as settings carried by flows.
 */
import type { ComfyOrigin, InputValue, Link } from '@reelgraph/graph';
import type { ApiNode } from '../format';
import type { BuildContext, ClassTable, ExportContext, Flow, TypeExporter } from '../mapping';
import { NotMappable, out, w } from '../mapping';
import {
  COMFY_SAMPLERS,
  COMFY_SCHEDULERS,
  ev,
  inputs,
  lv,
  params,
  samplerIn,
  schedulerIn,
  schedulerOut,
} from './values';

const core = { model: 'MODEL', positive: 'CONDITIONING', negative: 'CONDITIONING', latent_image: 'LATENT' };
const samplerName = w.combo('sampler_name', COMFY_SAMPLERS);
const schedulerName = w.combo('scheduler', COMFY_SCHEDULERS);

/** A flow that must be settings only (a guider, sampler or sigmas): a real link cannot fold. */
function settings(ctx: BuildContext, name: string): Flow {
  const f = ctx.flow(name);
  if (f?.link) throw new NotMappable(`its ${name} comes from a node Reelgraph cannot fold into a sampler`);
  return f ?? {};
}

/** The model input: the DiT link, plus what model patches (ModelSamplingSD3) set on the way. */
function model(ctx: BuildContext, name = 'model'): { dit: Link | undefined; params: Flow['params'] } {
  const f = ctx.flow(name);
  return { dit: f?.link, params: f?.params ?? {} };
}

function sampler(ctx: BuildContext, inputs: Record<string, InputValue | undefined>): (Flow | undefined)[] {
  const id = ctx.emit('', 'video.sampler', inputs);
  return [{ link: [id, 'latent'] }, { link: [id, 'latent'] }];
}

/** What KSampler, KSamplerAdvanced and SamplerCustom share: the model (and its patches), conditioning, latent, seeded noise, cfg. */
function common(ctx: BuildContext, seed: string): Record<string, InputValue | undefined> {
  const m = model(ctx);
  return {
    dit: m.dit,
    positive: ctx.link('positive'),
    negative: ctx.link('negative'),
    latent: ctx.link('latent_image'),
    noise: ownNoise(ctx, lv(ctx, seed)),
    cfg: lv(ctx, 'cfg'),
    ...m.params,
  };
}

/** The noise node of a sampler that holds its own seed (KSampler & co.): id + ".noise". */
const ownNoise = (ctx: BuildContext, seed: InputValue | undefined): Link => [
  ctx.emit('.noise', 'video.noise', { seed }),
  'noise',
];

export const samplingClasses: ClassTable[] = [
  {
    class: 'KSampler',
    category: 'sampling',
    widgets: [
      w.seed('seed'),
      w.int('steps', 20),
      w.float('cfg', 8),
      samplerName,
      schedulerName,
      w.float('denoise', 1),
    ],
    sockets: core,
    outputs: out(['LATENT', 'LATENT']),
    build: (ctx) =>
      sampler(ctx, {
        ...common(ctx, 'seed'),
        steps: lv(ctx, 'steps'),
        sampler: samplerIn(ctx, 'sampler_name'),
        scheduler: schedulerIn(ctx, 'scheduler'),
        denoise: lv(ctx, 'denoise'),
      }),
  },
  {
    class: 'KSamplerAdvanced',
    category: 'sampling',
    widgets: [
      w.combo('add_noise', ['enable', 'disable']),
      w.seed('noise_seed'),
      w.int('steps', 20),
      w.float('cfg', 8),
      samplerName,
      schedulerName,
      w.int('start_at_step', 0),
      w.int('end_at_step', 10000),
      w.combo('return_with_leftover_noise', ['disable', 'enable']),
    ],
    sockets: core,
    outputs: out(['LATENT', 'LATENT']),
    build: (ctx) => {
      const add = ctx.value('add_noise');
      return sampler(ctx, {
        ...common(ctx, 'noise_seed'),
        steps: lv(ctx, 'steps'),
        sampler: samplerIn(ctx, 'sampler_name'),
        scheduler: schedulerIn(ctx, 'scheduler'),
        start_step: lv(ctx, 'start_at_step'),
        end_step: lv(ctx, 'end_at_step'),
        add_noise: typeof add === 'string' ? add === 'enable' : undefined,
      });
    },
  },
  {
    class: 'SamplerCustom',
    category: 'sampling/custom_sampling',
    widgets: [w.bool('add_noise', true), w.seed('noise_seed'), w.float('cfg', 8)],
    sockets: { ...core, sampler: 'SAMPLER', sigmas: 'SIGMAS' },
    outputs: out(['output', 'LATENT'], ['denoised_output', 'LATENT']),
    build: (ctx) => {
      return sampler(ctx, {
        ...common(ctx, 'noise_seed'),
        ...settings(ctx, 'sampler').params,
        ...settings(ctx, 'sigmas').params,
        add_noise: lv(ctx, 'add_noise'),
      });
    },
  },
  {
    class: 'SamplerCustomAdvanced',
    category: 'sampling/custom_sampling',
    widgets: [],
    sockets: {
      noise: 'NOISE',
      guider: 'GUIDER',
      sampler: 'SAMPLER',
      sigmas: 'SIGMAS',
      latent_image: 'LATENT',
    },
    outputs: out(['output', 'LATENT'], ['denoised_output', 'LATENT']),
    build: (ctx) => {
      const noise = ctx.flow('noise');
      const guider = settings(ctx, 'guider');
      const disabled = noise?.params?.add_noise === false;
      return sampler(ctx, {
        ...guider.links,
        latent: ctx.link('latent_image'),
        noise: disabled ? ownNoise(ctx, 0) : noise?.link,
        ...guider.params,
        ...settings(ctx, 'sampler').params,
        ...settings(ctx, 'sigmas').params,
        ...(disabled ? { add_noise: false } : {}),
      });
    },
  },
  {
    class: 'RandomNoise',
    category: 'sampling/custom_sampling/noise',
    widgets: [w.seed('noise_seed')],
    sockets: {},
    outputs: out(['NOISE', 'NOISE']),
    build: (ctx) => [{ link: [ctx.emit('', 'video.noise', { seed: lv(ctx, 'noise_seed') }), 'noise'] }],
  },
  {
    class: 'DisableNoise',
    category: 'sampling/custom_sampling/noise',
    widgets: [],
    sockets: {},
    outputs: out(['NOISE', 'NOISE']),
    build: () => [{ params: { add_noise: false } }],
  },
  {
    class: 'CFGGuider',
    category: 'sampling/custom_sampling/guiders',
    widgets: [w.float('cfg', 8)],
    sockets: { model: 'MODEL', positive: 'CONDITIONING', negative: 'CONDITIONING' },
    outputs: out(['GUIDER', 'GUIDER']),
    build: (ctx) => {
      const m = model(ctx);
      const links = { dit: m.dit, positive: ctx.link('positive'), negative: ctx.link('negative') };
      return [{ links: defined(links), params: { ...m.params, ...params({ cfg: ctx.value('cfg') }) } }];
    },
  },
  {
    class: 'BasicGuider',
    category: 'sampling/custom_sampling/guiders',
    widgets: [],
    sockets: { model: 'MODEL', conditioning: 'CONDITIONING' },
    outputs: out(['GUIDER', 'GUIDER']),
    build: (ctx) => {
      const m = model(ctx);
      const links = { dit: m.dit, positive: ctx.link('conditioning') };
      return [{ links: defined(links), params: { ...m.params, cfg: 1 } }];
    },
  },
  {
    class: 'KSamplerSelect',
    category: 'sampling/custom_sampling/samplers',
    widgets: [samplerName],
    sockets: {},
    outputs: out(['SAMPLER', 'SAMPLER']),
    build: (ctx) => [{ params: params({ sampler: samplerIn(ctx, 'sampler_name') }) }],
  },
  {
    class: 'BasicScheduler',
    category: 'sampling/custom_sampling/schedulers',
    widgets: [schedulerName, w.int('steps', 20), w.float('denoise', 1)],
    sockets: { model: 'MODEL' },
    outputs: out(['SIGMAS', 'SIGMAS']),
    build: (ctx) => [
      {
        params: {
          ...model(ctx).params,
          ...params({
            scheduler: schedulerIn(ctx, 'scheduler'),
            steps: ctx.value('steps'),
            denoise: ctx.value('denoise'),
          }),
        },
      },
    ],
  },
  {
    class: 'LTXVScheduler',
    category: 'sampling/custom_sampling/schedulers',
    widgets: [
      w.int('steps', 20),
      w.float('max_shift', 2.05),
      w.float('base_shift', 0.95),
      w.bool('stretch', true),
      w.float('terminal', 0.1),
    ],
    sockets: { latent: 'LATENT' },
    optional: ['latent'],
    outputs: out(['SIGMAS', 'SIGMAS']),
    build: (ctx) => {
      ctx.warn(
        "LTXV's length-dependent shift is not modelled: the shift schedule with the sampler's shift is used",
      );
      return [{ params: params({ steps: ctx.value('steps'), scheduler: 'shift', denoise: 1 }) }];
    },
  },
  {
    class: 'ModelSamplingSD3',
    category: 'advanced/model',
    widgets: [w.float('shift', 3)],
    sockets: { model: 'MODEL' },
    outputs: out(['MODEL', 'MODEL']),
    build: (ctx) => {
      const f = ctx.flow('model');
      return [{ ...f, params: { ...f?.params, ...params({ shift: ctx.value('shift') }) } }];
    },
  },
  {
    class: 'LTXVConditioning',
    category: 'conditioning/video_models',
    widgets: [w.float('frame_rate', 25)],
    sockets: { positive: 'CONDITIONING', negative: 'CONDITIONING' },
    outputs: out(['positive', 'CONDITIONING'], ['negative', 'CONDITIONING']),
    build: (ctx) => {
      ctx.warn('frame_rate conditioning is not used by Reelgraph models');
      return [ctx.flow('positive'), ctx.flow('negative')];
    },
  },
  {
    class: 'FluxGuidance',
    category: 'advanced/conditioning/flux',
    widgets: [w.float('guidance', 3.5)],
    sockets: { conditioning: 'CONDITIONING' },
    outputs: out(['CONDITIONING', 'CONDITIONING']),
    build: (ctx) => {
      ctx.warn('embedded guidance is not used: Reelgraph guides with the sampler cfg');
      return [ctx.flow('conditioning')];
    },
  },
];

function defined(o: Record<string, Link | undefined>): Record<string, Link> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Record<string, Link>;
}

/** The sampler's model input, through a ModelSamplingSD3 (id + ".shift") when it has a shift. */
function modelOut(ctx: ExportContext, nodes: Record<string, ApiNode>): unknown {
  const shift = ctx.node.inputs.shift;
  if (shift === undefined) return ctx.link('dit');
  nodes['.shift'] = {
    class_type: 'ModelSamplingSD3',
    inputs: inputs({ model: ctx.link('dit'), shift: ctx.convert(shift) }),
  };
  return [`${ctx.id}.shift`, 0];
}

/** The folded ComfyUI node the sampler's input `path[0]` came through (and so on down `path`). */
function via(ctx: ExportContext, ...path: string[]): ComfyOrigin | undefined {
  let o: ComfyOrigin | undefined = { class: '', via: ctx.node.meta?.comfy?.via };
  for (const k of path) o = o?.via?.[k];
  return o;
}

/** The conditioning, through the LTXVConditioning or FluxGuidance it was imported through. */
function conditioning(
  ctx: ExportContext,
  nodes: Record<string, ApiNode>,
  through: ComfyOrigin | undefined,
): { positive: unknown; negative: unknown } {
  const positive = ctx.link('positive');
  const negative = ctx.link('negative');
  const wan = through?.class === 'WanImageToVideo' ? through.values?.node : undefined;
  const peer = typeof wan === 'string' ? ctx.peer(wan) : undefined;
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  if (
    peer?.meta?.comfy?.class === 'WanImageToVideo' &&
    (peer.mode ?? 'active') === 'active' &&
    same(peer.meta.comfy.links?.positive, ctx.node.inputs.positive)
  )
    return { positive: [wan, 0], negative: negative === undefined ? undefined : [wan, 1] };
  if (through?.class === 'LTXVConditioning' && negative !== undefined) {
    nodes['.conditioning'] = {
      class_type: 'LTXVConditioning',
      inputs: inputs({ ...through.values, positive, negative }),
    };
    return { positive: [`${ctx.id}.conditioning`, 0], negative: [`${ctx.id}.conditioning`, 1] };
  }
  if (through?.class === 'FluxGuidance') {
    nodes['.guidance'] = {
      class_type: 'FluxGuidance',
      inputs: inputs({ ...through.values, conditioning: positive }),
    };
    return { positive: [`${ctx.id}.guidance`, 0], negative };
  }
  return { positive, negative };
}

function scheduler(
  ctx: ExportContext,
  model: unknown,
  common: { scheduler: unknown; steps: unknown },
): ApiNode {
  const from = via(ctx, 'sigmas');
  if (from?.class === 'LTXVScheduler')
    return {
      class_type: 'LTXVScheduler',
      inputs: inputs({ ...from.values, steps: common.steps, latent: ctx.link('latent') }),
    };
  return {
    class_type: 'BasicScheduler',
    inputs: inputs({ model, scheduler: common.scheduler, steps: common.steps, denoise: ev(ctx, 'denoise') }),
  };
}

const has = (ctx: ExportContext, name: string) => ctx.node.inputs[name] !== undefined;

/**
 * A sampler whose noise is its own (the importer's id + ".noise") is a KSampler, a KSamplerAdvanced when
 * it sets start or end steps, a SamplerCustom when it sets add_noise only (or the class it was imported
 * from, where that can hold its settings); otherwise it is the
 * SamplerCustomAdvanced chain with the noise node as a RandomNoise.
 */
export const samplingExporters: TypeExporter[] = [
  {
    type: 'video.sampler',
    outputs: { latent: ['', 0] },
    emit: (ctx): Record<string, ApiNode> => {
      const nodes: Record<string, ApiNode> = {};
      const noise = ctx.source('noise');
      const own =
        noise &&
        noise.id === `${ctx.id}.noise` &&
        noise.node.type === 'video.noise' &&
        ctx.consumers(noise.id) === 1;
      const common = {
        steps: ev(ctx, 'steps'),
        cfg: ev(ctx, 'cfg'),
        sampler_name: ev(ctx, 'sampler'),
        scheduler: schedulerOut(ev(ctx, 'scheduler')),
      };
      if (own) {
        ctx.absorb(noise.id);
        const seed = ctx.convert(noise.node.inputs.seed);
        const base = {
          model: modelOut(ctx, nodes),
          ...conditioning(ctx, nodes, via(ctx, 'positive')),
          latent_image: ctx.link('latent'),
        };
        const steps = has(ctx, 'start_step') || has(ctx, 'end_step');
        const shape =
          steps || ctx.origin === 'KSamplerAdvanced'
            ? 'KSamplerAdvanced'
            : has(ctx, 'add_noise') || ctx.origin === 'SamplerCustom'
              ? 'SamplerCustom'
              : 'KSampler';
        if (shape === 'SamplerCustom') {
          nodes['.sampler'] = {
            class_type: 'KSamplerSelect',
            inputs: inputs({ sampler_name: common.sampler_name }),
          };
          nodes['.sigmas'] = scheduler(ctx, base.model, common);
          nodes[''] = {
            class_type: 'SamplerCustom',
            inputs: inputs({
              ...base,
              sampler: [`${ctx.id}.sampler`, 0],
              sigmas: [`${ctx.id}.sigmas`, 0],
              add_noise: ev(ctx, 'add_noise'),
              noise_seed: seed,
              cfg: common.cfg,
            }),
          };
        } else if (shape === 'KSampler') {
          nodes[''] = {
            class_type: 'KSampler',
            inputs: inputs({ ...base, seed, ...common, denoise: ev(ctx, 'denoise') }),
          };
        } else {
          if (has(ctx, 'denoise') && ctx.value('denoise') !== 1)
            ctx.warn('KSamplerAdvanced has no denoise: it is left out');
          const end = ctx.value('end_step');
          const steps = ctx.value('steps');
          nodes[''] = {
            class_type: 'KSamplerAdvanced',
            inputs: inputs({
              ...base,
              add_noise: ctx.value('add_noise') === false ? 'disable' : 'enable',
              noise_seed: seed,
              ...common,
              start_at_step: ev(ctx, 'start_step'),
              end_at_step: ev(ctx, 'end_step'),
              return_with_leftover_noise:
                typeof end === 'number' && typeof steps === 'number' && end < steps ? 'enable' : 'disable',
            }),
          };
        }
        return nodes;
      }
      for (const k of ['start_step', 'end_step', 'add_noise'] as const)
        if (has(ctx, k))
          ctx.warn(`${k} has no place in SamplerCustomAdvanced with a shared noise node: left out`);
      const m = modelOut(ctx, nodes);
      const { positive, negative } = conditioning(
        ctx,
        nodes,
        via(ctx, 'guider', 'positive') ?? via(ctx, 'guider', 'conditioning'),
      );
      nodes['.guider'] =
        negative === undefined && ctx.value('cfg') === 1
          ? { class_type: 'BasicGuider', inputs: inputs({ model: m, conditioning: positive }) }
          : {
              class_type: 'CFGGuider',
              inputs: inputs({ model: m, positive, negative, cfg: common.cfg }),
            };
      nodes['.sampler'] = {
        class_type: 'KSamplerSelect',
        inputs: inputs({ sampler_name: common.sampler_name }),
      };
      nodes['.sigmas'] = scheduler(ctx, m, common);
      nodes[''] = {
        class_type: 'SamplerCustomAdvanced',
        inputs: {
          noise: ctx.link('noise'),
          guider: [`${ctx.id}.guider`, 0],
          sampler: [`${ctx.id}.sampler`, 0],
          sigmas: [`${ctx.id}.sigmas`, 0],
          latent_image: ctx.link('latent'),
        },
      };
      return nodes;
    },
  },
  {
    type: 'video.noise',
    outputs: { noise: ['', 0] },
    emit: (ctx) => ({ '': { class_type: 'RandomNoise', inputs: inputs({ noise_seed: ev(ctx, 'seed') }) } }),
  },
];
