"""Procedural captioned clips for the tiny model (bit-identical with packages/tinyvid/src/generate.ts).

Everything is float64 arithmetic with the same operation order as the TypeScript side, and no
transcendental functions, so both produce the same uint8 frames for the same seed.
"""

import numpy as np

FRAMES = 17
SIZE = 64
FPS = 8

COLOURS = ['red', 'green', 'blue', 'yellow', 'orange', 'purple', 'white', 'black']
PALETTE = np.array(
    [
        [220, 40, 40],
        [40, 180, 60],
        [40, 80, 220],
        [240, 220, 40],
        [245, 140, 30],
        [150, 60, 200],
        [245, 245, 245],
        [20, 20, 20],
    ],
    dtype=np.uint8,
)
SHAPES = ['circle', 'square', 'triangle', 'diamond']
MOTIONS = ['left', 'right', 'up', 'down', 'grows', 'shrinks']
VOCAB = ['<pad>', '<bos>', 'a', 'moves', 'on', 'background'] + COLOURS + SHAPES + MOTIONS
TEXT_LEN = 16
PAD_ID = 0
BOS_ID = 1

# Geometry of the shipped tier (documented in docs/tiny-model.md).
MOVE_R = (9.0, 5.0)  # radius = 9 + u*5  -> [9, 14)
MOVE_SPEED = (1.0, 0.6)  # px/frame = 1 + u*0.6
GROW_R = (7.0, 2.5)  # small radius = 7 + u*2.5, large = small*1.6
GROW_RATIO = 1.6
EXTENT = 1.3  # farthest shape point from the centre, in radii (triangle apex)
SQUARE_HALF = 0.85  # half-side of the square, in radii
DIAMOND_HALF = 1.2  # half-diagonal of the diamond, in radii
SQRT3 = 1.7320508075688772

M32 = 0xFFFFFFFF


class Mulberry32:
    """mulberry32, identical to the TypeScript version (uint32 state, float in [0,1))."""

    def __init__(self, seed):
        self.a = seed & M32

    def next(self):
        self.a = (self.a + 0x6D2B79F5) & M32
        a = self.a
        t = ((a ^ (a >> 15)) * (1 | a)) & M32
        t = ((t + (((t ^ (t >> 7)) * (61 | t)) & M32)) & M32) ^ t
        return ((t ^ (t >> 14)) & M32) / 4294967296.0


def clip_params(seed):
    r = Mulberry32(seed)
    colour = int(r.next() * 8)
    shape = int(r.next() * 4)
    motion = int(r.next() * 6)
    bgi = int(r.next() * 7)
    bg = bgi + 1 if bgi >= colour else bgi
    u_size, u_speed, u_x, u_y = r.next(), r.next(), r.next(), r.next()
    p = {'seed': seed, 'colour': colour, 'shape': shape, 'motion': motion, 'background': bg}
    if motion < 4:
        radius = MOVE_R[0] + u_size * MOVE_R[1]
        speed = MOVE_SPEED[0] + u_speed * MOVE_SPEED[1]
        dist = speed * (FRAMES - 1)
        m = radius * EXTENT + 1.0
        dx = [-1.0, 1.0, 0.0, 0.0][motion]
        dy = [0.0, 0.0, -1.0, 1.0][motion]
        span_x = SIZE - 2.0 * m - (dist if dx != 0.0 else 0.0)
        span_y = SIZE - 2.0 * m - (dist if dy != 0.0 else 0.0)
        x0 = m + (dist if dx < 0.0 else 0.0) + u_x * span_x
        y0 = m + (dist if dy < 0.0 else 0.0) + u_y * span_y
        p.update(r0=radius, r1=radius, x0=x0, y0=y0, dx=dx * speed, dy=dy * speed)
    else:
        small = GROW_R[0] + u_size * GROW_R[1]
        large = small * GROW_RATIO
        m = large * EXTENT + 1.0
        x0 = m + u_x * (SIZE - 2.0 * m)
        y0 = m + u_y * (SIZE - 2.0 * m)
        r0, r1 = (small, large) if motion == 4 else (large, small)
        p.update(r0=r0, r1=r1, x0=x0, y0=y0, dx=0.0, dy=0.0)
    return p


def caption(p):
    c, s, m, b = COLOURS[p['colour']], SHAPES[p['shape']], MOTIONS[p['motion']], COLOURS[p['background']]
    if p['motion'] < 4:
        return f'a {c} {s} moves {m} on a {b} background'
    return f'a {c} {s} {m} on a {b} background'


_PC = np.arange(SIZE, dtype=np.float64) + 0.5


def shape_mask(shape, cx, cy, radius):
    dx = np.abs(_PC[None, :] - cx)
    dy = _PC[:, None] - cy
    if shape == 0:
        return dx * dx + dy * dy <= radius * radius
    if shape == 1:
        h = radius * SQUARE_HALF
        return (dx <= h) & (np.abs(dy) <= h)
    if shape == 2:
        big = radius * EXTENT
        return (dy <= big * 0.5) & (dx * SQRT3 <= dy + big)
    h = radius * DIAMOND_HALF
    return dx + np.abs(dy) <= h


def frame_geometry(p, t):
    """Centre and radius at frame t (same operation order as the TypeScript side)."""
    cx = p['x0'] + p['dx'] * t
    cy = p['y0'] + p['dy'] * t
    radius = p['r0'] + (p['r1'] - p['r0']) * t / (FRAMES - 1)
    return cx, cy, radius


def render(p, frames=FRAMES):
    """uint8 [frames, 64, 64, 3]."""
    out = np.empty((frames, SIZE, SIZE, 3), dtype=np.uint8)
    out[:] = PALETTE[p['background']]
    col = PALETTE[p['colour']]
    for t in range(frames):
        cx, cy, radius = frame_geometry(p, t)
        out[t][shape_mask(p['shape'], cx, cy, radius)] = col
    return out


def tokenize(text):
    import re

    ids = [BOS_ID]
    for w in re.split('[^a-z]+', text.lower()):
        if w and w in VOCAB:
            ids.append(VOCAB.index(w))
    ids = ids[:TEXT_LEN]
    return ids + [PAD_ID] * (TEXT_LEN - len(ids))


def to_float(u8):
    """uint8 [..., F, H, W, 3] -> float32 [..., 3, F, H, W] in [-1, 1]."""
    x = u8.astype(np.float32) / 127.5 - 1.0
    return np.moveaxis(x, -1, -4)
