"""Reference trajectory for tests/trajectory.rs: PyTorch + HF transformers train Garg et al.'s model
for 60 steps on recorded batches (a curriculum on dims and points, sparse supports among the live
coordinates, AdamW with weight decay, warmup + cosine, gradient clipping), so iclc's whole training
step can be held to the reference over many steps, not only one.

Run:  python scripts/make_trajectory.py tests/data/trajectory.safetensors
Needs: torch, transformers, safetensors (never needed by iclc or its tests).
"""
import json
import sys

import torch
from safetensors.torch import save_file

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from torch_reference import IclTransformer, batch, curriculum_at, learning_rate  # noqa: E402

SETTINGS = {"dims": 4, "points": 7, "width": 16, "layers": 2, "heads": 2, "batch": 8, "steps": 60, "lr": 3e-3,
            "weight_decay": 0.01, "clip": 0.5,
            "schedule": {"schedule": "cosine", "warmup": 10, "final_fraction": 0.1},
            "curriculum": {"dims": {"start": 2, "end": 4, "inc": 1}, "points": {"start": 3, "end": 7, "inc": 2},
                           "every": 15}}


def main(out):
    s = SETTINGS
    torch.manual_seed(0)
    torch.set_num_threads(1)
    model = IclTransformer(s["dims"], s["points"], s["width"], s["layers"], s["heads"])
    params = {n: p for n, p in model.named_parameters() if not n.endswith("wte.weight")}
    tensors = {"init." + n: p.detach().clone().contiguous() for n, p in params.items()}
    opt = torch.optim.AdamW(params.values(), lr=s["lr"], betas=(0.9, 0.999), eps=1e-8,
                            weight_decay=s["weight_decay"])
    gen = torch.Generator().manual_seed(1)
    losses = []
    for step in range(1, s["steps"] + 1):
        dims, points = curriculum_at(s["curriculum"], step - 1, s["dims"], s["points"])
        xs, ys, _ = batch({"kind": "sparse_linear", "nnz": 1, "scale": 1.0}, s["batch"], points, s["dims"], dims, gen)
        tensors[f"xs.{step}"], tensors[f"ys.{step}"] = xs.contiguous(), ys.contiguous()
        for g in opt.param_groups:
            g["lr"] = learning_rate(s["schedule"], s["lr"], step, s["steps"])
        opt.zero_grad()
        loss = ((model(xs, ys) - ys) ** 2).mean()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(list(params.values()), s["clip"])
        opt.step()
        losses.append(loss.item())
    tensors["losses"] = torch.tensor(losses)
    tensors.update({"final." + n: p.detach().clone().contiguous() for n, p in params.items()})
    save_file(tensors, out, metadata={"settings": json.dumps(s), "torch": torch.__version__})
    print(f"{len(losses)} steps, loss {losses[0]:.4f} -> {losses[-1]:.4f}")


if __name__ == "__main__":
    main(sys.argv[1])
