"""PyTorch side of bench/generation.ts: the same DiT sampling loop (Euler, CFG as one batch-2 call) on the same
weights (read from the shipped dit.onnx itself), noise and text contexts, timed on the same threads. Not a
suite of its own (bench/run.ts only runs .ts files); generation.ts calls it:
  python3 bench/generation_torch.py <dit.onnx> <model.json> <io-dir> <steps> <cfg> <shift> <threads>
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
from onnx_weights import load_onnx_weights  # noqa: E402

dit_path, manifest, io, steps, cfg, shift, threads = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), \
    float(sys.argv[5]), float(sys.argv[6]), int(sys.argv[7])
torch.set_num_threads(threads)
with open(manifest) as f:
    c = json.load(f)['dit']
dit = load_onnx_weights(DiT(c['dim'], c['depth'], c['heads']), dit_path)
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
