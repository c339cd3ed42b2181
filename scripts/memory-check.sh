#!/bin/bash
# The plan's memory estimate against the measured peak (GNU time's maximum resident set size) of
# `iclc run SPEC --jobs N --threads 1 --fresh`, one spec after another; prints a Markdown table.
#   scripts/memory-check.sh [--jobs N] SPEC...
# Runs the specs in full (the committed ones take minutes each); out folders go to a temporary folder.
set -euo pipefail
jobs=1
if [ "${1:-}" = "--jobs" ]; then jobs=$2; shift 2; fi
bin=${ICLC:-target/release/iclc}
[ -x "$bin" ] || cargo build --release
command -v /usr/bin/time > /dev/null || { echo "needs GNU time (/usr/bin/time)" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "| spec | --jobs | estimate | measured | measured / estimate |"
echo "|---|---|---|---|---|"
for spec in "$@"; do
  name=$(basename "$spec" .icl)
  estimate=$("$bin" plan "$spec" --format json --jobs "$jobs" 2> /dev/null |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["memory"]["peak_bytes"])')
  rc=0
  /usr/bin/time -v -o "$tmp/$name.time" "$bin" run "$spec" --out "$tmp/$name" --jobs "$jobs" --threads 1 --fresh \
    > "$tmp/$name.log" 2>&1 || rc=$?
  # Exit 2 is a claim that fails, which measures as well as a pass.
  if [ "$rc" != 0 ] && [ "$rc" != 2 ]; then tail -5 "$tmp/$name.log" >&2; fi
  kib=$(awk '/Maximum resident/ {print $NF}' "$tmp/$name.time")
  python3 -c "e=$estimate; m=$kib*1024; print(f'| {\"$name\"} | $jobs | {e/1e6:.0f} MB | {m/1e6:.0f} MB | {m/e:.2f} |')"
done
