"""Learned decoder on top of the PCA latent (video-models.md §4.4: the linear decoder softens edges).

The PCA decoder reconstructs every 8x8 patch from its own 16 numbers, so an edge that crosses a patch
comes out as a ramp and DiT noise in the detail channels shimmers. This decoder keeps the PCA decode
as its base and adds a residual computed from each latent pixel's 3x3-and-wider neighbourhood, trained
to reproduce the ground-truth frames from latents with added noise (so it also cleans DiT output).

It works on one latent frame at a time (no temporal reach), so chunked decoding stays exact, and it
keeps the causal layout: latent frame 0 -> one pixel frame, later latent frames -> four each.

Stand-alone use (`python3 training/decoder.py --minutes 20`) trains against the encoder shipped in
models/tiny and writes a resumable checkpoint; train.py runs the same stage before export.
"""

import argparse
import json
import math
import os
import sys
import time

os.environ.setdefault('OMP_WAIT_POLICY', 'PASSIVE')

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import tinydata as D  # noqa: E402
import vae as V  # noqa: E402

ROOT = os.path.dirname(HERE)
DATA_SEED0 = 700_000_000  # its own seed range: not the DiT's training clips, PCA fit, monitor or eval


class Res(nn.Module):
    def __init__(self, w):
        super().__init__()
        self.a = nn.Conv2d(w, w, 3, padding=1)
        self.b = nn.Conv2d(w, w, 3, padding=1)

    def forward(self, x):
        return x + self.b(F.silu(self.a(F.silu(x))))


class LearnedDecoder(nn.Module):
    """latents [B,16,T,8,8] (raw, as the VAE encoder gives them) -> video [B,3,4(T-1)+1,64,64]."""

    def __init__(self, pca, mean, std, width=96, blocks=3):
        super().__init__()
        self.base = V.PCADecoder(pca)
        for p in self.base.parameters():
            p.requires_grad_(False)
        self.register_buffer('mean', torch.tensor(mean, dtype=torch.float32).reshape(1, 16, 1, 1))
        self.register_buffer('std', torch.tensor(std, dtype=torch.float32).reshape(1, 16, 1, 1))
        self.inp = nn.Conv2d(16, width, 3, padding=1)
        self.blocks = nn.Sequential(*[Res(width) for _ in range(blocks)])
        self.head_f = nn.Conv2d(width, 3 * 64, 1)
        self.head_g = nn.Conv2d(width, 4 * 3 * 64, 1)
        for h in (self.head_f, self.head_g):
            nn.init.zeros_(h.weight)
            nn.init.zeros_(h.bias)

    def forward(self, latents):
        b, c, t, hh, ww = latents.shape
        z = latents.permute(0, 2, 1, 3, 4).reshape(b * t, c, hh, ww)
        h = F.silu(self.blocks(self.inp((z - self.mean) / self.std)))
        rf = F.pixel_shuffle(self.head_f(h), 8).reshape(b, t, 3, hh * 8, ww * 8)[:, :1]  # [B,1,3,H,W]
        g = self.head_g(h).reshape(b * t * 4, 3 * 64, hh, ww)
        rg = F.pixel_shuffle(g, 8).reshape(b, t * 4, 3, hh * 8, ww * 8)[:, 4:]  # group decode of latent 0 dropped
        res = torch.cat([rf, rg], dim=1).permute(0, 2, 1, 3, 4)
        return self.base(latents) + res


def config(dec):
    return {'width': dec.inp.out_channels, 'blocks': len(dec.blocks)}


def from_checkpoint(ckpt, pca, mean, std):
    st = torch.load(ckpt, map_location='cpu')
    dec = LearnedDecoder(pca, mean, std, **st.get('config', {}))
    dec.load_state_dict(st['dec'])
    return dec.eval(), st


def run_stage(args, data, dev, log):
    """train.py's decoder stage: fits the learned decoder on the PCA encoder in `data`; resumable."""
    pca = {k[4:]: data[k] for k in data if k.startswith('pca_')}
    enc = V.PCAEncoder(pca)
    dec = LearnedDecoder(pca, data['lat_mean'], data['lat_std'], args.dec_width, args.dec_blocks)
    ckpt = os.path.join(args.run_dir, 'decoder.pt')
    if os.path.exists(ckpt) and torch.load(ckpt, map_location='cpu')['step'] >= args.dec_steps:
        return
    train_decoder(dec, make_data(enc, args.dec_clips, log), args, ckpt, log, dev)


def shipped_vae(model_dir):
    """PCA encoder/decoder params and latent stats from an exported models/<name> folder."""
    from onnx_weights import load_onnx_weights

    blank = {'chan_mean': np.zeros(3), 'basis_f': np.zeros((16, 192)), 'basis_g': np.zeros((16, 768)),
             'scale_g': np.ones(16)}
    enc = load_onnx_weights(V.PCAEncoder(blank), os.path.join(model_dir, 'vae_encoder.onnx'))
    dec = load_onnx_weights(V.PCADecoder(blank), os.path.join(model_dir, 'vae_decoder.onnx'))
    with open(os.path.join(model_dir, 'model.json')) as f:
        lat = json.load(f)['latent']
    return enc, dec, np.array(lat['mean']), np.array(lat['std'])


def pca_from_decoder(dec):
    """Invert PCADecoder's weights into the params dict PCADecoder(...) takes (scale_g folded in)."""
    bf = dec.frame.weight.detach().reshape(16, 192).double().numpy()
    bg = dec.group.weight.detach().reshape(16, 768).double().numpy()
    return {'chan_mean': dec.frame.bias.detach().double().numpy(), 'basis_f': bf, 'basis_g': bg,
            'scale_g': np.ones(16)}


def make_data(enc, n, log):
    """uint8 clips [n,17,64,64,3], latents [n,16,5,8,8] and object masks [n,17,64,64]."""
    t0 = time.time()
    u8 = np.empty((n, D.FRAMES, D.SIZE, D.SIZE, 3), np.uint8)
    obj = np.empty((n, D.FRAMES, D.SIZE, D.SIZE), np.bool_)
    for i in range(n):
        p = D.clip_params(DATA_SEED0 + i)
        u8[i] = D.render(p)
        obj[i] = (u8[i] != D.PALETTE[p['background']]).any(-1)
    lat = np.empty((n, 16, 5, 8, 8), np.float32)
    with torch.no_grad():
        for s in range(0, n, 250):
            lat[s : s + 250] = enc(torch.tensor(D.to_float(u8[s : s + 250]))).numpy()
    log(f'decoder data: {n} clips in {time.time() - t0:.1f}s')
    return u8, lat, obj


def edge_band(obj, reach=2):
    """[B,F,H,W] object masks -> [B,1,F,H,W]: 1 within `reach` px of the object's outline, on both sides.

    Weighting the outline, not the object, keeps the loss symmetric: weighting object pixels alone
    taught the decoder to paint the object's colour over its edge, which fattened every shape.
    """
    k = 2 * reach + 1
    flat = obj.flatten(0, 1).unsqueeze(1)
    near_obj = F.max_pool2d(flat, k, 1, reach)
    near_bg = F.max_pool2d(1 - flat, k, 1, reach)
    return (near_obj * near_bg).reshape(obj.shape).unsqueeze(1)


def train_decoder(dec, data, args, ckpt, log, dev=torch.device('cpu')):
    """Trains `dec` in place (on `dev`); resumes from `ckpt`; returns the step reached."""
    u8, lat, obj = data
    dec.to(dev)
    params = [p for p in dec.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=args.dec_lr, weight_decay=0.0)
    step, trained = 0, 0.0
    if os.path.exists(ckpt):
        st = torch.load(ckpt, map_location='cpu')
        dec.load_state_dict(st['dec'])
        opt.load_state_dict(st['opt'])
        step, trained = st['step'], st['trained_s']
        log(f'decoder: resumed at step {step}')
    gen = np.random.default_rng(step + 17)
    std = dec.std.reshape(1, 16, 1, 1, 1)
    t_start, last_ck, run = time.time(), time.time(), 0.0

    def save():
        torch.save({'dec': dec.state_dict(), 'opt': opt.state_dict(), 'step': step, 'config': config(dec),
                    'trained_s': trained + time.time() - t_start}, ckpt + '.tmp')
        os.replace(ckpt + '.tmp', ckpt)
    while step < args.dec_steps and time.time() - t_start < args.dec_minutes * 60:
        lr = args.dec_lr * (0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * step / args.dec_steps)))
        for g in opt.param_groups:
            g['lr'] = lr
        idx = gen.integers(0, len(u8), args.dec_batch)
        x = torch.tensor(D.to_float(u8[idx]), device=dev)
        z = torch.tensor(lat[idx], device=dev)
        # noise augmentation, in units of the latent std: none for a quarter of the batch
        s = torch.tensor(gen.uniform(0, args.dec_noise, (len(idx), 1, 1, 1, 1)), dtype=torch.float32, device=dev)
        s[: len(idx) // 4] = 0
        z = z + s * std * torch.randn_like(z)
        y = dec(z)
        w = 1 + 3 * edge_band(torch.tensor(obj[idx], dtype=torch.float32, device=dev))
        loss = ((y - x).abs() * w).mean()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        step += 1
        run = loss.item() if step == 1 else 0.98 * run + 0.02 * loss.item()
        if step % 50 == 0:
            log(f'decoder step {step} loss {run:.4f} lr {lr:.2e} ({(time.time() - t_start) / 60:.1f} min)')
        if time.time() - last_ck > 120 or step >= args.dec_steps:
            save()
            last_ck = time.time()
    save()
    dec.cpu()
    return step


def export_into(dec, model_dir, step):
    """Replaces model_dir's vae_decoder.onnx with `dec` after the onnxruntime-node parity check."""
    import shutil
    import tempfile

    import export as X

    stage = tempfile.mkdtemp(prefix='tiny-decoder-')
    dec.eval()
    entry = X.export_file(dec, 'vae_decoder', stage)
    shutil.copy(os.path.join(model_dir, 'model.json'), stage)
    if not X.parity({'vae_decoder': dec}, stage):
        raise SystemExit(f'decoder parity check failed; export left in {stage}')
    mpath = os.path.join(model_dir, 'model.json')
    with open(mpath) as f:
        manifest = json.load(f)
    manifest['files']['vae_decoder'] = entry
    manifest['training']['vae'] = X.VAE_LEARNED.format(step)
    shutil.move(os.path.join(stage, entry['path']), os.path.join(model_dir, entry['path']))
    with open(mpath + '.tmp', 'w') as f:
        json.dump(manifest, f, indent=2)
        f.write('\n')
    os.replace(mpath + '.tmp', mpath)
    shutil.rmtree(stage, ignore_errors=True)
    print(f'decoder exported to {model_dir} ({entry["bytes"] / 1e6:.2f} MB)', flush=True)


def add_args(ap):
    ap.add_argument('--dec-steps', type=int, default=3000)
    ap.add_argument('--dec-minutes', type=float, default=30.0)
    ap.add_argument('--dec-batch', type=int, default=16)
    ap.add_argument('--dec-lr', type=float, default=1e-3)
    ap.add_argument('--dec-noise', type=float, default=0.5, help='max latent noise (in latent std units)')
    ap.add_argument('--dec-clips', type=int, default=6000)
    ap.add_argument('--dec-width', type=int, default=96)
    ap.add_argument('--dec-blocks', type=int, default=3)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--model', default=os.path.join(ROOT, 'models', 'tiny'))
    ap.add_argument('--run-dir', default=os.path.join(HERE, 'runs', 'tiny'))
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--export', metavar='DIR', help='copy --model to DIR with this decoder (no training)')
    add_args(ap)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(1234)
    log = lambda m: print(m, flush=True)  # noqa: E731
    enc, pca_dec, mean, std = shipped_vae(args.model)
    pca = pca_from_decoder(pca_dec)
    ckpt = os.path.join(args.run_dir, 'decoder.pt')
    if args.export:
        import shutil

        if os.path.abspath(args.export) != os.path.abspath(args.model):
            shutil.copytree(args.model, args.export, dirs_exist_ok=True)
        dec, st = from_checkpoint(ckpt, pca, mean, std)
        export_into(dec, args.export, st['step'])
        return
    dec = LearnedDecoder(pca, mean, std, args.dec_width, args.dec_blocks)
    os.makedirs(args.run_dir, exist_ok=True)
    data = make_data(enc, args.dec_clips, log)
    train_decoder(dec, data, args, ckpt, log)


if __name__ == '__main__':
    main()
