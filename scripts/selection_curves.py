"""Summarise recipe-search runs of scripts/torch_reference.py (docs/performance.md, "Recipes for
model selection"): per run, the error/d on sparse prompts at k against prompts seen, as a Markdown
table, a compact JSON and an SVG figure with least squares' error and the selection threshold.

Run:  python3 scripts/selection_curves.py --plans DIR --ls 0.090 --k 3 \\
          --svg docs/figures/recipes/gpu_search.svg --json docs/figures/recipes/gpu_search.json RUN.json...
DIR holds the `iclc plan --format json` of each run's spec (NAME.json, NAME the training), which
gives the batch and model. Plain Python: no numpy, no plotting library.
"""
import argparse
import json
import math
import os

COLOURS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
           "#7f7f7f", "#bcbd22", "#17becf", "#393b79", "#637939", "#8c6d31", "#843c39"]


def training_of(plan_dir, name):
    plan = json.load(open(os.path.join(plan_dir, name + ".json")))
    return next(j["kind"] for j in plan["jobs"] if j["kind"]["kind"] == "train")


def curve(record, batch, task, k):
    """(prompts seen, error/d at k) at every recorded step."""
    return [(a["step"] * batch, a["errors"][task][k]) for a in record["at_steps"] if task in a["errors"]]


def svg(runs, ls, threshold, k, path):
    w, h, left, right, top, bottom = 760, 420, 60, 200, 20, 50
    xs = [p for r in runs for p, _ in r["curve"]]
    x0, x1 = math.log10(min(xs)), math.log10(max(xs))
    y0, y1 = 0.0, 0.2
    sx = lambda p: left + (math.log10(p) - x0) / (x1 - x0) * (w - left - right)
    sy = lambda e: top + (1 - (min(e, y1) - y0) / (y1 - y0)) * (h - top - bottom)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" font-family="sans-serif" font-size="11">',
           f'<rect x="{left}" y="{top}" width="{w - left - right}" height="{h - top - bottom}" fill="none" stroke="#999"/>']
    for e in [0.0, 0.05, 0.1, 0.15, 0.2]:
        out.append(f'<text x="{left - 6}" y="{sy(e) + 4:.1f}" text-anchor="end">{e:.2f}</text>')
    for p in range(math.ceil(x0), math.floor(x1) + 1):
        out.append(f'<text x="{sx(10 ** p):.1f}" y="{h - bottom + 16}" text-anchor="middle">1e{p}</text>')
    out.append(f'<text x="{(left + w - right) / 2}" y="{h - 12}" text-anchor="middle">prompts seen</text>')
    out.append(f'<text x="14" y="{(top + h - bottom) / 2}" transform="rotate(-90 14 {(top + h - bottom) / 2})" '
               f'text-anchor="middle">error/d, sparse prompts, k = {k}</text>')
    for value, label, dash in [(ls, "least squares", "6 3"), (threshold, "0.6 × least squares", "2 3")]:
        out.append(f'<line x1="{left}" x2="{w - right}" y1="{sy(value):.1f}" y2="{sy(value):.1f}" '
                   f'stroke="#000" stroke-dasharray="{dash}"/>')
        out.append(f'<text x="{left + 4}" y="{sy(value) - 4:.1f}">{label}</text>')
    for i, r in enumerate(runs):
        c = COLOURS[i % len(COLOURS)]
        pts = " ".join(f"{sx(p):.1f},{sy(e):.1f}" for p, e in r["curve"])
        dash = ' stroke-dasharray="5 2"' if r["data"] == "sparse" else ""
        out.append(f'<polyline points="{pts}" fill="none" stroke="{c}" stroke-width="1.5"{dash}/>')
        out.append(f'<text x="{w - right + 4}" y="{top + 40 + 13 * i}" fill="{c}">{r["name"]}</text>')
    out.append(f'<text x="{w - right + 4}" y="{top + 24}">dashed: sparse only</text>')
    out.append("</svg>")
    open(path, "w").write("\n".join(out) + "\n")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--plans", required=True)
    ap.add_argument("--ls", type=float, required=True, help="least squares' error/d at k")
    ap.add_argument("--k", type=int, default=3)
    ap.add_argument("--svg")
    ap.add_argument("--json")
    ap.add_argument("records", nargs="+")
    a = ap.parse_args()
    runs = []
    for path in a.records:
        rec = json.load(open(path))
        t = training_of(a.plans, rec["training"])
        data = "sparse" if t["data"]["class"]["kind"] == "sparse_linear" else "mixture"
        m = t["model"]
        name = rec["training"] if rec["seed"] == 1 else f'{rec["training"]} (seed {rec["seed"]})'
        runs.append({"name": name, "data": data, "model": f'{m["layers"]} × {m["width"]}, {m["heads"]} heads',
                     "batch": t["batch"], "lr": t["lr"], "steps": rec["steps_done"], "wall_s": round(rec["wall_s"]),
                     "curve": curve(rec, t["batch"], "sparse", a.k)})
    threshold = 0.6 * a.ls
    print("| run | data | model | batch | lr | steps | prompts | best error/d at k, sparse | first below 0.6 × LS |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in runs:
        best = min(e for _, e in r["curve"])
        first = next((p for p, e in r["curve"] if e <= threshold), None)
        print(f'| {r["name"]} | {r["data"]} | {r["model"]} | {r["batch"]} | {r["lr"]:g} | {r["steps"]} | '
              f'{r["steps"] * r["batch"] / 1e6:.1f} M | {best:.3f} | {"—" if first is None else f"{first / 1e6:.2f} M"} |')
    if a.svg:
        svg(runs, a.ls, threshold, a.k, a.svg)
    if a.json:
        json.dump(runs, open(a.json, "w"), indent=1)


if __name__ == "__main__":
    main()
