"""PyTorch reference for iclc's training-speed benchmark (`iclc bench train`): ms per training step
of the Garg et al. ICL transformer (HF GPT-2 backbone, the model of scripts/torch_reference.py),
AdamW, fresh linear-regression prompts every step, on the CPU or a GPU.

    python scripts/torch_step.py --threads 1                       # CPU, tiny and small
    python scripts/torch_step.py --device cuda --presets tiny,flagship,small,standard
    python scripts/torch_step.py --device cuda --compile --presets standard

Prints one line per preset: its name and the median ms/step; `--json FILE` also writes them. The
presets are iclc's (`iclc bench train --model NAME`), each with its batch: tiny and small (batch 64),
the flagship spec's model (specs/paper.icl: 4 layers x 64 at d = 4, 9 points, batch 128) and
Garg et al.'s standard model (12 x 256 at d = 20, 41 points, batch 64). `--compile` times the
`torch.compile`d model (its first steps, which compile, are left out and timed apart); `--tf32`
lets the products use TF32 tensor cores. Needs torch and transformers (never iclc itself).
"""
import argparse
import json
import os
import statistics
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from torch_reference import IclTransformer  # noqa: E402

PRESETS = {  # name: (n_dims, points, n_embd, n_layer, n_head, batch)
    "tiny": (5, 11, 64, 2, 2, 64),
    "small": (10, 21, 128, 4, 4, 64),
    "flagship": (4, 9, 64, 4, 4, 128),
    "standard": (20, 41, 256, 12, 8, 64),
}


def bench(n_dims, points, n_embd, n_layer, n_head, batch, warmup, steps, device, compile_model):
    model = IclTransformer(n_dims, points, n_embd, n_layer, n_head).to(device)
    opt = torch.optim.AdamW(model.parameters(), lr=1e-4, weight_decay=0.0)
    forward = torch.compile(model) if compile_model else model
    times, first = [], None
    for i in range(warmup + steps):
        t = time.perf_counter()
        xs = torch.randn(batch, points, n_dims, device=device)
        ys = (xs @ torch.randn(batch, n_dims, 1, device=device))[:, :, 0]
        loss = ((forward(xs, ys) - ys) ** 2).mean()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        loss.item()  # waits for the GPU
        elapsed = time.perf_counter() - t
        if i == 0:
            first = elapsed
        if i >= warmup:
            times.append(elapsed)
    return 1000 * statistics.median(times), first


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--steps", type=int, default=30)
    ap.add_argument("--warmup", type=int, default=5)
    ap.add_argument("--presets", default="tiny,small")
    ap.add_argument("--compile", action="store_true")
    ap.add_argument("--tf32", action="store_true")
    ap.add_argument("--json")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.backends.cuda.matmul.allow_tf32 = a.tf32
    torch.backends.cudnn.allow_tf32 = a.tf32
    torch.manual_seed(0)
    where = torch.cuda.get_device_name(0) if a.device.startswith("cuda") else f"cpu, {a.threads} thread(s)"
    mode = "compiled" if a.compile else "eager"
    precision = "tf32" if a.tf32 else "f32"
    rows = []
    for name in a.presets.split(","):
        warmup = max(a.warmup, 3) if a.compile else a.warmup
        ms, first = bench(*PRESETS[name], warmup, a.steps, a.device, a.compile)
        rows.append({"preset": name, "ms_per_step": ms, "first_step_s": first, "mode": mode, "precision": precision})
        print(f"{name} {ms:.2f} ms/step ({mode}, {precision}, torch {torch.__version__}, {where}, "
              f"batch {PRESETS[name][5]}; first step {first:.1f} s)", flush=True)
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"device": where, "torch": torch.__version__, "rows": rows}, f, indent=1)


if __name__ == "__main__":
    main()
