"""Reference values for iclc's numeric tests, computed with PyTorch + HF transformers
(the model of Garg et al. 2022, dtsip/in-context-learning src/models.py) and scikit-learn.

Run:  python scripts/make_golden.py [OUT_DIR] [--holdout]   (OUT_DIR: tests/data/golden, which the tests read)
Needs: torch, transformers, scikit-learn, safetensors, numpy.
"""
import json
import sys

import numpy as np
import torch
import torch.nn as nn
from safetensors.torch import save_file
from sklearn.linear_model import Lasso, Ridge
from transformers import GPT2Config, GPT2Model


class IclTransformer(nn.Module):
    """read_in -> GPT-2 backbone (inputs_embeds) -> read_out; predictions at the x positions."""

    def __init__(self, n_dims, points, n_embd, n_layer, n_head):
        super().__init__()
        cfg = GPT2Config(n_positions=2 * points, n_embd=n_embd, n_layer=n_layer, n_head=n_head,
                         resid_pdrop=0.0, embd_pdrop=0.0, attn_pdrop=0.0, use_cache=False)
        self._read_in = nn.Linear(n_dims, n_embd)
        cfg._attn_implementation = "eager"
        self._backbone = GPT2Model(cfg)
        self._read_out = nn.Linear(n_embd, 1)

    def forward(self, xs, ys):
        b, k, d = xs.shape
        ys_wide = torch.cat((ys.view(b, k, 1), torch.zeros(b, k, d - 1)), dim=2)
        zs = torch.stack((xs, ys_wide), dim=2).view(b, 2 * k, d)
        h = self._backbone(inputs_embeds=self._read_in(zs)).last_hidden_state
        return self._read_out(h)[:, ::2, 0]


def model_case(name, seed, n_dims, points, n_embd, n_layer, n_head, batch, out):
    torch.manual_seed(seed)
    model = IclTransformer(n_dims, points, n_embd, n_layer, n_head)
    # perturb LayerNorm and bias parameters so that a wrong formula cannot pass by symmetry
    with torch.no_grad():
        for pname, p in model.named_parameters():
            if "ln" in pname or pname.endswith("bias"):
                p.add_(0.1 * torch.randn_like(p))
    xs = torch.randn(batch, points, n_dims)
    w = torch.randn(batch, n_dims, 1)
    ys = (xs @ w)[:, :, 0]
    pred = model(xs, ys)
    loss = ((pred - ys) ** 2).mean()
    loss.backward()
    tensors = {}
    for pname, p in model.named_parameters():
        if pname.endswith("wte.weight"):
            continue  # the token table is unused with inputs_embeds
        tensors["param." + pname] = p.detach().clone().contiguous()
        tensors["grad." + pname] = p.grad.detach().clone().contiguous()
    opt = torch.optim.AdamW([p for n, p in model.named_parameters() if not n.endswith("wte.weight")],
                            lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01)
    opt.step()
    with torch.no_grad():
        pred_after = model(xs, ys)
        loss_after = ((pred_after - ys) ** 2).mean()
    tensors.update({"input.xs": xs, "input.ys": ys, "output.pred": pred.detach(),
                    "output.loss": loss.detach().reshape(1), "output.loss_after_adamw_step": loss_after.reshape(1),
                    "output.pred_after_adamw_step": pred_after})
    meta = {"n_dims": str(n_dims), "points": str(points), "n_embd": str(n_embd), "n_layer": str(n_layer),
            "n_head": str(n_head), "layer_norm_epsilon": "1e-5", "activation": "gelu_new (tanh approximation)",
            "adamw": "lr=1e-3 betas=(0.9,0.999) eps=1e-8 weight_decay=0.01 (decoupled, every parameter)",
            "torch": torch.__version__}
    tensors = {k: v.contiguous() for k, v in tensors.items()}
    save_file(tensors, f"{out}/{name}.safetensors", metadata=meta)
    print(name, "loss", float(loss), "after step", float(loss_after))


def baseline_case(name, seed, n_dims, n_ctx, out):
    """Least squares (min-norm), ridge, lasso, 3-NN and averaging on one prompt set."""
    rng = np.random.default_rng(seed)
    cases = []
    for i in range(6):
        d = n_dims
        n = [1, 2, d // 2, d - 1, d, 2 * d][i] if n_ctx is None else n_ctx
        X = rng.standard_normal((n, d))
        w = rng.standard_normal(d)
        if i % 2 == 1:  # sparse truth on odd cases
            w[rng.permutation(d)[2:]] = 0.0
        y = X @ w + (0.1 * rng.standard_normal(n) if i >= 4 else 0.0)
        xq = rng.standard_normal(d)
        ols = np.linalg.lstsq(X, y, rcond=None)[0]  # minimum-norm solution when n < d
        case = {"d": d, "n": n, "X": X.tolist(), "y": y.tolist(), "x_query": xq.tolist(),
                "least_squares": {"coef": ols.tolist(), "pred": float(xq @ ols)},
                "averaging": {"coef": (X * y[:, None]).mean(0).tolist(),
                              "pred": float(xq @ (X * y[:, None]).mean(0))}}
        dist = np.linalg.norm(X - xq, axis=1)
        nn3 = np.argsort(dist, kind="stable")[: min(3, n)]
        case["knn3"] = {"pred": float(y[nn3].mean())}
        case["ridge"] = []
        for alpha in [0.01, 0.1, 1.0]:
            r = Ridge(alpha=alpha, fit_intercept=False, solver="svd").fit(X, y)
            case["ridge"].append({"alpha": alpha, "objective": "||y - Xw||^2 + alpha ||w||^2",
                                  "coef": r.coef_.tolist(), "pred": float(xq @ r.coef_)})
        case["lasso"] = []
        for alpha in [0.001, 0.01, 0.1, 1.0]:
            m = Lasso(alpha=alpha, fit_intercept=False, max_iter=100000, tol=1e-10).fit(X, y)
            case["lasso"].append({"alpha": alpha, "objective": "(1/(2n)) ||y - Xw||^2 + alpha ||w||_1",
                                  "coef": m.coef_.tolist(), "pred": float(xq @ m.coef_)})
        cases.append(case)
    with open(f"{out}/{name}.json", "w") as f:
        json.dump({"generated_by": "numpy.linalg.lstsq, sklearn Ridge(svd)/Lasso, fit_intercept=False",
                   "cases": cases}, f, indent=1)
    print(name, len(cases), "cases")


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    out = args[0] if args else "tests/data/golden"
    if "--holdout" in sys.argv:
        model_case("gpt2_holdout_a", 11, 7, 9, 48, 3, 3, 3, out)
        model_case("gpt2_holdout_b", 12, 3, 17, 32, 1, 4, 2, out)
        baseline_case("baselines_holdout", 13, 9, None, out)
    else:
        model_case("gpt2_tiny", 1, 5, 11, 64, 2, 2, 4, out)
        model_case("gpt2_small", 2, 10, 21, 128, 4, 4, 2, out)
        baseline_case("baselines_d8", 3, 8, None, out)
        baseline_case("baselines_d20", 4, 20, None, out)
