"""Training steps of the rules language model in PyTorch, the shape `iclc bench lm` times: GPT-2
pre-LN blocks (tanh GELU, learned positions, untied logits head), width 16, 3 layers, 4 heads, on
every a^n b^n word for n = 1..16 as one batch (SOS a^n b^n EOS, padded to 34 tokens), next-token
cross-entropy with padding ignored, AdamW lr 2e-3. Prints the median ms/step.

    python scripts/torch_lm_step.py --threads 1 --steps 30
"""
import argparse
import math
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

A, B, SOS, EOS, PAD = 0, 1, 2, 3, 4


class Block(nn.Module):
    def __init__(self, c, heads):
        super().__init__()
        self.heads = heads
        self.ln_1 = nn.LayerNorm(c)
        self.c_attn = nn.Linear(c, 3 * c)
        self.attn_proj = nn.Linear(c, c)
        self.ln_2 = nn.LayerNorm(c)
        self.c_fc = nn.Linear(c, 4 * c)
        self.mlp_proj = nn.Linear(4 * c, c)

    def forward(self, x, mask):
        b, t, c = x.shape
        h, hd = self.heads, c // self.heads
        q, k, v = self.c_attn(self.ln_1(x)).split(c, dim=2)
        q, k, v = (z.view(b, t, h, hd).transpose(1, 2) for z in (q, k, v))
        att = (q @ k.transpose(-2, -1)) / math.sqrt(hd) + mask
        y = (att.softmax(-1) @ v).transpose(1, 2).reshape(b, t, c)
        x = x + self.attn_proj(y)
        return x + self.mlp_proj(F.gelu(self.c_fc(self.ln_2(x)), approximate="tanh"))


class Lm(nn.Module):
    def __init__(self, vocab=5, context=64, c=16, layers=3, heads=4):
        super().__init__()
        self.wte = nn.Embedding(vocab, c)
        self.wpe = nn.Embedding(context, c)
        self.blocks = nn.ModuleList(Block(c, heads) for _ in range(layers))
        self.ln_f = nn.LayerNorm(c)
        self.head = nn.Linear(c, vocab, bias=False)

    def forward(self, tokens):
        t = tokens.shape[1]
        mask = torch.full((t, t), -1e9).triu(1)
        x = self.wte(tokens) + self.wpe(torch.arange(t))
        for block in self.blocks:
            x = block(x, mask)
        return self.head(self.ln_f(x))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--steps", type=int, default=30)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    rows = [[SOS] + [A] * n + [B] * n + [EOS] for n in range(1, 17)]
    length = max(len(r) for r in rows)
    tokens = torch.tensor([r + [PAD] * (length - len(r)) for r in rows])
    model = Lm()
    opt = torch.optim.AdamW(model.parameters(), lr=2e-3, weight_decay=0.0)
    times = []
    for step in range(5 + args.steps):
        start = time.perf_counter()
        logits = model(tokens[:, :-1])
        loss = F.cross_entropy(logits.reshape(-1, 5), tokens[:, 1:].reshape(-1), ignore_index=PAD)
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step >= 5:
            times.append(time.perf_counter() - start)
    params = sum(p.numel() for p in model.parameters())
    print(f"torch rules lm: {params} parameters, {statistics.median(times) * 1e3:.2f} ms/step "
          f"(median of {args.steps}, threads {args.threads}, torch {torch.__version__})")


if __name__ == "__main__":
    main()
