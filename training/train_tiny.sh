#!/bin/sh
# pnpm train:tiny [--minutes 80] [--fresh] [--export-only] ...
# data -> PCA VAE -> text encoder + DiT -> ONNX export -> onnxruntime-node parity check (see training/README.md)
set -e
PY=${PYTHON:-}
if [ -z "$PY" ]; then
  for c in /usr/bin/python3 python3; do
    if "$c" -c 'import torch, onnx, numpy' 2>/dev/null; then PY=$c; break; fi
  done
fi
if [ -z "$PY" ]; then
  echo 'train:tiny needs python3 with torch, onnx and numpy:' >&2
  echo '  apt-get install -y python3-torch python3-onnx python3-numpy libopenblas0-pthread' >&2
  exit 1
fi
cd "$(dirname "$0")/.."
exec nice -n 10 "$PY" training/train.py "$@"
