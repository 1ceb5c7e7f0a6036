"""Text encoder and DiT of the tiny family (torch 1.13 and 2.x; ONNX opset 16 friendly).

Attention is written out (no scaled_dot_product_attention) so that it exports on torch 1.13.
"""

import math

import torch
import torch.nn.functional as F
from torch import nn

TEXT_DIM = 128
LATENT = 16
IN_CH = 2 * LATENT + 1
MAX_T = 16
GRID = 4  # 8x8 latent, patch 2 -> 4x4 tokens per latent frame


class Attention(nn.Module):
    def __init__(self, dim, heads, kv_dim=None):
        super().__init__()
        self.heads = heads
        self.q = nn.Linear(dim, dim)
        self.kv = nn.Linear(kv_dim or dim, 2 * dim)
        self.out = nn.Linear(dim, dim)

    def forward(self, x, ctx=None):
        b, n, d = x.shape
        ctx = x if ctx is None else ctx
        h = self.heads
        q = self.q(x).reshape(b, n, h, d // h).transpose(1, 2)
        k, v = self.kv(ctx).reshape(b, ctx.shape[1], 2, h, d // h).permute(2, 0, 3, 1, 4)
        att = torch.softmax(torch.matmul(q, k.transpose(-1, -2)) * (1.0 / math.sqrt(d // h)), dim=-1)
        y = torch.matmul(att, v).transpose(1, 2).reshape(b, n, d)
        return self.out(y)


def mlp(dim, ratio=4):
    return nn.Sequential(nn.Linear(dim, dim * ratio), nn.GELU(approximate='tanh'), nn.Linear(dim * ratio, dim))


class TextEncoder(nn.Module):
    def __init__(self, vocab, length=16, dim=TEXT_DIM, layers=2, heads=4):
        super().__init__()
        self.emb = nn.Embedding(vocab, dim)
        self.pos = nn.Parameter(torch.randn(1, length, dim) * 0.02)
        self.blocks = nn.ModuleList()
        for _ in range(layers):
            self.blocks.append(nn.ModuleList([nn.LayerNorm(dim), Attention(dim, heads), nn.LayerNorm(dim), mlp(dim)]))
        self.norm = nn.LayerNorm(dim)

    def forward(self, input_ids):
        x = self.emb(input_ids) + self.pos
        for n1, att, n2, ff in self.blocks:
            x = x + att(n1(x))
            x = x + ff(n2(x))
        return self.norm(x)


def timestep_embedding(t, dim=128):
    half = dim // 2
    freqs = torch.exp(-math.log(10000.0) * torch.arange(half, dtype=torch.float32) / half)
    args = t[:, None].float() * freqs[None, :]
    return torch.cat([torch.cos(args), torch.sin(args)], dim=-1)


def modulate(x, shift, scale):
    return x * (1 + scale[:, None]) + shift[:, None]


class Block(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.n1 = nn.LayerNorm(dim, elementwise_affine=False, eps=1e-6)
        self.attn = Attention(dim, heads)
        self.n2 = nn.LayerNorm(dim)
        self.cross = Attention(dim, heads, kv_dim=dim)
        self.n3 = nn.LayerNorm(dim, elementwise_affine=False, eps=1e-6)
        self.ff = mlp(dim)
        self.ada = nn.Sequential(nn.SiLU(), nn.Linear(dim, 6 * dim))
        nn.init.zeros_(self.ada[1].weight)
        nn.init.zeros_(self.ada[1].bias)

    def forward(self, x, c, ctx):
        s1, sc1, g1, s2, sc2, g2 = self.ada(c).chunk(6, dim=-1)
        x = x + g1[:, None] * self.attn(modulate(self.n1(x), s1, sc1))
        x = x + self.cross(self.n2(x), ctx)
        x = x + g2[:, None] * self.ff(modulate(self.n3(x), s2, sc2))
        return x


class DiT(nn.Module):
    """x [B,33,T,8,8], timestep [B] (=1000 sigma), context [B,16,128] -> velocity [B,16,T,8,8]."""

    def __init__(self, dim=192, depth=6, heads=6):
        super().__init__()
        self.dim = dim
        self.patch = nn.Linear(IN_CH * 4, dim)
        self.tpos = nn.Parameter(torch.randn(MAX_T, 1, dim) * 0.02)
        self.spos = nn.Parameter(torch.randn(1, GRID * GRID, dim) * 0.02)
        self.temb = nn.Sequential(nn.Linear(128, dim), nn.SiLU(), nn.Linear(dim, dim))
        self.pool = nn.Sequential(nn.Linear(TEXT_DIM, dim), nn.SiLU(), nn.Linear(dim, dim))
        self.ctx = nn.Sequential(nn.Linear(TEXT_DIM, dim), nn.GELU(approximate='tanh'), nn.Linear(dim, dim))
        self.blocks = nn.ModuleList([Block(dim, heads) for _ in range(depth)])
        self.nout = nn.LayerNorm(dim, elementwise_affine=False, eps=1e-6)
        self.ada_out = nn.Sequential(nn.SiLU(), nn.Linear(dim, 2 * dim))
        self.out = nn.Linear(dim, LATENT * 4)
        for m in (self.ada_out[1], self.out):
            nn.init.zeros_(m.weight)
            nn.init.zeros_(m.bias)

    def forward(self, x, timestep, context):
        b, _, t, hh, ww = x.shape
        gh, gw = hh // 2, ww // 2
        # patchify (1,2,2): [B,C,T,H,W] -> [B, T*gh*gw, C*4]
        p = x.reshape(b, IN_CH, t, gh, 2, gw, 2).permute(0, 2, 3, 5, 1, 4, 6).reshape(b, t * gh * gw, IN_CH * 4)
        pos = (self.tpos[:t] + self.spos).reshape(1, t * gh * gw, self.dim)
        h = self.patch(p) + pos
        # global conditioning: timestep + pooled text (adaLN), tokens: cross-attention
        c = self.temb(timestep_embedding(timestep)) + self.pool(context.mean(dim=1))
        ctx = self.ctx(context)
        for blk in self.blocks:
            h = blk(h, c, ctx)
        shift, scale = self.ada_out(c).chunk(2, dim=-1)
        h = self.out(modulate(self.nout(h), shift, scale))
        # unpatchify: [B, T*gh*gw, 16*4] -> [B,16,T,H,W]
        h = h.reshape(b, t, gh, gw, LATENT, 2, 2).permute(0, 4, 1, 2, 5, 3, 6)
        return h.reshape(b, LATENT, t, hh, ww)
