"""Load the weights of an exported ONNX file back into its torch module (torch 1.13 and 2.x).

The shipped files are the one source of truth: the PyTorch side of the generation bench runs the very
weights onnxruntime runs, with no training checkpoint. Needs Debian's python3-onnx.
"""

import onnx
import torch
from onnx import numpy_helper


def _module_path(node_name):
    # '/blocks.0/ff/ff.0/MatMul' -> 'blocks.0.ff.0': a scope that repeats its parent's prefix replaces it
    parts = []
    for seg in node_name.strip('/').split('/')[:-1]:
        if parts and seg.startswith(parts[-1] + '.'):
            parts[-1] = seg
        else:
            parts.append(seg)
    return '.'.join(parts)


def load_onnx_weights(module, path):
    """Copy every parameter and buffer of `module` from the ONNX file at `path`; raises on any gap."""
    graph = onnx.load(path).graph
    arrays = {i.name: numpy_helper.to_array(i) for i in graph.initializer}
    # Equal initializers are stored once; the exporter names the others through Identity nodes.
    for node in graph.node:
        if node.op_type == 'Identity' and node.input[0] in arrays:
            arrays[node.output[0]] = arrays[node.input[0]]
    want = module.state_dict()
    found = {k: arrays[k] for k in want if k in arrays}
    # Constant folding stores each nn.Linear weight transposed under an anonymous name ('onnx::MatMul_N');
    # the scope of the MatMul that consumes it names the module.
    for node in graph.node:
        if node.op_type != 'MatMul':
            continue
        for name in node.input:
            if name in arrays and name not in want:
                found[_module_path(node.name) + '.weight'] = arrays[name].T
    missing = sorted(set(want) - set(found))
    if missing:
        raise ValueError(f'{path}: no weights for {missing[:5]}{"…" if len(missing) > 5 else ""}')
    for k, v in found.items():
        if k in want and tuple(v.shape) != tuple(want[k].shape):
            raise ValueError(f'{path}: {k} has shape {tuple(v.shape)}, the module wants {tuple(want[k].shape)}')
    module.load_state_dict({k: torch.from_numpy(v.copy()) for k, v in found.items() if k in want})
    return module
