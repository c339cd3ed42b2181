"""Train one of a spec's trainings with PyTorch + HF transformers, as iclc would, and record its
curves: the reference check of whole trainings (docs/reference-check.md).

The training is read from `iclc plan SPEC` (so the recipe cannot drift from iclc's): the model
(read_in -> GPT-2 backbone on inputs_embeds -> read_out, Garg et al.'s `src/models.py`), AdamW
with iclc's schedule, clipping and weight decay, Garg's curriculum with sparse supports drawn
among the live coordinates (`src/train.py`: valid_coords = curriculum.n_dims_truncated), the loss
at every x position. Every evaluation of the plan that reads this training is repeated on fresh
prompts (a different random stream than iclc's: the comparison is between distributions), at
its `at` steps and at the end.

Run:  iclc plan specs/paper.icl > plan.json
      python scripts/torch_reference.py plan.json TRAINING --seed 1 --out ref/TRAINING-1.json

`--device cuda` trains on a GPU (prompts are still drawn on the CPU from the same stream, so a seed
draws the same prompts on either device); `--max-seconds S` stops a long training after S seconds
of training and records what it reached. The record is rewritten after every `at` step, so a
training that is killed keeps its curve up to there.
Needs: torch, transformers, numpy (never needed by iclc itself or its tests).
"""
import argparse
import json
import math
import os
import time

import numpy as np
import torch
import torch.nn as nn
from transformers import GPT2Config, GPT2Model


class IclTransformer(nn.Module):
    def __init__(self, n_dims, points, n_embd, n_layer, n_head):
        super().__init__()
        cfg = GPT2Config(n_positions=2 * points, n_embd=n_embd, n_layer=n_layer, n_head=n_head,
                         resid_pdrop=0.0, embd_pdrop=0.0, attn_pdrop=0.0, use_cache=False)
        cfg._attn_implementation = "eager"
        self._read_in = nn.Linear(n_dims, n_embd)
        self._backbone = GPT2Model(cfg)
        self._read_out = nn.Linear(n_embd, 1)

    def forward(self, xs, ys):
        b, k, d = xs.shape
        ys_wide = torch.cat((ys.view(b, k, 1), torch.zeros(b, k, d - 1, device=ys.device)), dim=2)
        zs = torch.stack((xs, ys_wide), dim=2).view(b, 2 * k, d)
        h = self._backbone(inputs_embeds=self._read_in(zs)).last_hidden_state
        return self._read_out(h)[:, ::2, 0]


def sampled_here(cls):
    """Whether draw_weights can sample the class."""
    if cls["kind"] == "mixture":
        return all(sampled_here(c["class"]) for c in cls["components"])
    return cls["kind"] in ("linear", "sparse_linear")


def draw_weights(cls, n, d, live, gen):
    """Weight vectors (n, d) of a linear, sparse linear or mixture class; components drawn."""
    kind = cls["kind"]
    if kind == "linear":
        return cls["scale"] * torch.randn(n, d, generator=gen), np.zeros(n, dtype=int)
    if kind == "sparse_linear":
        w = torch.randn(n, d, generator=gen)
        mask = torch.zeros(n, d, dtype=torch.bool)
        for i in range(n):
            mask[i, torch.randperm(live, generator=gen)[: cls["nnz"]]] = True
        return cls["scale"] * w * mask, np.zeros(n, dtype=int)
    if kind == "mixture":
        weights = torch.tensor([c["weight"] for c in cls["components"]])
        pick = torch.multinomial(weights, n, replacement=True, generator=gen)
        w = torch.zeros(n, d)
        for j, c in enumerate(cls["components"]):
            rows = (pick == j).nonzero().flatten()
            if len(rows):
                w[rows], _ = draw_weights(c["class"], len(rows), d, live, gen)
        return w, pick.numpy()
    raise SystemExit(f"class `{kind}` is not in this reference script (linear, sparse_linear, mixtures)")


def batch(cls, n, points, d, live, gen):
    xs = torch.randn(n, points, d, generator=gen)
    xs[:, :, live:] = 0
    w, comp = draw_weights(cls, n, d, live, gen)
    return xs, (xs @ w.unsqueeze(2))[:, :, 0], comp


def learning_rate(schedule, peak, step, total):
    def warm(w):
        return 1.0 if w == 0 else min(step / w, 1.0)
    kind = schedule["schedule"]
    if kind == "constant":
        return peak
    if kind == "warmup":
        return peak * warm(schedule["steps"])
    w, f = schedule["warmup"], schedule["final_fraction"]
    if step <= w:
        return peak * warm(w)
    progress = (step - w) / max(total - w, 1)
    return peak * (f + (1 - f) * 0.5 * (1 + math.cos(math.pi * progress)))


def curriculum_at(cur, step, dims, points):
    if cur is None:
        return dims, points
    stages = step // cur["every"]
    at = lambda s: min(s["start"] + stages * s["inc"], s["end"])
    return at(cur["dims"]), at(cur["points"])


def evaluate(model, job, prompts, seed, device):
    """Mean squared error / d at every k on fresh prompts of an evaluation job's task."""
    gen = torch.Generator().manual_seed(10_000 + seed)
    d = job["dim"]
    with torch.no_grad():
        xs, ys, _ = batch(job["task"]["class"], prompts, job["points"], d, d, gen)
        xs, ys = xs.to(device), ys.to(device)
        pred = model(xs, ys)
    return (((pred - ys) ** 2).mean(dim=0) / d).tolist()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("plan")
    ap.add_argument("training")
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--max-seconds", type=float, default=None)
    ap.add_argument("--tf32", action="store_true", help="TF32 matrix products on a GPU (faster, less exact)")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.backends.cuda.matmul.allow_tf32 = a.tf32
    plan = json.load(open(a.plan))
    jobs = [j["kind"] for j in plan["jobs"]]
    trains = [j for j in jobs if j["kind"] == "train" and a.training in [j["name"]] + j.get("aliases", [])]
    if not trains:
        raise SystemExit(f"no training `{a.training}` in the plan")
    # The recipe of the replicate with this seed where there is one (replicates differ only there).
    t = next((j for j in trains if j["seed"] == a.seed), trains[0])
    evals = [j for j in jobs if j["kind"] == "eval" and any(m[0] == a.training for m in j["models"])]
    # Tasks of classes this script does not sample (sine, convex combinations, ...) are skipped,
    # before training rather than after it.
    skipped = [e["task"]["name"] for e in evals if not sampled_here(e["task"]["class"])]
    evals = [e for e in evals if sampled_here(e["task"]["class"])]
    if skipped:
        print(f"not evaluated here (classes this script does not sample): {', '.join(skipped)}")
    m = t["model"]
    torch.manual_seed(a.seed)
    model = IclTransformer(t["dim"], t["points"], m["width"], m["layers"], m["heads"]).to(a.device)
    params = [p for n, p in model.named_parameters() if not n.endswith("wte.weight")]
    if t["decay_on"] == "matrices":
        # As iclc's AdamW: every tensor of two or more dimensions decays (positions included).
        groups = [{"params": [p for p in params if p.dim() >= 2], "weight_decay": t["weight_decay"]},
                  {"params": [p for p in params if p.dim() < 2], "weight_decay": 0.0}]
    else:
        groups = [{"params": params, "weight_decay": t["weight_decay"]}]
    opt = torch.optim.AdamW(groups, lr=t["lr"], betas=(0.9, 0.999), eps=1e-8)
    gen = torch.Generator().manual_seed(a.seed)
    at_steps = {s for e in evals for s in resolve(e.get("at"), t["steps"])}
    losses, at, started = [], [], time.time()

    def record(final, steps_done):
        json.dump({"training": a.training, "seed": a.seed, "torch": torch.__version__, "device": a.device,
                   "wall_s": time.time() - started, "steps_done": steps_done, "losses": losses,
                   "at_steps": at, "final": final}, open(a.out + ".tmp", "w"))
        os.replace(a.out + ".tmp", a.out)

    done = 0
    for step in range(1, t["steps"] + 1):
        if a.max_seconds is not None and time.time() - started > a.max_seconds:
            break
        dims, points = curriculum_at(t.get("curriculum"), step - 1, t["dim"], t["points"])
        xs, ys, _ = batch(t["data"]["class"], t["batch"], points, t["dim"], dims, gen)
        xs, ys = xs.to(a.device), ys.to(a.device)
        for g in opt.param_groups:
            g["lr"] = learning_rate(t["schedule"], t["lr"], step, t["steps"])
        opt.zero_grad()
        loss = ((model(xs, ys) - ys) ** 2).mean()
        loss.backward()
        if t.get("clip") is not None:
            torch.nn.utils.clip_grad_norm_(params, t["clip"])
        opt.step()
        losses.append(loss.item())
        done = step
        if step in at_steps:
            wall = time.time() - started
            at.append({"step": step, "wall_s": wall,
                       "errors": {e["task"]["name"]: evaluate(model, e, e["prompts"], a.seed, a.device) for e in evals}})
            record(None, done)
    final = {e["task"]["name"]: evaluate(model, e, e["prompts"], a.seed, a.device) for e in evals}
    record(final, done)
    wall = time.time() - started
    print(f"{a.training} seed {a.seed}: {done} of {t['steps']} steps in {wall:.0f} s, final loss {np.mean(losses[-100:]):.4f}")


def resolve(at, total):
    if at is None:
        return []
    if at["at"] == "every":
        return list(range(at["every"], total, at["every"]))
    return [s for s in at["steps"] if s < total]


if __name__ == "__main__":
    main()
