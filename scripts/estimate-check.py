#!/usr/bin/env python3
"""Estimated vs measured training time: each committed spec's plan (`iclc plan`, seconds per
training at the rates of src/plan/cost.rs) beside the wall time its committed report measured.

    python3 scripts/estimate-check.py [--iclc target/release/iclc] [SPEC...]

Prints one row per kind of model and spec: trainings, the estimate, the measurement and their
ratio (measured / estimated; within 0.5–2 is the aim). The reports' times were taken with
`--jobs 2` on a 2-core machine, so they include some contention.
"""
import argparse, json, pathlib, re, subprocess, sys, collections

ROOT = pathlib.Path(__file__).resolve().parent.parent

def measured(report):
    """`run name` → seconds, from the report's table of trainings."""
    out, header = {}, None
    for line in report.read_text().splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if "wall time" in cells and "run" in cells:
            header = cells
            continue
        if header and len(cells) == len(header) and not set(cells[0]) <= set("-"):
            m = re.fullmatch(r"([0-9.]+) s", cells[header.index("wall time")])
            if m:
                out[cells[0]] = float(m.group(1))
        elif header and not line.startswith("|"):
            header = None
    return out

def kind(job):
    arch = job["kind"]["model"].get("arch", "regression")
    return arch["arch"] if isinstance(arch, dict) else arch

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--iclc", default=str(ROOT / "target/release/iclc"))
    ap.add_argument("specs", nargs="*")
    a = ap.parse_args()
    specs = [pathlib.Path(s) for s in a.specs] or sorted(
        p for p in (ROOT / "specs").glob("*.icl") if (ROOT / "reports" / p.stem / "report.md").exists())
    print(f"| spec | model | trainings | estimated | measured | measured / estimated |")
    print(f"|---|---|---|---|---|---|")
    worst = 1.0
    for spec in specs:
        times = measured(ROOT / "reports" / spec.stem / "report.md")
        plan = json.loads(subprocess.run([a.iclc, "plan", str(spec)], check=True, capture_output=True, text=True).stdout)
        rows = collections.defaultdict(lambda: [0, 0.0, 0.0])
        for job in plan["jobs"]:
            # A training of one seed is named without its seed in the report.
            name = job["name"] if job["name"] in times else re.sub(r" \(seed \d+\)$", "", job["name"])
            if job["kind"].get("kind") != "train" or name not in times:
                continue
            r = rows[kind(job)]
            r[0] += 1
            r[1] += job["estimate"]["seconds"]
            r[2] += times[name]
        for k, (n, est, got) in sorted(rows.items()):
            ratio = got / est if est else float("inf")
            worst = max(worst, ratio, 1 / ratio if ratio else float("inf"))
            print(f"| {spec.name} | {k} | {n} | {est:.1f} s | {got:.1f} s | {ratio:.2f} |")
    print(f"\nworst ratio either way: {worst:.2f}")

if __name__ == "__main__":
    sys.exit(main())
