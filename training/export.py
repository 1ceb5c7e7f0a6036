"""ONNX export (opset 16, dynamic batch/frame axes), model.json, and the onnxruntime-node parity check."""

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

import numpy as np
import torch

import decoder
import tinydata as D
import vae as V
from model import DiT, TextEncoder

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
OPSET = 16

VAE_LEARNED = ('linear PCA encoder (Z=16), per-channel standardised; decoder = PCA decode + a learned convolutional '
               'residual per latent frame (training/decoder.py, {} steps)')
# Sampler defaults written to model.json (chosen by the eval sweep, docs/tiny-model.md).
DEFAULTS = {'steps': 20, 'cfg': 3.0, 'shift': 3.0}


def tensor(name, dtype, shape):
    return {'name': name, 'dtype': dtype, 'shape': shape}


SPECS = {
    'text_encoder': {
        'path': 'text_encoder.onnx',
        'inputs': [tensor('input_ids', 'int64', ['B', 16])],
        'outputs': [tensor('context', 'float32', ['B', 16, 128])],
        'dynamic': {'input_ids': {0: 'B'}, 'context': {0: 'B'}},
    },
    'dit': {
        'path': 'dit.onnx',
        'inputs': [
            tensor('x', 'float32', ['B', 33, 'T', 8, 8]),
            tensor('timestep', 'float32', ['B']),
            tensor('context', 'float32', ['B', 16, 128]),
        ],
        'outputs': [tensor('velocity', 'float32', ['B', 16, 'T', 8, 8])],
        'dynamic': {'x': {0: 'B', 2: 'T'}, 'timestep': {0: 'B'}, 'context': {0: 'B'}, 'velocity': {0: 'B', 2: 'T'}},
    },
    'vae_encoder': {
        'path': 'vae_encoder.onnx',
        'inputs': [tensor('video', 'float32', ['B', 3, 'F', 64, 64])],
        'outputs': [tensor('latents', 'float32', ['B', 16, 'T', 8, 8])],
        'dynamic': {'video': {0: 'B', 2: 'F'}, 'latents': {0: 'B', 2: 'T'}},
    },
    'vae_decoder': {
        'path': 'vae_decoder.onnx',
        'inputs': [tensor('latents', 'float32', ['B', 16, 'T', 8, 8])],
        'outputs': [tensor('video', 'float32', ['B', 3, 'F', 64, 64])],
        'dynamic': {'latents': {0: 'B', 2: 'T'}, 'video': {0: 'B', 2: 'F'}},
    },
}


def load_models(args, data):
    ck = torch.load(os.path.join(args.run_dir, 'ckpt.pt'), map_location='cpu')
    cfg = ck['config']
    te = TextEncoder(len(D.VOCAB))
    dit = DiT(cfg['dim'], cfg['depth'], cfg['heads'])
    te.load_state_dict(ck['ema_te'])
    dit.load_state_dict(ck['ema_dit'])
    pca = {k[4:]: data[k] for k in data if k.startswith('pca_')}
    mods = {'text_encoder': te, 'dit': dit, 'vae_encoder': V.PCAEncoder(pca), 'vae_decoder': V.PCADecoder(pca)}
    dec_ckpt = os.path.join(args.run_dir, 'decoder.pt')
    if getattr(args, 'learned_decoder', False) and os.path.exists(dec_ckpt):
        mods['vae_decoder'], dst = decoder.from_checkpoint(dec_ckpt, pca, data['lat_mean'], data['lat_std'])
        ck['decoder_step'] = dst['step']
    for m in mods.values():
        m.eval()
    return mods, ck


def example_inputs(key, b, t):
    g = torch.Generator().manual_seed(b * 100 + t)
    if key == 'text_encoder':
        ids = torch.tensor([D.tokenize(D.caption(D.clip_params(i))) for i in range(b)], dtype=torch.int64)
        return (ids,)
    if key == 'dit':
        x = torch.randn(b, 33, t, 8, 8, generator=g)
        x[:, 16] = 0
        x[:, 16, :1] = 1
        ctx = torch.randn(b, 16, 128, generator=g)
        return (x, torch.rand(b, generator=g) * 1000, ctx)
    if key == 'vae_encoder':
        clips = np.stack([D.to_float(D.render(D.clip_params(i))) for i in range(b)])[:, :, : 4 * (t - 1) + 1]
        return (torch.tensor(clips),)
    return (torch.randn(b, 16, t, 8, 8, generator=g) * 3,)


def sha256(path):
    h = hashlib.sha256()
    with open(path, 'rb') as f:
        h.update(f.read())
    return h.hexdigest()


def write_bin(arr, path):
    arr = np.ascontiguousarray(arr)
    arr.tofile(path)


def export_file(module, key, folder):
    """Writes one part to folder/<its file name>; returns its manifest entry."""
    spec = SPECS[key]
    path = os.path.join(folder, spec['path'])
    names = [i['name'] for i in spec['inputs']]
    outs = [o['name'] for o in spec['outputs']]
    with torch.no_grad():
        torch.onnx.export(
            module, example_inputs(key, 2, 3), path, opset_version=OPSET, input_names=names, output_names=outs,
            dynamic_axes=spec['dynamic'], do_constant_folding=True,
        )
    return {'path': spec['path'], 'bytes': os.path.getsize(path), 'sha256': sha256(path),
            'inputs': spec['inputs'], 'outputs': spec['outputs']}


def export_all(args, data):
    mods, ck = load_models(args, data)
    out = args.out
    os.makedirs(out, exist_ok=True)
    stage = tempfile.mkdtemp(prefix='tiny-export-')
    files = {}
    for key in SPECS:
        files[key] = export_file(mods[key], key, stage)
    cfg = ck['config']
    manifest = {
        'format': 'reelgraph.model/1',
        'family': 'tiny',
        'name': 'reelgraph-tiny-t2v',
        'version': '0.1.0',
        'files': files,
        'video': {
            'width': 64, 'height': 64, 'channels': 3, 'fps': D.FPS, 'default_frames': D.FRAMES,
            'frame_rule': {'multiple': 4, 'offset': 1}, 'pixel_range': [-1, 1],
        },
        'latent': {
            'channels': 16, 'spatial_compression': 8, 'temporal_compression': 4, 'causal_first_frame': True,
            'mean': [round(float(v), 6) for v in data['lat_mean']],
            'std': [round(float(v), 6) for v in data['lat_std']],
            'rgb_preview': {
                'space': 'normalized',
                'weights': [[round(float(v), 6) for v in row] for row in data['preview_w']],
                'bias': [round(float(v), 6) for v in data['preview_b']],
                'range': [-1, 1],
            },
        },
        'text': {
            'max_length': D.TEXT_LEN, 'context_dim': 128,
            'tokenizer': {
                'type': 'word', 'lowercase': True, 'split': '[^a-z]+', 'unknown': 'drop',
                'vocab': D.VOCAB, 'pad_id': D.PAD_ID, 'bos_id': D.BOS_ID,
            },
            'empty_prompt': '',
        },
        'sampler': {
            'prediction': 'flow_velocity', 'sampler': 'euler', 'scheduler': 'shift',
            'steps': DEFAULTS['steps'], 'cfg': DEFAULTS['cfg'], 'shift': DEFAULTS['shift'], 'sigma_max': 1.0,
            'timestep_scale': 1000,
        },
        'conditioning': {
            'type': 'concat', 'dit_in_channels': 33,
            'layout': [
                {'name': 'noisy_latent', 'start': 0, 'count': 16},
                {'name': 'mask', 'start': 16, 'count': 1},
                {'name': 'cond_latent', 'start': 17, 'count': 16},
            ],
            'mask_granularity': 'latent_frame', 'known_frames_replace': 'final',
            'trained_known_prefixes': [0, 1, 2],
        },
        'dit': {'max_latent_frames': 16, 'dim': cfg['dim'], 'depth': cfg['depth'], 'heads': cfg['heads']},
        'training': {
            'dataset': 'tinydata procedural shapes (training/tinydata.py, packages/tinyvid)',
            'clips': int(data['latents'].shape[0]), 'latent_frames': [5], 'steps': int(ck['step']),
            'wall_minutes': round(ck['trained_s'] / 60, 1),
            'object_radius_px': {'moves': [9, 14], 'grows_shrinks': [7, 15.2]},
            'vae': VAE_LEARNED.format(ck['decoder_step']) if 'decoder_step' in ck else 'linear PCA (Z=16), per-channel standardised',
            'exported': time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime()),
        },
    }
    with open(os.path.join(stage, 'model.json'), 'w') as f:
        json.dump(manifest, f, indent=2)
        f.write('\n')
    ok = parity(mods, stage)
    if not ok:
        raise SystemExit(f'parity check failed; export left in {stage}')
    for name in os.listdir(stage):
        shutil.move(os.path.join(stage, name), os.path.join(out, name))
    shutil.rmtree(stage, ignore_errors=True)
    total = sum(os.path.getsize(os.path.join(out, s['path'])) for s in SPECS.values())
    print(f'exported to {out} ({total / 1e6:.2f} MB ONNX, step {ck["step"]})', flush=True)


def parity(mods, model_dir):
    """Run the ONNX file of every module in `mods` in onnxruntime-node on fixed inputs; compare with torch."""
    tmp = tempfile.mkdtemp(prefix='tiny-parity-')
    cases = []
    shapes = {'text_encoder': [(2, 0)], 'dit': [(2, 5), (1, 3), (1, 1)], 'vae_encoder': [(1, 5), (2, 1)],
              'vae_decoder': [(1, 5), (1, 1)]}
    for key in mods:
        spec = SPECS[key]
        for b, t in shapes[key]:
            ex = example_inputs(key, b, max(t, 1))
            with torch.no_grad():
                y = mods[key](*ex)
            case = {'file': spec['path'], 'inputs': {}, 'outputs': {}}
            for i, (meta, arr) in enumerate(zip(spec['inputs'], ex)):
                p = os.path.join(tmp, f'{key}_{b}_{t}_in{i}.bin')
                write_bin(arr.numpy(), p)
                case['inputs'][meta['name']] = {'dtype': meta['dtype'], 'shape': list(arr.shape), 'path': p}
            p = os.path.join(tmp, f'{key}_{b}_{t}_out.bin')
            write_bin(y.numpy().astype(np.float32), p)
            case['outputs'][spec['outputs'][0]['name']] = {'shape': list(y.shape), 'path': p}
            cases.append(case)
    with open(os.path.join(tmp, 'cases.json'), 'w') as f:
        json.dump(cases, f)
    script = os.path.join(ROOT, 'packages', 'tinyvid', 'scripts', 'parity.ts')
    if shutil.which('pnpm') is None:
        print('pnpm not found: skipping the onnxruntime-node parity check', flush=True)
        return True
    r = subprocess.run(['pnpm', 'exec', 'tsx', script, tmp, model_dir], cwd=ROOT)
    shutil.rmtree(tmp, ignore_errors=True)
    return r.returncode == 0


if __name__ == '__main__':
    sys.exit('run through train.py --export-only')
