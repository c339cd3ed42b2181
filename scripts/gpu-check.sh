#!/usr/bin/env bash
# The one-call GPU check: everything a lent GPU machine should measure for iclc, in one command of
# at most 9 minutes, written up in OUT/summary.md (and every log and report in OUT/details.tar.gz):
#
#   1. nvidia-smi, and whether the carried binary finds its libraries;
#   2. `iclc bench train` on CUDA: the tiny, flagship (specs/paper.icl: 4 x 64 at d = 4, 9 points,
#      batch 128), small and Garg's standard shapes, stacked K = 1, 4, 16, in f32 and tf32;
#   3. the PyTorch step on the same GPU and shapes (scripts/torch_step.py: eager in f32 and tf32,
#      torch.compile where it compiles within a minute and a half);
#   4. `iclc run` of specs/paper.icl, specs/rules.icl, specs/patterns.icl and specs/quick.icl with
#      --device cuda, stacked, and paper.icl again (--fresh) to see whether a GPU run repeats.
#
# On the GPU machine, from the repository root, with the CUDA binary carried (built here by
# `CUDA_COMPUTE_CAP=90 scripts/check-cuda-build.sh`, which packs it as target/gpu/iclc.gz: carry
# `target/gpu`):
#
#   scripts/gpu-check.sh OUT                  # ICLC, else target/cuda/release/iclc, else target/gpu/iclc.gz
#
# Here, before a lease is spent, the same sequence on the CPU (the graph backend, small shapes, few
# steps, the tiny specs of scripts/gpu-check/ in place of the real ones), in under 5 minutes:
#
#   scripts/gpu-check.sh --dry-run OUT        # ICLC=target/release/iclc by default
#
# Every step has its own time limit within the whole budget (BUDGET_S: 540 on a GPU, 280 dry), so a
# slow step costs its own lines of the summary, not the rest. Exit status 0 when every step ran.
set -uo pipefail
cd "$(dirname "$0")/.."
dry=0
if [ "${1:-}" = --dry-run ]; then dry=1; shift; fi
out=${1:?usage: scripts/gpu-check.sh [--dry-run] OUT}
mkdir -p "$out/logs" "$out/runs"
out=$(realpath "$out")
summary=$out/summary.md
started=$(date +%s)
failed=0

if [ "$dry" = 1 ]; then
  iclc=${ICLC:-target/release/iclc}
  budget=${BUDGET_S:-280}
  device=(--backend graph --device cpu)
  precisions=(f32)
  bench_models=(--model flagship --model "layers=2,width=64,heads=4,dim=20,points=41,batch=16")
  bench_stacks=1,4
  bench_steps=3
  specs=(scripts/gpu-check/quick.icl scripts/gpu-check/paper.icl scripts/gpu-check/rules.icl scripts/gpu-check/patterns.icl)
  torch_device=cpu
else
  iclc=${ICLC:-target/cuda/release/iclc}
  # The binary travels compressed (scripts/check-cuda-build.sh packs target/gpu/iclc.gz).
  if [ ! -x "$iclc" ] && [ -f target/gpu/iclc.gz ]; then
    gunzip -c target/gpu/iclc.gz > /tmp/iclc-cuda && chmod +x /tmp/iclc-cuda && iclc=/tmp/iclc-cuda
  fi
  budget=${BUDGET_S:-540}
  device=(--device cuda)
  precisions=(f32 tf32)
  bench_models=(--model flagship --model standard)
  bench_stacks=1,4,16
  bench_steps=20
  specs=(specs/quick.icl specs/paper.icl specs/rules.icl specs/patterns.icl)
  torch_device=cuda
  # The CUDA libraries the binary links (cuBLAS, cuRAND, NVRTC) ship with PyTorch's NVIDIA wheels;
  # the driver's libcuda with the driver.
  nvidia=$(python3 -c 'import nvidia; print(list(nvidia.__path__)[0])' 2>/dev/null || true)
  libs=$(find "$nvidia" /usr/local/nvidia /usr/local/cuda -maxdepth 4 -name 'lib*.so*' -printf '%h\n' 2>/dev/null | sort -u | tr '\n' ':')
  export LD_LIBRARY_PATH=${libs}${LD_LIBRARY_PATH:-}
fi

left() { echo $(( budget - ($(date +%s) - started) )); }
say() { echo "$*" >> "$summary"; }

# step NAME LIMIT_S COMMAND…: runs the command under the smaller of its limit and the time left,
# its output in logs/NAME.log; the summary gets its status, its seconds and its last lines.
step() {
  local name=$1 limit=$2; shift 2
  local log=$out/logs/$name.log t0 rc
  local allowed; allowed=$(left)
  [ "$allowed" -gt "$limit" ] && allowed=$limit
  say ""
  say "### $name"
  say ""
  if [ "$allowed" -lt 5 ]; then
    say "skipped: the budget of $budget s is spent"
    failed=1
    return 1
  fi
  t0=$(date +%s)
  timeout --kill-after=5 "$allowed" "$@" > "$log" 2>&1
  rc=$?
  say "\`$*\`: exit $rc after $(( $(date +%s) - t0 )) s (limit $allowed s)"
  say ""
  say '```'
  grep -v -E '^\s*$|━|▕|\[[0-9:]+\]' "$log" | tail -n 40 >> "$summary"
  say '```'
  [ "$rc" = 0 ] || failed=1
  return $rc
}

: > "$summary"
say "# iclc GPU check $(date -u +%Y-%m-%dT%H:%M:%SZ)$([ "$dry" = 1 ] && echo ' (dry run on the CPU)')"
say ""
say "commit $(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown), binary $iclc, budget $budget s"

if [ "$dry" = 1 ]; then
  step machine 10 bash -c 'nproc; grep -m1 "model name" /proc/cpuinfo'
else
  step nvidia-smi 20 nvidia-smi
  step libraries 10 bash -c "ldd '$iclc' | grep -E 'cuda|cublas|curand|nvrtc|not found'; '$iclc' --version"
fi

# The most telling first, since a slow step can spend the budget of those after it: the f32
# step times and PyTorch's beside them, the flagship spec, then tf32, the other specs, the repeat.
bench() {
  step "bench-$1" 120 "$iclc" bench train "${device[@]}" --precision "$1" "${bench_models[@]}" \
    --stack "$bench_stacks" --steps "$bench_steps"
}
have_torch=0
python3 -c 'import torch, transformers' 2>/dev/null && have_torch=1
presets=tiny,flagship,small,standard
[ "$dry" = 1 ] && presets=tiny,flagship
torch_step() {
  local name=$1 limit=$2; shift 2
  [ "$have_torch" = 1 ] || return 0
  step "$name" "$limit" python3 scripts/torch_step.py --device "$torch_device" --steps "$bench_steps" \
    --json "$out/logs/$name.json" "$@"
}
# Exit 2 is a report whose claims do not all pass: the run itself went through.
run_spec() {
  local name=$1 spec=$2; shift 2
  local before=$failed
  step "$name" 150 "$iclc" run "$spec" "${device[@]}" --stack on --out "$out/runs/${name#run-}" --fresh "$@"
  local rc=$?
  if [ "$rc" = 2 ]; then failed=$before; return 0; fi
  return $rc
}

bench f32
torch_step torch-eager-f32 90 --presets "$presets"
if [ "$have_torch" = 0 ]; then
  say ""
  say "### torch"
  say ""
  say "skipped: no torch and transformers in $(command -v python3) here"
  python3 -m py_compile scripts/torch_step.py scripts/torch_reference.py && say "(scripts/torch_step.py compiles)"
fi
# Stacked as a GPU run stacks them by default (--stack auto), on the CPU too.
run_spec run-paper "${specs[1]}"
for p in "${precisions[@]:1}"; do bench "$p"; done
if [ "$dry" = 0 ]; then
  torch_step torch-eager-tf32 60 --tf32 --presets "$presets"
  torch_step torch-compile 90 --compile --presets flagship,standard
fi
run_spec run-rules "${specs[2]}"
run_spec run-patterns "${specs[3]}"
run_spec run-quick "${specs[0]}"

# Whether a GPU run repeats: the same spec again, every job recomputed, its numbers compared.
if run_spec run-paper-again "${specs[1]}"; then
  for f in results.csv claims.json training.csv; do
    if cmp -s "$out/runs/paper/$f" "$out/runs/paper-again/$f"; then
      say "$f: the same bytes in both runs"
    else
      say "$f: differs between the runs ($(diff "$out/runs/paper/$f" "$out/runs/paper-again/$f" | grep -c '^<') lines)"
    fi
  done
fi

say ""
say "## In short"
say ""
say "total $(( $(date +%s) - started )) s of a budget of $budget s; every step ran: $([ $failed = 0 ] && echo yes || echo no)"
grep -h -E 'ms/step' "$out"/logs/bench-*.log "$out"/logs/torch-*.log 2>/dev/null | sed 's/^/    /' >> "$summary"
for log in "$out"/logs/run-*.log; do
  [ -e "$log" ] || continue
  total=$(grep -h -E '^claims:' "$log" | tail -1)
  say "    $(basename "$log" .log): ${total:-no report}"
done
for md in "$out"/runs/*/report.md; do
  [ -e "$md" ] || continue
  wall=$(grep -E '^\| time: total' "$md" | sed 's/.*| \(.*\) |$/\1/')
  say "    $(basename "$(dirname "$md")") total $wall; $(grep -E '^\| trained on' "$md" | head -2 | sed 's/| trained on | \(.*\) |/\1/' | tr '\n' ';')"
done
# Everything but the models' weights, in one archive (a device call returns at most 8 files).
tar -C "$out" --exclude='*.safetensors' -czf "$out/details.tar.gz" logs runs 2>/dev/null
[ "$failed" = 0 ]
