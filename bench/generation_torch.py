"""PyTorch side of bench/generation.ts: the same DiT sampling loop (Euler, CFG as one batch-2 call) on the
same weights, noise and text contexts, timed on the same threads. Not a suite of its own (bench/run.ts
only runs .ts files); generation.ts calls it:
  python3 bench/generation_torch.py <ckpt.pt> <io-dir> <steps> <cfg> <shift> <threads>
<io-dir> holds noise.bin [1,16,T,8,8] and ctx.bin [2,16,128] ([uncond; cond]) as float32; writes out.bin
(the final latent) and prints one JSON line {"ms": [...per run], "T": T}."""
import json
import os
import sys
import time

os.environ.setdefault('OMP_WAIT_POLICY', 'PASSIVE')  # before torch loads OpenMP: no spinning threads

import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'training'))
from model import DiT  # noqa: E402

if sys.argv[1] == '--export-dit':
    # python3 bench/generation_torch.py --export-dit <ckpt.pt> <out.onnx>: the checkpoint's EMA DiT as ONNX
    # (opset 16, dynamic B and T, as training/export.py does), so both sides can run the same weights.
    ck = torch.load(sys.argv[2], map_location='cpu')
    c = ck['config']
    dit = DiT(c['dim'], c['depth'], c['heads'])
    dit.load_state_dict(ck['ema_dit'])
    dit.eval()
    ex = (torch.zeros(2, 33, 5, 8, 8), torch.full((2,), 500.0), torch.zeros(2, 16, 128))
    with torch.no_grad():
        torch.onnx.export(dit, ex, sys.argv[3], opset_version=16, input_names=['x', 'timestep', 'context'],
                          output_names=['velocity'], do_constant_folding=True,
                          dynamic_axes={'x': {0: 'B', 2: 'T'}, 'timestep': {0: 'B'}, 'context': {0: 'B'},
                                        'velocity': {0: 'B', 2: 'T'}})
    print(json.dumps({'step': int(ck['step'])}))
    sys.exit(0)

ckpt, io, steps, cfg, shift, threads = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4]), \
    float(sys.argv[5]), int(sys.argv[6])
torch.set_num_threads(threads)
ck = torch.load(ckpt, map_location='cpu')
want = int(os.environ.get('EXPECT_STEP', '-1'))
if want >= 0 and int(ck['step']) != want:
    print(json.dumps({'error': f"checkpoint is at step {ck['step']}, the shipped ONNX files at step {want}: not the same weights"}))
    sys.exit(0)
c = ck['config']
dit = DiT(c['dim'], c['depth'], c['heads'])
dit.load_state_dict(ck['ema_dit'])
dit.eval()

noise = torch.from_numpy(np.fromfile(os.path.join(io, 'noise.bin'), dtype=np.float32))
T = noise.numel() // (16 * 64)
noise = noise.reshape(1, 16, T, 8, 8)
ctx = torch.from_numpy(np.fromfile(os.path.join(io, 'ctx.bin'), dtype=np.float32)).reshape(2, 16, 128)

# Same schedule as @reelgraph/runtime flowSigmas(steps, shift, 'shift'): float64, then used as f32 tensors.
base = [1.0 - i / steps for i in range(steps)]
sig = [shift * b / (1 + (shift - 1) * b) for b in base] + [0.0]
cond = torch.zeros(2, 17, T, 8, 8)  # text-to-video: mask 0, condition 0


def run():
    x = noise.clone()
    with torch.no_grad():
        for i in range(steps):
            xin = torch.cat([x.expand(2, -1, -1, -1, -1), cond], dim=1)
            t = torch.full((2,), 1000.0 * sig[i], dtype=torch.float32)
            v = dit(xin, t, ctx)
            vv = v[0:1] + cfg * (v[1:2] - v[0:1])
            x = x + (sig[i + 1] - sig[i]) * vv
    return x


run()  # warm-up
ms = []
for _ in range(5):
    t0 = time.perf_counter()
    x = run()
    ms.append((time.perf_counter() - t0) * 1000)
x.numpy().astype(np.float32).tofile(os.path.join(io, 'out.bin'))
print(json.dumps({'ms': ms, 'T': T}))
