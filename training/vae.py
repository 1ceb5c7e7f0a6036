"""Linear "PCA VAE": causal x4 time, x8 space, Z = 16 (video-models.md §4.4, CPU tier).

Latent frame 0 = PCA of 8x8x3 patches of pixel frame 0; latent frame k >= 1 = PCA of 4x8x8x3
spatio-temporal patches of pixel frames 4k-3..4k. Centring uses one mean per RGB channel so the
decoder bias is exactly a ConvTranspose bias. Group latents are rescaled per channel to the std of
the frame latents so that one per-channel mean/std describes every latent frame.
"""

import numpy as np
import torch
from torch import nn

Z = 16


def _pca(patches, chan_mean, reps):
    """patches [N, 3*reps] float64 rows; returns basis [Z, D] (orthonormal rows) and per-comp std."""
    mu = np.repeat(chan_mean, reps)
    x = patches - mu[None, :]
    cov = x.T @ x / len(x)
    vals, vecs = np.linalg.eigh(cov)
    order = np.argsort(vals)[::-1][:Z]
    basis = vecs[:, order].T
    basis *= np.sign(basis.sum(1, keepdims=True) + 1e-12)
    return basis, np.sqrt(np.maximum(vals[order], 1e-12))


def fit_pca(clips):
    """clips: float32 [N, 3, 17, 64, 64] in [-1, 1]. Returns dict of numpy arrays."""
    n = clips.shape[0]
    chan_mean = clips.mean(axis=(0, 2, 3, 4)).astype(np.float64)
    # frame patches from every frame: [N*F*64, 3*8*8] in (c, ky, kx) order
    fr = clips.reshape(n, 3, 17, 8, 8, 8, 8).transpose(0, 2, 3, 5, 1, 4, 6).reshape(-1, 192)
    basis_f, std_f = _pca(fr.astype(np.float64), chan_mean, 64)
    g = clips[:, :, 1:].reshape(n, 3, 4, 4, 8, 8, 8, 8)  # n c group kt hy ky wx kx
    g = g.transpose(0, 2, 4, 6, 1, 3, 5, 7).reshape(-1, 768)  # (c, kt, ky, kx)
    basis_g, std_g = _pca(g.astype(np.float64), chan_mean, 256)
    scale = std_f / std_g
    return {'chan_mean': chan_mean, 'basis_f': basis_f, 'basis_g': basis_g, 'scale_g': scale}


class PCAEncoder(nn.Module):
    def __init__(self, p):
        super().__init__()
        bf = torch.tensor(p['basis_f'], dtype=torch.float32)
        bg = torch.tensor(p['basis_g'] * p['scale_g'][:, None], dtype=torch.float32)
        mean = torch.tensor(p['chan_mean'], dtype=torch.float32)
        self.frame = nn.Conv2d(3, Z, 8, 8)
        self.group = nn.Conv3d(3, Z, (4, 8, 8), (4, 8, 8))
        with torch.no_grad():
            self.frame.weight.copy_(bf.reshape(Z, 3, 8, 8))
            self.frame.bias.copy_(-(bf.reshape(Z, 3, 64) * mean[None, :, None]).sum((1, 2)))
            self.group.weight.copy_(bg.reshape(Z, 3, 4, 8, 8))
            self.group.bias.copy_(-(bg.reshape(Z, 3, 256) * mean[None, :, None]).sum((1, 2)))

    def forward(self, video):
        # video [B,3,F,64,64], F = 4n+1. Pad 3 copies of frame 0 in front so one strided Conv3d covers
        # every group (no zero-length tensors when F = 1); its output 0 is dropped.
        first = video[:, :, 0]
        z0 = self.frame(first).unsqueeze(2)
        padded = torch.cat([first.unsqueeze(2).expand(-1, -1, 3, -1, -1), video], dim=2)
        zg = self.group(padded)[:, :, 1:]
        return torch.cat([z0, zg], dim=2)


class PCADecoder(nn.Module):
    def __init__(self, p):
        super().__init__()
        bf = torch.tensor(p['basis_f'], dtype=torch.float32)
        bg = torch.tensor(p['basis_g'] / p['scale_g'][:, None], dtype=torch.float32)
        mean = torch.tensor(p['chan_mean'], dtype=torch.float32)
        self.frame = nn.ConvTranspose2d(Z, 3, 8, 8)
        self.group = nn.ConvTranspose3d(Z, 3, (4, 8, 8), (4, 8, 8))
        with torch.no_grad():
            self.frame.weight.copy_(bf.reshape(Z, 3, 8, 8))
            self.frame.bias.copy_(mean)
            self.group.weight.copy_(bg.reshape(Z, 3, 4, 8, 8))
            self.group.bias.copy_(mean)

    def forward(self, latents):
        # latents [B,16,T,8,8] -> video [B,3,4(T-1)+1,64,64]; the group decode of latent 0 is dropped.
        f0 = self.frame(latents[:, :, 0]).unsqueeze(2)
        rest = self.group(latents)[:, :, 4:]
        return torch.cat([f0, rest], dim=2)
