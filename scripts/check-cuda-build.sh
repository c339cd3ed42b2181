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
say "installing CUDA 13 wheels into $dir/venv"
# CUDA 13.0: cudarc 0.19 (candle 0.11's) knows CUDA up to 13.4 and refuses 13.5, the newest wheel;
# nvcc's own dependencies (nvvm, crt) are pinned too, or pip brings 13.5's, whose PTX 13.0's ptxas
# rejects ("Unsupported .version 9.5").
# CUDA 13's wheels carry the whole compiler (nvcc, cudafe++, fatbinary, nvlink, ptxas) under one
# prefix, nvidia/cu13; CUDA 12's nvidia-cuda-nvcc-cu12 carries ptxas only, not nvcc.
"$dir/venv/bin/pip" install -q --disable-pip-version-check \
  'nvidia-cuda-nvcc==13.0.*' 'nvidia-cuda-runtime==13.0.*' 'nvidia-cuda-nvrtc==13.0.*' \
  'nvidia-cuda-cccl==13.0.*' 'nvidia-cublas==13.0.*' 'nvidia-curand==10.*' \
  'nvidia-nvvm==13.0.*' 'nvidia-cuda-crt==13.0.*'
site=$("$dir/venv/bin/python" -c 'import site; print(site.getsitepackages()[0])')/nvidia
home=$dir/cuda
rm -rf "$home"; mkdir -p "$home/lib64"
# One CUDA_HOME: the cu13 prefix (bin, include, nvvm), with every package's libraries in lib64.
for part in bin include nvvm; do [ -e "$site/cu13/$part" ] && ln -s "$site/cu13/$part" "$home/$part"; done
for libdir in "$site"/*/lib "$site"/cu13/lib64; do
  [ -d "$libdir" ] && cp -rsf "$libdir/." "$home/lib64/"
done
# The wheels ship versioned libraries only; the linker looks for the plain names.
for lib in "$home"/lib64/lib*.so.*; do
  plain=${lib%%.so.*}.so
  [ -e "$plain" ] || ln -s "$(basename "$lib")" "$plain"
done
[ -x "$home/bin/nvcc" ] || { say "no nvcc in the wheels under $site"; exit 1; }
# The driver library (libcuda.so) ships with the NVIDIA driver, in no Python or Debian main package,
# and candle links cudarc to it. Like the toolkit's lib64/stubs/libcuda.so, build a link stub: every
# driver-API function cudarc declares, empty, under the soname libcuda.so.1, so that a machine with a
# driver loads the real library at run time.
if [ ! -e "$home/lib64/libcuda.so" ]; then
  # cudarc's source lists the functions; a registry that has not built with CUDA yet lacks it.
  cargo fetch --quiet
  sys=$(ls -d "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/cudarc-0.19.*/src/driver/sys 2>/dev/null | head -1)
  [ -n "$sys" ] || { say "no cudarc 0.19 source in the cargo registry after cargo fetch"; exit 1; }
  grep -o 'fn cu[A-Za-z0-9_]*' "$sys/mod.rs" | sort -u | sed 's/^fn \(.*\)/void \1(void) {}/' > "$dir/libcuda_stub.c"
  mkdir -p "$home/lib64/stubs"
  gcc -shared -fPIC -Wl,-soname,libcuda.so.1 -o "$home/lib64/stubs/libcuda.so" "$dir/libcuda_stub.c"
  say "libcuda.so: a link stub of $(wc -l < "$dir/libcuda_stub.c") driver functions (no driver here)"
fi
say "CUDA_HOME=$home ($("$home/bin/nvcc" --version | tail -1))"
export CUDA_HOME=$home CUDA_PATH=$home CUDA_ROOT=$home CUDA_COMPUTE_CAP=$cap CUDARC_CUDA_VERSION=13000
# No empty element: gcc reads an empty LIBRARY_PATH element as ".", and would take this repo's specs/
# folder for its specs file.
export PATH=$home/bin:$PATH LIBRARY_PATH=$home/lib64:$home/lib64/stubs${LIBRARY_PATH:+:$LIBRARY_PATH}
export LD_LIBRARY_PATH=$home/lib64${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
say "cargo build --release --features cuda (compute capability $cap)"
cargo build --release --features cuda --target-dir target/cuda
say "built target/cuda/release/iclc in $(( $(date +%s) - started )) s"
# What a lent GPU machine is sent: the binary stripped and compressed (about 15 of its 60 MB; a
# device call carries at most 64 MiB with the working tree). scripts/gpu-check.sh unpacks it.
mkdir -p target/gpu
strip -o target/gpu/iclc target/cuda/release/iclc && gzip -f target/gpu/iclc
say "target/gpu/iclc.gz: $(du -h target/gpu/iclc.gz | cut -f1) to carry (scripts/gpu-check.sh unpacks it)"
# Without a driver the binary stops at load time ("libcuda.so.1: cannot open shared object file");
# on a GPU machine (LD_LIBRARY_PATH as above) it runs there.
target/cuda/release/iclc run specs/quick.icl --device cuda --out /tmp/iclc-cuda-smoke 2>&1 | tail -3 || true
