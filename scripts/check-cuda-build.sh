#!/usr/bin/env bash
# Builds iclc with `--features cuda` on a machine without a GPU or a system CUDA: CUDA's compiler,
# headers and libraries come from the Python registry's NVIDIA wheels, assembled into a CUDA_HOME
# under DIR (default target/cuda-toolkit); CUDA_COMPUTE_CAP (default 80) stands in for the GPU that
# is not here to ask. Not run by .ci/run (the kernels take long to compile); run it by hand:
#
#   scripts/check-cuda-build.sh [DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
dir=$(realpath -m "${1:-target/cuda-toolkit}")
cap=${CUDA_COMPUTE_CAP:-80}
say() { echo "check-cuda-build: $*" >&2; }
started=$(date +%s)
if [ ! -x "$dir/venv/bin/python" ]; then
  python3 -m venv "$dir/venv"
fi
say "installing CUDA 12 wheels into $dir/venv"
"$dir/venv/bin/pip" install -q --disable-pip-version-check \
  'nvidia-cuda-nvcc-cu12==12.4.*' 'nvidia-cuda-runtime-cu12==12.4.*' 'nvidia-cuda-nvrtc-cu12==12.4.*' \
  'nvidia-cublas-cu12==12.4.*' 'nvidia-curand-cu12' 'nvidia-cuda-cccl-cu12==12.4.*'
site=$("$dir/venv/bin/python" -c 'import site; print(site.getsitepackages()[0])')/nvidia
home=$dir/cuda
rm -rf "$home"; mkdir -p "$home/bin" "$home/include" "$home/lib64" "$home/nvvm"
# One CUDA_HOME from the wheels' pieces: nvcc and its nvvm, every package's headers and libraries.
cp -rs "$site/cuda_nvcc/bin/." "$home/bin/"
cp -rs "$site/cuda_nvcc/nvvm/." "$home/nvvm/"
for pkg in "$site"/*/; do
  [ -d "$pkg/include" ] && cp -rsf "$pkg/include/." "$home/include/"
  [ -d "$pkg/lib" ] && cp -rsf "$pkg/lib/." "$home/lib64/"
done
# The wheels ship versioned libraries only; the linker looks for the plain names.
for lib in "$home"/lib64/lib*.so.*; do
  plain=${lib%%.so.*}.so
  [ -e "$plain" ] || ln -s "$(basename "$lib")" "$plain"
done
say "CUDA_HOME=$home ($("$home/bin/nvcc" --version | tail -1))"
export CUDA_HOME=$home CUDA_PATH=$home CUDA_ROOT=$home CUDA_COMPUTE_CAP=$cap
export PATH=$home/bin:$PATH LIBRARY_PATH=$home/lib64:${LIBRARY_PATH:-} LD_LIBRARY_PATH=$home/lib64:${LD_LIBRARY_PATH:-}
say "cargo build --release --features cuda (compute capability $cap)"
cargo build --release --features cuda --target-dir target/cuda
say "built target/cuda/release/iclc in $(( $(date +%s) - started )) s"
# Without a GPU the binary can only say so; with one (LD_LIBRARY_PATH as above) it runs on it.
target/cuda/release/iclc run specs/quick.icl --device cuda --out /tmp/iclc-cuda-smoke 2>&1 | tail -3 || true
