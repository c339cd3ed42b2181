#!/usr/bin/env bash
# The GPU recipe search for model selection (docs/performance.md, "Recipes for model selection"):
# every spec beside this script is one training (a 0.5/0.5 dense + sparse mixture, or the sparse
# specialist, at d = 5, nnz = 1), read every 1 000 steps on sparse and dense prompts. PyTorch trains
# them all at once on one GPU (scripts/torch_reference.py, TF32), each for SECONDS of training.
#
#   scripts/selection_search/run.sh plan OUT          # here: iclc plans each spec into OUT/plans
#   scripts/selection_search/run.sh train OUT [SECONDS]  # on the GPU machine (torch, transformers)
#   python3 scripts/selection_curves.py --plans OUT/plans --ls 0.080 OUT/records/*.json
#
# The planning step needs iclc ($ICLC, default target/release/iclc), the training step torch; the
# records are rewritten at every read, so a run cut short keeps its curve.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
what=$1 out=$2
case $what in
  plan)
    mkdir -p "$out/plans"
    for spec in "$here"/*.icl; do
      name=$(basename "$spec" .icl)
      "${ICLC:-target/release/iclc}" plan "$spec" --format json > "$out/plans/$name.json"
    done ;;
  train)
    secs=${3:-500}
    mkdir -p "$out/records"
    export PYTHONUNBUFFERED=1 OMP_NUM_THREADS=1
    for plan in "$out"/plans/*.json; do
      name=$(basename "$plan" .json)
      python3 "$here/../torch_reference.py" "$plan" "$name" --seed 1 --out "$out/records/$name.json" \
        --device cuda --tf32 --max-seconds "$secs" > "$out/records/$name.log" 2>&1 &
    done
    wait
    tail -n 1 "$out"/records/*.log ;;
  *) echo "usage: $0 plan|train OUT [SECONDS]" >&2; exit 1 ;;
esac
