"""Pixel-statistics analyser (mirror of packages/tinyvid/src/analyze.ts, used to monitor training)."""

import numpy as np

from tinydata import DIAMOND_HALF, EXTENT, PALETTE, SQUARE_HALF, shape_mask

PAL = PALETTE.astype(np.float64)
MASK_DIST = 60.0  # RGB distance (0..255 units) from the background that counts as "object"
MIN_AREA = 12


def nearest(rgb, exclude=-1):
    d = ((PAL - rgb[None, :]) ** 2).sum(1)
    if exclude >= 0:
        d[exclude] = np.inf
    return int(np.argmin(d))


def largest_region(mask):
    """The largest 8-connected region of a [H, W] bool mask."""
    h, w = mask.shape
    label = np.zeros((h, w), np.int32)
    best, best_size, nxt = 0, 0, 0
    for y0, x0 in zip(*np.nonzero(mask)):
        if label[y0, x0]:
            continue
        nxt += 1
        label[y0, x0] = nxt
        stack, size = [(y0, x0)], 0
        while stack:
            y, x = stack.pop()
            size += 1
            for yy in range(max(0, y - 1), min(h, y + 2)):
                for xx in range(max(0, x - 1), min(w, x + 2)):
                    if mask[yy, xx] and not label[yy, xx]:
                        label[yy, xx] = nxt
                        stack.append((yy, xx))
        if size > best_size:
            best, best_size = nxt, size
    return label == best


SHAPE_AREA = [np.pi, (2 * SQUARE_HALF) ** 2, 3 * np.sqrt(3) / 4 * EXTENT ** 2, 2 * DIAMOND_HALF ** 2]  # px^2 at radius 1


def read_shape(f, bg_rgb, obj_rgb):
    """Template matching, as analyze.ts readShape: summed IoU of area-matched templates on the centroid."""
    mask = ((f - obj_rgb) ** 2).sum(-1) < ((f - bg_rgb) ** 2).sum(-1)
    score = np.zeros(4)
    for m in mask:
        m = largest_region(m)
        area = int(m.sum())
        if area < MIN_AREA:
            continue
        ys, xs = np.nonzero(m)
        cx, cy = xs.mean() + 0.5, ys.mean() + 0.5
        for k in range(4):
            t = shape_mask(k, cx, cy, np.sqrt(area / SHAPE_AREA[k]))
            score[k] += (t & m).sum() / (t | m).sum()
    return int(np.argmax(score)) if score.any() else -1


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
    obj_rgb = np.median(f[mask], axis=0)
    colour = nearest(obj_rgb, exclude=bg)
    shape = read_shape(f, bg_rgb, obj_rgb)
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
