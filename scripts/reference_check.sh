#!/usr/bin/env bash
# The reference check of whole trainings: train a spec's trainings with PyTorch (every seed of each),
# beside the spec's own iclc run, and print the comparison tables (docs/reference-check.md).
#
#   scripts/reference_check.sh SPEC OUT TRAINING...
#
# OUT is the folder of `iclc run SPEC --out OUT` (its cache holds iclc's records); the PyTorch
# records go to OUT/reference/; $K lists the positions k of the error tables (default "3 8": nnz + 2
# and 2d of specs/paper.icl). Needs python3 with torch, transformers and numpy ($PYTHON picks the
# interpreter); iclc itself never does.
set -euo pipefail
spec=$1 out=$2
shift 2
python=${PYTHON:-python3}
here=$(cd "$(dirname "$0")" && pwd)
iclc=${ICLC:-$here/../target/release/iclc}
mkdir -p "$out/reference"
"$iclc" plan "$spec" > "$out/reference/plan.json"
for training in "$@"; do
  seeds=$("$python" -c "
import json, sys
jobs = [j['kind'] for j in json.load(open(sys.argv[1]))['jobs']]
print(' '.join(str(j['seed']) for j in jobs if j['kind'] == 'train' and sys.argv[2] in [j['name']] + j.get('aliases', [])))
" "$out/reference/plan.json" "$training")
  files=()
  for seed in $seeds; do
    file="$out/reference/$training-$seed.json"
    [ -f "$file" ] || "$python" "$here/torch_reference.py" "$out/reference/plan.json" "$training" --seed "$seed" --out "$file"
    files+=("$file")
  done
  "$python" "$here/compare_reference.py" --plan "$out/reference/plan.json" --out "$out" --training "$training" \
    --torch "${files[@]}" --k ${K:-3 8}
  echo
done
