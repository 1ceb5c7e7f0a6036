"""Tiny text-to-video pipeline: data -> PCA VAE -> text encoder + DiT (rectified flow) -> ONNX export.

Usage: python3 training/train.py [--minutes 60] [--steps 9000] [--fresh] [--export-only] [--out models/tiny]
Resumable: the run directory (training/runs/tiny) keeps the encoded data set, the VAE and the last
checkpoint; running again continues where the last run stopped (the LR schedule is by step).
"""

import os

# OpenMP threads that spin while waiting waste most of the CPU when the cores are shared (measured 5-10x
# slower steps); passive waiting keeps two threads efficient. Must be set before torch loads.
os.environ.setdefault('OMP_WAIT_POLICY', 'PASSIVE')

import argparse
import copy
import json
import math
import sys
import time

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import analyze  # noqa: E402
import tinydata as D  # noqa: E402
import vae as V  # noqa: E402
from model import DiT, TextEncoder  # noqa: E402

ROOT = os.path.dirname(HERE)
PCA_SEED0 = 500_000_000  # seeds used to fit the VAE
EVAL_SEED0 = 1_000_000_000  # held-out seeds (monitoring here, eval:tiny in TypeScript)


def log(msg):
    print(time.strftime('%H:%M:%S'), msg, flush=True)


def parse():
    ap = argparse.ArgumentParser()
    ap.add_argument('--run-dir', default=os.path.join(HERE, 'runs', 'tiny'))
    ap.add_argument('--out', default=os.path.join(ROOT, 'models', 'tiny'))
    ap.add_argument('--clips', type=int, default=40000)
    ap.add_argument('--pca-clips', type=int, default=600)
    ap.add_argument('--minutes', type=float, default=90.0, help='wall-clock budget of this invocation')
    ap.add_argument('--steps', type=int, default=20000, help='stop (and end the LR schedule) at this step')
    ap.add_argument('--schedule-minutes', type=float, default=85.0, help='LR schedule length in training minutes')
    ap.add_argument('--batch', type=int, default=32)
    ap.add_argument('--lr', type=float, default=1e-3)
    ap.add_argument('--dim', type=int, default=128)
    ap.add_argument('--depth', type=int, default=6)
    ap.add_argument('--heads', type=int, default=4)
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--ckpt-minutes', type=float, default=3.0)
    ap.add_argument('--eval-minutes', type=float, default=12.0)
    ap.add_argument('--fresh', action='store_true', help='discard the checkpoint (keeps data and VAE)')
    ap.add_argument('--export-only', action='store_true')
    ap.add_argument('--init-from', metavar='DIR',
                    help='with no checkpoint, start from the ONNX weights of an exported model (e.g. models/tiny)')
    ap.add_argument('--no-export', action='store_true')
    ap.add_argument('--seed', type=int, default=1234)
    ap.add_argument('--log-every', type=int, default=50)
    ap.add_argument('--train-shift', type=float, default=3.0, help='shift applied to the logit-normal sigma')
    ap.add_argument('--restart-lr', type=float, default=0.0,
                    help='on resume, start a new cosine schedule at this LR (decaying 20x over --restart-minutes)')
    ap.add_argument('--restart-minutes', type=float, default=60.0)
    ap.add_argument('--uniform-frac', type=float, default=0.0,
                    help='share of samples with sigma drawn uniformly (the logit-normal rarely visits low noise)')
    ap.add_argument('--object-weight', type=float, default=3.0, help='extra loss weight on object cells')
    ap.add_argument('--t2v-frac', type=float, default=0.4, help='share of samples with no known frames')
    ap.add_argument('--known-loss', type=float, default=0.5, help='loss weight of known (conditioning) frames')
    ap.add_argument('--learned-decoder', action='store_true',
                    help='train and ship the learned decoder (decoder.py) instead of the linear PCA decode')
    import decoder

    decoder.add_args(ap)
    return ap.parse_args()


# ---------------------------------------------------------------- data + VAE


def render_float(seeds):
    return np.stack([D.to_float(D.render(D.clip_params(int(s)))) for s in seeds])


def build_data(args, dev):
    path = os.path.join(args.run_dir, 'data.npz')
    if os.path.exists(path):
        z = np.load(path)
        return {k: z[k] for k in z.files}
    t0 = time.time()
    pca = V.fit_pca(render_float(range(PCA_SEED0, PCA_SEED0 + args.pca_clips)))
    enc = V.PCAEncoder(pca).to(dev)
    log(f'PCA VAE fitted in {time.time() - t0:.1f}s')
    n = args.clips
    lat = np.empty((n, 16, 5, 8, 8), np.float32)
    occ = np.empty((n, 5, 8, 8), np.uint8)
    ids = np.empty((n, 16), np.int64)
    labels = np.empty((n, 4), np.int64)
    for s0 in range(0, n, 500):
        seeds = range(s0, min(n, s0 + 500))
        u8 = []
        for i, s in enumerate(seeds):
            p = D.clip_params(s)
            clip = D.render(p)
            u8.append(clip)
            ids[s] = D.tokenize(D.caption(p))
            labels[s] = [p['background'], p['colour'], p['shape'], p['motion']]
            obj = (clip != D.PALETTE[p['background']]).any(-1).astype(np.float32)  # [17,64,64]
            groups = np.concatenate([obj[:1], obj[1:].reshape(4, 4, 64, 64).max(1)])  # [5,64,64]
            occ[s] = np.round(groups.reshape(5, 8, 8, 8, 8).mean((2, 4)) * 255)
        x = torch.tensor(D.to_float(np.stack(u8)), device=dev)
        with torch.no_grad():
            lat[s0 : s0 + len(u8)] = enc(x).cpu().numpy()
    mean = lat.mean(axis=(0, 2, 3, 4)).astype(np.float64)
    std = lat.std(axis=(0, 2, 3, 4)).astype(np.float64)
    norm = (lat - mean[None, :, None, None, None]) / std[None, :, None, None, None]
    # latent -> RGB preview: least squares from normalised latents to 8x8 block means of the frames
    sub = render_float(range(PCA_SEED0, PCA_SEED0 + 300))  # [N,3,17,64,64]
    blocks = sub.reshape(len(sub), 3, 17, 8, 8, 8, 8).mean((4, 6))  # [N,3,17,8,8]
    tgt = np.concatenate([blocks[:, :, :1], blocks[:, :, 1:].reshape(len(sub), 3, 4, 4, 8, 8).mean(3)], 2)
    with torch.no_grad():
        zs = enc(torch.tensor(sub, device=dev)).cpu().numpy()
    zs = (zs - mean[None, :, None, None, None]) / std[None, :, None, None, None]
    a = np.concatenate([zs.transpose(0, 2, 3, 4, 1).reshape(-1, 16), np.ones((zs.size // 16, 1))], 1)
    b = tgt.transpose(0, 2, 3, 4, 1).reshape(-1, 3)
    sol = np.linalg.lstsq(a, b, rcond=None)[0]
    rms = float(np.sqrt(((a @ sol - b) ** 2).mean()))
    data = {
        'latents': norm.astype(np.float16),
        'occ': occ,
        'ids': ids,
        'labels': labels,
        'lat_mean': mean,
        'lat_std': std,
        'preview_w': sol[:16],
        'preview_b': sol[16],
        'preview_rms': np.array(rms),
        **{'pca_' + k: v for k, v in pca.items()},
    }
    os.makedirs(args.run_dir, exist_ok=True)
    np.savez(path + '.tmp.npz', **data)
    os.replace(path + '.tmp.npz', path)
    log(f'data: {n} clips encoded in {time.time() - t0:.1f}s; preview rms {rms:.3f}')
    return data


def pca_of(data):
    return {k[4:]: data[k] for k in data if k.startswith('pca_')}


# ---------------------------------------------------------------- model + sampling


def make_models(args, dev):
    te = TextEncoder(len(D.VOCAB)).to(dev)
    dit = DiT(args.dim, args.depth, args.heads).to(dev)
    return te, dit


def flow_sigmas(steps, shift):
    base = 1.0 - np.arange(steps) / steps
    s = shift * base / (1 + (shift - 1) * base)
    return np.append(s, 0.0)


@torch.no_grad()
def sample(te, dit, ids, steps=20, cfg=4.0, shift=1.0, cond=None, known=0, gen=None, t_lat=5):
    b = ids.shape[0]
    dev = ids.device
    x = torch.randn(b, 16, t_lat, 8, 8, generator=gen).to(dev)
    mask = torch.zeros(b, 1, t_lat, 8, 8, device=dev)
    c = torch.zeros(b, 16, t_lat, 8, 8, device=dev)
    if known:
        mask[:, :, :known] = 1
        c[:, :, :known] = cond[:, :, :known]
    empty = torch.zeros_like(ids)
    empty[:, 0] = D.BOS_ID
    ctx = te(torch.cat([empty, ids]))
    sig = flow_sigmas(steps, shift)
    for i in range(steps):
        xin = torch.cat([x, mask, c], 1).repeat(2, 1, 1, 1, 1)
        t = torch.full((2 * b,), 1000.0 * sig[i], device=dev)
        v = dit(xin, t, ctx)
        vu, vc = v[:b], v[b:]
        x = x + float(sig[i + 1] - sig[i]) * (vu + cfg * (vc - vu))
    if known:
        x[:, :, :known] = cond[:, :, :known]
    return x


def to_u8(video):
    """[B,3,F,64,64] in [-1,1] -> uint8 [B,F,64,64,3]."""
    v = ((video.clamp(-1, 1) + 1) * 127.5).round().to(torch.uint8)
    return v.permute(0, 2, 3, 4, 1).cpu().numpy()


def quick_eval(te, dit, data, dec, dev, n=32, cfg=4.0, shift=1.0):
    keys = ['background', 'colour', 'shape', 'motion']
    params = [D.clip_params(EVAL_SEED0 + i) for i in range(n)]
    ids = torch.tensor([D.tokenize(D.caption(p)) for p in params], device=dev)
    gen = torch.Generator().manual_seed(7)
    mean = torch.tensor(data['lat_mean'], dtype=torch.float32, device=dev)[None, :, None, None, None]
    std = torch.tensor(data['lat_std'], dtype=torch.float32, device=dev)[None, :, None, None, None]
    z = sample(te, dit, ids, cfg=cfg, shift=shift, gen=gen)
    vids = to_u8(dec(z * std + mean))
    acc = {k: 0.0 for k in keys}
    for p, v in zip(params, vids):
        r = analyze.analyze(v)
        for k in keys:
            acc[k] += (r[k] == p[k]) / n
    # image-to-video: first-frame condition from the ground-truth clip
    enc = V.PCAEncoder(pca_of(data)).to(dev)
    gt = torch.tensor(render_float([p['seed'] for p in params]), device=dev)
    cz = (enc(gt[:, :, :1]) - mean) / std
    z = sample(te, dit, ids, cfg=cfg, shift=shift, gen=gen, cond=cz, known=1)
    vids_t = dec(z * std + mean).clamp(-1, 1)
    vids = to_u8(vids_t)
    i2v = {k: 0.0 for k in keys}
    for p, v in zip(params, vids):
        r = analyze.analyze(v)
        for k in keys:
            i2v[k] += (r[k] == p[k]) / n
    mse = ((vids_t[:, :, 0] - gt[:, :, 0]) ** 2).mean().item()
    i2v['psnr0'] = 10 * math.log10(4.0 / max(mse, 1e-10))
    return acc, i2v


# ---------------------------------------------------------------- training


def lr_at(step, args, trained_s=0.0):
    """Warm-up, then cosine to 1e-4 over --steps or --schedule-minutes of training, whichever ends first.

    With --restart-lr (a fine-tuning run resumed from a checkpoint): cosine from that LR to 1/20 of it
    over --restart-minutes counted from where this run resumed.
    """
    if args.restart_lr > 0 and args.restart_from is not None:
        p = min(1.0, (trained_s - args.restart_from) / (60 * args.restart_minutes))
        lo = args.restart_lr / 20
        return lo + (args.restart_lr - lo) * 0.5 * (1 + math.cos(math.pi * p))
    warm = 200
    if step < warm:
        return args.lr * (step + 1) / warm
    p = min(1.0, max((step - warm) / max(1, args.steps - warm), trained_s / (60 * args.schedule_minutes)))
    return 1e-4 + (args.lr - 1e-4) * 0.5 * (1 + math.cos(math.pi * p))


def init_from_onnx(model_dir, te, dit, data):
    """Fills te/dit from an exported model (no checkpoint needed); returns its (step, trained seconds)."""
    from onnx_weights import load_onnx_weights

    with open(os.path.join(model_dir, 'model.json')) as f:
        manifest = json.load(f)
    # the DiT only fits latents of the VAE it was trained with: the refitted PCA must be that one
    shipped = load_onnx_weights(V.PCAEncoder(pca_of(data)), os.path.join(model_dir, 'vae_encoder.onnx'))
    mine = V.PCAEncoder(pca_of(data))
    gap = max((a - b).abs().max().item() for a, b in zip(shipped.state_dict().values(), mine.state_dict().values()))
    if gap > 1e-4:
        raise SystemExit(f'{model_dir}: its VAE differs from this run\'s PCA fit (max |diff| {gap:.2e})')
    load_onnx_weights(te, os.path.join(model_dir, 'text_encoder.onnx'))
    load_onnx_weights(dit, os.path.join(model_dir, 'dit.onnx'))
    t = manifest.get('training', {})
    return int(t.get('steps', 0)), 60.0 * float(t.get('wall_minutes', 0))


def save_ckpt(path, state):
    torch.save(state, path + '.tmp')
    os.replace(path + '.tmp', path)


def train(args, data, dev):
    te, dit = make_models(args, dev)
    ema_te, ema_dit = copy.deepcopy(te), copy.deepcopy(dit)
    params = list(te.parameters()) + list(dit.parameters())
    opt = torch.optim.AdamW(params, lr=args.lr, betas=(0.9, 0.99), weight_decay=0.01)
    ckpt_path = os.path.join(args.run_dir, 'ckpt.pt')
    step, trained_s = 0, 0.0
    args.restart_from = None
    if os.path.exists(ckpt_path) and not args.fresh:
        ck = torch.load(ckpt_path, map_location=dev)
        te.load_state_dict(ck['te'])
        dit.load_state_dict(ck['dit'])
        ema_te.load_state_dict(ck['ema_te'])
        ema_dit.load_state_dict(ck['ema_dit'])
        opt.load_state_dict(ck['opt'])
        step, trained_s = ck['step'], ck['trained_s']
        log(f'resumed at step {step} ({trained_s / 60:.1f} min trained)')
        # a restart schedule is anchored in the checkpoint, so resuming a fine-tune keeps its schedule
        if args.restart_lr > 0:
            args.restart_from = trained_s if ck.get('restart_from') is None else ck['restart_from']
    elif args.init_from:
        step, trained_s = init_from_onnx(args.init_from, te, dit, data)
        ema_te.load_state_dict(te.state_dict())
        ema_dit.load_state_dict(dit.state_dict())
        args.restart_from = trained_s if args.restart_lr > 0 else None
        log(f'started from {args.init_from} (step {step}, {trained_s / 60:.1f} min trained)')
    log(f'DiT {sum(p.numel() for p in dit.parameters()) / 1e6:.2f}M, text {sum(p.numel() for p in te.parameters()) / 1e6:.2f}M')
    lat = torch.tensor(data['latents'])  # float16 [N,16,5,8,8]
    occ = torch.tensor(data['occ'])
    ids_all = torch.tensor(data['ids'])
    n = lat.shape[0]
    dec = V.PCADecoder(pca_of(data)).to(dev)

    def state():
        return {
            'te': te.state_dict(), 'dit': dit.state_dict(), 'ema_te': ema_te.state_dict(),
            'ema_dit': ema_dit.state_dict(), 'opt': opt.state_dict(), 'step': step, 'trained_s': trained_s,
            'restart_from': args.restart_from,
            'config': {'dim': args.dim, 'depth': args.depth, 'heads': args.heads},
        }

    start = time.time()
    last_ckpt = last_eval = time.time()
    loss_ema = None
    while step < args.steps and time.time() - start < args.minutes * 60:
        t_step = time.time()
        g = torch.Generator().manual_seed(args.seed * 1_000_003 + step)
        idx = torch.randint(0, n, (args.batch,), generator=g)
        x0 = lat[idx].float().to(dev)
        w = (1.0 + args.object_weight * occ[idx].float() / 255.0)[:, None].to(dev)  # object-weighted loss
        ids = ids_all[idx].clone()
        drop = torch.rand(args.batch, generator=g) < 0.1
        ids[drop] = 0
        ids[drop, 0] = D.BOS_ID
        ids = ids.to(dev)
        u = torch.rand(args.batch, generator=g)
        # --t2v-frac with no known frames (default 40 %); of the rest, 7/12 know the first latent frame, 5/12 two
        f = args.t2v_frac
        known = (u > f).long() + (u > f + (1 - f) * 7 / 12).long()
        frame = torch.arange(5)[None, :]
        mask = (frame < known[:, None]).float()[:, None, :, None, None].expand(-1, 1, -1, 8, 8).to(dev)
        sigma = torch.sigmoid(torch.randn(args.batch, generator=g))
        # Shifted logit-normal (SD3): the layout of the clip is decided at high noise, which the plain
        # logit-normal rarely samples (P(sigma > 0.9) = 1.4 %; with shift 3: 14 %).
        sigma = args.train_shift * sigma / (1 + (args.train_shift - 1) * sigma)
        # The final steps clean up fine detail (edges, flat background) at sigma < 0.2, where the shifted
        # logit-normal puts under 2 % of its samples: a uniform share covers them.
        uni = torch.rand(args.batch, generator=g) < args.uniform_frac
        sigma = torch.where(uni, torch.rand(args.batch, generator=g), sigma).to(dev)
        eps = torch.randn(x0.shape, generator=g).to(dev)
        s = sigma[:, None, None, None, None]
        xt = (1 - s) * x0 + s * eps
        xin = torch.cat([xt, mask, x0 * mask], 1)
        for pg in opt.param_groups:
            pg['lr'] = lr_at(step, args, trained_s)
        v = dit(xin, 1000.0 * sigma, te(ids))
        # Known frames get a (down-weighted) loss too: their velocity (x_t - cond)/sigma is easy to learn, and
        # it keeps their noisy channels on course while the sampler lets every frame evolve (manifest §7).
        wt = w * (1 - mask + args.known_loss * mask)
        loss = (wt * (v - (eps - x0)) ** 2).sum() / (wt.sum() * 16)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        decay = min(0.999, (1 + step) / (10 + step))
        with torch.no_grad():
            for m, e in ((te, ema_te), (dit, ema_dit)):
                for pe, pm in zip(e.parameters(), m.parameters()):
                    pe.mul_(decay).add_(pm.detach(), alpha=1 - decay)
        step += 1
        trained_s += time.time() - t_step
        loss_ema = loss.item() if loss_ema is None else 0.98 * loss_ema + 0.02 * loss.item()
        if step % args.log_every == 0:
            log(f'step {step} loss {loss_ema:.4f} lr {lr_at(step, args, trained_s):.2e} {trained_s / step:.2f}s/step')
        if time.time() - last_ckpt > args.ckpt_minutes * 60:
            save_ckpt(ckpt_path, state())
            last_ckpt = time.time()
        if args.eval_minutes > 0 and time.time() - last_eval > args.eval_minutes * 60:
            t0 = time.time()
            ema_te.eval(), ema_dit.eval()
            acc, i2v = quick_eval(ema_te, ema_dit, data, dec, dev, n=64, cfg=2.0, shift=3.0)  # shipped defaults
            log(f'eval step {step}: t2v {fmt(acc)} | i2v {fmt(i2v)} ({time.time() - t0:.0f}s)')
            last_eval = time.time()
    save_ckpt(ckpt_path, state())
    log(f'stopped at step {step} ({trained_s / 60:.1f} min trained in total)')
    return step, trained_s


def fmt(d):
    return ' '.join(f'{k} {v:.2f}' for k, v in d.items())


def main():
    args = parse()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    dev = torch.device('cuda' if torch.cuda.is_available() else 'cpu')
    os.makedirs(args.run_dir, exist_ok=True)
    data = build_data(args, dev)
    if not args.export_only:
        train(args, data, dev)
        if args.learned_decoder:
            import decoder

            decoder.run_stage(args, data, dev, log)
    if not args.no_export:
        import export

        export.export_all(args, data)


if __name__ == '__main__':
    main()
