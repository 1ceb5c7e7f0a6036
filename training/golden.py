"""Writes packages/tinyvid/test/fixtures/golden.json: per-seed params, caption, tokens and the sha256 of
the rendered uint8 frames, so the TypeScript generator is checked bit-for-bit against this one."""

import hashlib
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tinydata as D  # noqa: E402

SEEDS = list(range(40)) + [12345, 999_999, 2**31 - 1, 2**32 - 1, 1_000_000_000, 4_000_000_000]


def main():
    out = []
    for s in SEEDS:
        p = D.clip_params(s)
        clip = D.render(p)
        out.append({
            'seed': s,
            'caption': D.caption(p),
            'ids': D.tokenize(D.caption(p)),
            'params': {k: (float(v) if isinstance(v, float) else v) for k, v in p.items()},
            'sha256': hashlib.sha256(clip.tobytes()).hexdigest(),
            'objectPixels': [int((f != D.PALETTE[p['background']]).any(-1).sum()) for f in clip],
        })
    path = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                        'packages', 'tinyvid', 'test', 'fixtures', 'golden.json')
    with open(path, 'w') as f:
        json.dump({'generator': 'training/tinydata.py', 'frames': D.FRAMES, 'clips': out}, f)
        f.write('\n')
    print(f'wrote {len(out)} clips to {path}')


if __name__ == '__main__':
    main()
