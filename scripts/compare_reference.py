"""Put iclc's trainings beside the PyTorch reference's (scripts/torch_reference.py) and say whether
iclc's curves lie within the seed spread of PyTorch's.

Run:  python scripts/compare_reference.py --plan plan.json --out reports/paper \\
          --training mix --torch ref/mix-1.json ref/mix-2.json ref/mix-3.json [--markdown FILE]
Reads iclc's records from the run's cache (train.json, eval.json) by the plan's job ids.
Prints Markdown tables: the training loss (means over windows of steps) and the error/d at chosen
k of every evaluation at every step it reads, PyTorch's seeds as min–max, iclc's seeds and their
mean, whether the mean is inside PyTorch's range, and a rank test of the two sets of seeds.
"""
import argparse
import json
import math
import os

import numpy as np


def windows(losses, n=10):
    """Mean loss over n equal windows of the run, with each window's last step."""
    losses = np.asarray(losses)
    edges = np.linspace(0, len(losses), n + 1).astype(int)
    return [(int(edges[i + 1]), float(losses[edges[i]:edges[i + 1]].mean())) for i in range(n)]


def iclc_runs(plan, out, training):
    jobs = [(j["id"], j["kind"]) for j in plan["jobs"]]
    trains = [(i, j) for i, j in jobs if j["kind"] == "train" and training in [j["name"]] + j.get("aliases", [])]
    evals = [(i, j) for i, j in jobs if j["kind"] == "eval" and any(m[0] == training for m in j["models"])]
    runs = []
    for tid, t in sorted(trains, key=lambda x: x[1]["seed"]):
        rec = json.load(open(os.path.join(out, "cache", tid, "train.json")))
        at, final = {}, {}
        for eid, e in evals:
            ev = json.load(open(os.path.join(out, "cache", eid, "eval.json")))
            p, task = ev["points"], e["task"]["name"]
            for (pred, errs) in ev["errors"]:
                if pred == {"kind": "model", "name": training}:
                    idx = [m[1] for m in e["models"] if m[0] == training].index(tid)
                    rows = [x for x in ev["errors"] if x[0] == pred][idx][1]
                    final[task] = np.asarray(rows).reshape(-1, p).mean(axis=0).tolist()
                    break
            for s in ev.get("at_steps", []):
                if s["model"] == training and s["seed"] == t["seed"]:
                    at.setdefault(s["step"], {})[task] = np.asarray(s["errors"]).reshape(-1, p).mean(axis=0).tolist()
        runs.append({"seed": t["seed"], "losses": rec["losses"], "wall_s": rec["wall_s"], "at": at, "final": final,
                     "steps": t["steps"]})
    return runs


def torch_runs(files):
    runs = []
    for f in files:
        r = json.load(open(f))
        runs.append({"seed": r["seed"], "losses": r["losses"], "wall_s": r["wall_s"], "final": r["final"],
                     "at": {a["step"]: a["errors"] for a in r["at_steps"]}})
    return runs


def rank_p(a, b):
    """Two-sided p of the Mann-Whitney U test (normal approximation with the tie correction): could
    the two sets of seeds come from one distribution? Meaningful from about five seeds a side."""
    a, b = np.asarray(a, float), np.asarray(b, float)
    n, m = len(a), len(b)
    both = np.concatenate([a, b])
    order = both.argsort()
    ranks = np.empty(n + m)
    ranks[order] = np.arange(1, n + m + 1)
    for v in np.unique(both):
        tie = both == v
        ranks[tie] = ranks[tie].mean()
    u = ranks[:n].sum() - n * (n + 1) / 2
    _, counts = np.unique(both, return_counts=True)
    var = n * m / 12 * ((n + m + 1) - (counts ** 3 - counts).sum() / ((n + m) * (n + m - 1)))
    if var <= 0:
        return 1.0
    z = (abs(u - n * m / 2) - 0.5) / math.sqrt(var)
    return float(math.erfc(max(z, 0.0) / math.sqrt(2)))


class Table:
    """Rows comparing PyTorch's seeds with iclc's, and the counts the summary line gives."""

    def __init__(self):
        self.inside = self.apart = self.total = 0

    def row(self, label, ref, ours):
        lo, hi, mean, p = min(ref), max(ref), float(np.mean(ours)), rank_p(ref, ours)
        inside = lo <= mean <= hi
        self.inside += inside
        self.apart += p < 0.05
        self.total += 1
        return (f"| {label} | {lo:.4f} – {hi:.4f} | {' / '.join(f'{v:.4f}' for v in ours)} | {mean:.4f} | "
                f"{'yes' if inside else '**no**'} | {p:.2f} |")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--plan", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--training", required=True)
    ap.add_argument("--torch", nargs="+", required=True)
    ap.add_argument("--k", type=int, nargs="+", default=[3])
    a = ap.parse_args()
    plan = json.load(open(a.plan))
    ours, ref = iclc_runs(plan, a.out, a.training), torch_runs(a.torch)
    head = ("| {} | PyTorch (seeds, min – max) | iclc (seeds) | iclc mean | inside | rank test p |\n"
            "|---|---|---|---|---|---|")
    lines = [f"### `{a.training}`", "", f"Seeds: PyTorch {[r['seed'] for r in ref]}, iclc {[r['seed'] for r in ours]}. "
             f"Training time: PyTorch {np.mean([r['wall_s'] for r in ref]):.0f} s, iclc {np.mean([r['wall_s'] for r in ours]):.0f} s "
             "(mean per seed; both on one thread).", "", "Training loss, mean over each tenth of the run:", "",
             head.format("steps")]
    table = Table()
    ref_w = [windows(r["losses"]) for r in ref]
    our_w = [windows(r["losses"]) for r in ours]
    for i, (step, _) in enumerate(ref_w[0]):
        lines.append(table.row(f"…{step}", [w[i][1] for w in ref_w], [w[i][1] for w in our_w]))
    steps = sorted(set(ref[0]["at"]) & set(ours[0]["at"]))
    for task in sorted(ref[0]["final"]):
        for k in a.k:
            lines += ["", f"Error/d on `{task}` prompts at k = {k}:", "", head.format("step")]
            read_at = [st for st in steps if all(task in r["at"][st] for r in ref + ours)]
            for step in read_at + ["final"]:
                pick = (lambda r: r["final"][task][k]) if step == "final" else (lambda r: r["at"][step][task][k])
                lines.append(table.row(str(step), [pick(r) for r in ref], [pick(r) for r in ours]))
    lines += ["", f"iclc's seed mean lies inside PyTorch's seed range at {table.inside} of {table.total} points; "
              f"the rank test tells the two apart (p < 0.05) at {table.apart}."]
    print("\n".join(lines))


if __name__ == "__main__":
    main()
