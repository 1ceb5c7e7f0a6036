"""Pixel-statistics analyser (mirror of packages/tinyvid/src/analyze.ts, used to monitor training)."""

import numpy as np

from tinydata import PALETTE

PAL = PALETTE.astype(np.float64)
MASK_DIST = 60.0  # RGB distance (0..255 units) from the background that counts as "object"
MIN_AREA = 12


def nearest(rgb, exclude=-1):
    d = ((PAL - rgb[None, :]) ** 2).sum(1)
    if exclude >= 0:
        d[exclude] = np.inf
    return int(np.argmin(d))


def shape_features(mask):
    ys, xs = np.nonzero(mask)
    area = len(ys)
    if area < MIN_AREA:
        return None
    x0, x1, y0, y1 = xs.min(), xs.max() + 1, ys.min(), ys.max() + 1
    fill = area / float((x1 - x0) * (y1 - y0))
    offset = (ys.mean() + 0.5 - (y0 + y1) / 2.0) / float(y1 - y0)
    return fill, offset


def classify_shape(fill, offset):
    if fill > 0.9:
        return 1  # square
    if fill > 0.65:
        return 0  # circle
    return 2 if offset > 0.08 else 3  # triangle (centroid below box centre) / diamond


def analyze(u8):
    """u8: [F, 64, 64, 3] uint8 -> dict(background, colour, shape, motion)."""
    f = u8.astype(np.float64)
    border = np.concatenate([f[:, 0, :], f[:, -1, :], f[:, 1:-1, 0], f[:, 1:-1, -1]], axis=1).reshape(-1, 3)
    bg_rgb = np.median(border, axis=0)
    bg = nearest(bg_rgb)
    dist = np.sqrt(((f - bg_rgb) ** 2).sum(-1))
    mask = dist > MASK_DIST
    if mask.sum() < MIN_AREA:
        return {'background': bg, 'colour': -1, 'shape': -1, 'motion': -1}
    colour = nearest(np.median(f[mask], axis=0), exclude=bg)
    feats = [shape_features(m) for m in mask]
    feats = [x for x in feats if x is not None]
    shape = -1
    if feats:
        fill = float(np.median([x[0] for x in feats]))
        off = float(np.median([x[1] for x in feats]))
        shape = classify_shape(fill, off)
    n = len(u8)
    k = max(1, n // 4)

    def stats(frames):
        cs, areas = [], []
        for m in frames:
            ys, xs = np.nonzero(m)
            areas.append(len(ys))
            if len(ys):
                cs.append((xs.mean(), ys.mean()))
        c = np.mean(cs, axis=0) if cs else np.array([32.0, 32.0])
        return c, max(np.mean(areas), 1.0)

    c0, a0 = stats(mask[:k])
    c1, a1 = stats(mask[n - k :])
    d = c1 - c0
    disp = abs(d[0]) if abs(d[0]) >= abs(d[1]) else abs(d[1])
    size = abs(np.log(a1 / a0))
    if size / np.log(2.14) > disp / 13.0:
        motion = 4 if a1 > a0 else 5
    elif abs(d[0]) >= abs(d[1]):
        motion = 0 if d[0] < 0 else 1
    else:
        motion = 2 if d[1] < 0 else 3
    return {'background': bg, 'colour': colour, 'shape': shape, 'motion': motion}
